// Where a seed runs. The soak's scheduler only sees this interface: the piscina pool in the CLI
// (one sim seed per worker, all cores), an in-process executor for threads-mode seeds (their
// driver has its own pool) and for tests, which inject a fake runCluster.

import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { errorInfo } from '../report/result.js';
import { erroredOutcome, runSeed, type SeedJob, type SeedOutcome, type SeedRunCluster } from './seed.js';

export interface SeedExecutor {
  /** Run one job; never rejects (crash → `errored`, timeout → `timeout`, abort → `interrupted`). */
  run(job: SeedJob, signal: AbortSignal): Promise<SeedOutcome>;
  /** Parallel jobs it can take. */
  readonly concurrency: number;
  close(): Promise<void>;
}

/**
 * Run seeds in this thread through `runCluster` (tests; threads-mode seeds). A seed still
 * running after `seedTimeoutMs` is asked to stop through its signal and reported as `timeout`.
 */
export function inProcessExecutor(runCluster: SeedRunCluster, concurrency = 1, seedTimeoutMs?: number): SeedExecutor {
  return {
    concurrency,
    async run(job, signal) {
      const timeout = seedTimeoutMs === undefined ? null : AbortSignal.timeout(seedTimeoutMs);
      const o = await runSeed(job, runCluster, timeout === null ? signal : AbortSignal.any([signal, timeout]));
      if (signal.aborted) return { ...o, state: 'interrupted' };
      if (timeout?.aborted === true) {
        const message = `seed ${job.seed} did not finish within ${seedTimeoutMs} ms (it was stopped)`;
        return { ...o, state: 'timeout', error: { name: 'SeedTimeout', message, stack: null } };
      }
      return o;
    },
    async close() {},
  };
}

export function soakWorkerFile(): string {
  // dist/src/soak/executor.js → dist/workers/soak-worker.js
  return fileURLToPath(new URL('../../workers/soak-worker.js', import.meta.url));
}

export interface PoolOptions {
  readonly threads: number;
  /** A seed still running after this is aborted (its worker is terminated) and reported. */
  readonly seedTimeoutMs: number;
}

/** Sim seeds in a piscina pool, one per worker thread. */
export function poolExecutor(opts: PoolOptions): SeedExecutor {
  if (!(Number.isInteger(opts.threads) && opts.threads >= 1)) {
    throw new RangeError(`poolExecutor: expected threads ≥ 1, received ${opts.threads}`);
  }
  const pool = new Piscina({
    filename: soakWorkerFile(),
    minThreads: opts.threads,
    maxThreads: opts.threads,
    concurrentTasksPerWorker: 1,
    // Never more queued than the scheduler keeps in flight, but bound it anyway.
    maxQueue: opts.threads * 2,
    idleTimeout: 1000,
  });
  return {
    concurrency: opts.threads,
    async run(job, signal) {
      const timeout = AbortSignal.timeout(opts.seedTimeoutMs);
      const both = AbortSignal.any([signal, timeout]);
      const t0 = performance.now();
      try {
        return (await pool.run(job, { signal: both })) as SeedOutcome;
      } catch (err) {
        const wallMs = Math.round(performance.now() - t0);
        if (signal.aborted) return erroredOutcome(job, 'interrupted', null, null, null, wallMs);
        if (timeout.aborted) {
          const message = `seed ${job.seed} did not finish within ${opts.seedTimeoutMs} ms (its worker was terminated)`;
          return erroredOutcome(job, 'timeout', { name: 'SeedTimeout', message, stack: null }, null, null, wallMs);
        }
        return erroredOutcome(job, 'errored', errorInfo(err), null, null, wallMs);
      }
    },
    async close() {
      await pool.close({ force: true });
    },
  };
}
