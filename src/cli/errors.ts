// How the CLI turns an error into text and an exit code. Usage errors (ours and commander's)
// get one line, no stack, exit 2. Anything else is a bug in the tool: the full stack, exit 70,
// so that a crash is never mistaken for an invariant violation (exit 1).

import { CommanderError } from 'commander';
import { UsageError } from '../config/errors.js';
import { ExitCode } from './exit-codes.js';
import type { OutStream } from './output.js';

export { UsageError };

export const usageHint = '(add --help for usage)';

/** Commander codes that mean "help or version was printed", i.e. success. */
const commanderSuccessCodes = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Report an error on `stderr` and return the exit code. Commander has already printed its own
 * error message (configureOutput), so only the code is decided for a CommanderError.
 */
export function reportCliError(err: unknown, stderr: OutStream, prog = 'gfs2-stress'): number {
  if (err instanceof CommanderError) {
    if (commanderSuccessCodes.has(err.code)) return ExitCode.ok;
    // 'commander.help' with exitCode 0 is an explicit `help` command; with 1 it is help shown
    // because a subcommand was missing, which is a usage error.
    if (err.code === 'commander.help' && err.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof UsageError) {
    stderr.write(`${prog}: error: ${err.message}\n${usageHint}\n`);
    return ExitCode.usage;
  }
  stderr.write(`${prog}: internal error: this is a bug in gfs2-stress, not a protocol violation.\n`);
  stderr.write('Please report it with the command line (and seed) that produced it.\n');
  if (err instanceof Error) {
    stderr.write(`${err.stack ?? `${err.name}: ${err.message}`}\n`);
    if (err.cause !== undefined)
      stderr.write(
        `caused by: ${err.cause instanceof Error ? (err.cause.stack ?? err.cause.message) : String(err.cause)}\n`,
      );
  } else {
    stderr.write(`thrown value: ${String(err)}\n`);
  }
  return ExitCode.internal;
}
