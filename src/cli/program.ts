// The command tree. Each subcommand lives in its own file under commands/ and registers itself
// on the program; this file only wires the shared behaviour: output routing, commander's errors
// mapped to exit 2 (exitOverride), and every other error to 2 (usage) or 70 (internal).

import { Command } from 'commander';
import { toolInfo } from '../report/result.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerCompareCommand } from './commands/compare.js';
import { registerMergeCommand } from './commands/merge.js';
import { registerProfileCommand } from './commands/profile.js';
import { registerReportCommand } from './commands/report.js';
import { type RunClusterFn, registerRunCommand } from './commands/run.js';
import { registerScenarioCommand } from './commands/scenario.js';
import { registerSoakCommand } from './commands/soak.js';
import { reportCliError, usageHint } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { type Io, processIo, styleFor } from './output.js';

export interface CliContext {
  readonly io: Io;
  /** Install a SIGINT handler around runs (off for in-process tests). */
  readonly signals: boolean;
  /** Replaces the orchestrator's runCluster (tests). */
  readonly runCluster?: RunClusterFn;
  /** The command as typed, for the result document (argv without the node binary). */
  readonly command: readonly string[];
  /** Set by the command's action. */
  exitCode: number;
}

/** Apply the settings every command shares. Called for the program and each subcommand. */
export function configureCommand(cmd: Command, ctx: CliContext): Command {
  const errStyle = styleFor(ctx.io.stderr, ctx.io.env);
  return cmd
    .exitOverride()
    .showHelpAfterError(usageHint)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      outputError: (s, write) => write(errStyle.red(`gfs2-stress: ${s}`)),
    });
}

export function buildProgram(ctx: CliContext): Command {
  const program = configureCommand(new Command('gfs2-stress'), ctx)
    .description('Worker-thread stress engine for the GFS2 withdraw and journal-recovery protocol')
    .version(toolInfo().version, '-V, --version')
    .helpCommand(true)
    .addHelpText(
      'after',
      `
Exit codes:
  0    ok
  1    an invariant was violated
  2    usage error
  3    a threshold was breached
  70   internal error of the tool (a bug, never a protocol finding)
  130  interrupted (after writing partial results)

Durations are written 500ms, 30s, 5m, 1h30m.`,
    );
  registerRunCommand(program, ctx);
  registerScenarioCommand(program, ctx, (c) => configureCommand(c, ctx));
  registerBenchCommand(program, ctx);
  registerCompareCommand(program, ctx);
  registerProfileCommand(program, ctx);
  registerReportCommand(program, ctx, (c) => configureCommand(c, ctx));
  registerSoakCommand(program, ctx, (c) => configureCommand(c, ctx));
  registerMergeCommand(program, ctx, (c) => configureCommand(c, ctx));
  return program;
}

/**
 * Parse `argv` (as process.argv: node binary, script, arguments…) and run the command.
 * Resolves to the process exit code; never rejects.
 */
export async function main(argv: readonly string[], opts: Partial<Omit<CliContext, 'exitCode'>> = {}): Promise<number> {
  const io = opts.io ?? processIo();
  const ctx: CliContext = {
    io,
    signals: opts.signals ?? false,
    command: opts.command ?? ['gfs2-stress', ...argv.slice(2)],
    exitCode: ExitCode.ok,
    ...(opts.runCluster !== undefined ? { runCluster: opts.runCluster } : {}),
  };
  try {
    const program = buildProgram(ctx);
    await program.parseAsync([...argv], { from: 'node' });
    return ctx.exitCode;
  } catch (err) {
    return reportCliError(err, io.stderr);
  }
}
