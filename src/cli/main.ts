#!/usr/bin/env node
// The `gfs2-stress` executable. Everything happens in program.ts; this file only binds the
// process: real streams, SIGINT handling, a last-resort handler so that a stray exception
// exits 70 (a tool bug) rather than Node's default 1 (which would read as a violation), and the
// exit itself once output has been flushed.

import { reportCliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { main } from './program.js';

function fatal(err: unknown): void {
  process.exitCode = ExitCode.internal;
  reportCliError(err, process.stderr);
  process.exit(ExitCode.internal);
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

const code = await main(process.argv, { signals: true });
process.exit(code);
