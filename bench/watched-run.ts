// A cluster run that a benchmark ends itself: a poll on a timer decides when the measurement is
// complete and aborts the run, so the run's own duration is only a cap. Shared by the contention
// suite (ends a little after the withdraw) and the scaling suite (ends after its ops window).

import type { RunOptions } from '../src/config/config.js';
import type { EventObserver } from '../src/orchestrator/consumer.js';
import { runCluster } from '../src/orchestrator/run.js';
import type { RunResult } from '../src/report/result.js';

/** How often the poll looks, ms. */
const POLL_MS = 10;

export interface WatchedRun {
  readonly result: RunResult;
  readonly wallMs: number;
  /** The poll ended the run (false: it ended on its own, at its duration cap). */
  readonly stopped: boolean;
}

/**
 * Run `o` with `observer` attached; `done(nowMs, t0Ms)` is polled every POLL_MS and ends the run
 * when it returns true. A run that does not complete (errored, interrupted) throws, naming `what`.
 */
export async function runWatched(
  o: RunOptions,
  observer: EventObserver,
  what: string,
  done: (nowMs: number, t0Ms: number) => boolean,
): Promise<WatchedRun> {
  const stop = new AbortController();
  const t0 = performance.now();
  const timer = setInterval(() => {
    if (!done(performance.now(), t0)) return;
    clearInterval(timer);
    stop.abort();
  }, POLL_MS);
  let result: RunResult;
  try {
    result = await runCluster(o.config, {
      protocol: o.protocol,
      faults: o.faults,
      observers: [observer],
      signal: stop.signal,
    });
  } finally {
    clearInterval(timer);
  }
  if (result.state !== 'completed') throw new Error(`${what} ${result.state}: ${result.error?.message ?? ''}`);
  return { result, wallMs: performance.now() - t0, stopped: stop.signal.aborted };
}
