// Ctrl-C for the commands that run something long (run, profile, soak, bench): the first SIGINT
// aborts the work so the command still writes its partial results (exit 130); a second one quits
// at once. One handler for all of them, so they all behave the same.

import { ExitCode } from './exit-codes.js';
import type { OutStream } from './output.js';
import type { CliContext } from './program.js';

export interface Interrupt {
  /** Aborted by the first Ctrl-C. */
  readonly signal: AbortSignal;
  readonly aborted: () => boolean;
  /** Remove the handler (always, in a finally). */
  dispose(): void;
}

/**
 * Install the handler (only when `ctx.signals`). `doing` completes "interrupted; …", e.g.
 * "stopping the run and writing partial results"; `beforeMessage` clears a live progress line.
 */
export function onInterrupt(ctx: CliContext, stderr: OutStream, doing: string, beforeMessage?: () => void): Interrupt {
  const controller = new AbortController();
  let interrupts = 0;
  const handler = () => {
    interrupts++;
    beforeMessage?.();
    if (interrupts > 1) {
      stderr.write('gfs2-stress: interrupted again; exiting without results\n');
      process.exit(ExitCode.interrupted);
    }
    stderr.write(`gfs2-stress: interrupted; ${doing} (Ctrl-C again to quit at once)\n`);
    controller.abort(new Error('interrupted by SIGINT'));
  };
  if (ctx.signals) process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    aborted: () => controller.signal.aborted,
    dispose: () => {
      if (ctx.signals) process.off('SIGINT', handler);
    },
  };
}
