// P7: the simulator's speed. Seeds/s of the default soak seed on one worker thread and on as
// many as the machine has cores (piscina, one seed per task), measured back to back so each
// pair of samples shares the machine's load; and scheduler steps/s of the driver itself.

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { SeedOutcome } from './seed-worker.js';

const workerFile = fileURLToPath(new URL('./seed-worker.js', import.meta.url));

export interface SimSpeedSample {
  readonly threads: number;
  readonly seeds: number;
  readonly seedsPerSec: number;
  /** All workers' steps over the batch's wall time. */
  readonly stepsPerSec: number;
  /** Steps over the seeds' own run time summed per worker: one driver's speed. */
  readonly stepsPerSecPerThread: number;
  readonly outcomes: readonly SeedOutcome[];
}

export interface SimPool {
  readonly threads: number;
  batch(firstSeed: number, seeds: number): Promise<SimSpeedSample>;
  close(): Promise<void>;
}

const WARMUP_SEEDS_PER_THREAD = 3;

export async function createSimPool(threads: number): Promise<SimPool> {
  const pool = new Piscina({ filename: workerFile, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  // Warm every thread (module load, JIT) outside the timed batches: a fresh thread's first seeds
  // cost 2–2.7× the steady state, and one warm-up seed is not enough to reach it.
  await Promise.all(
    Array.from(
      { length: threads * WARMUP_SEEDS_PER_THREAD },
      (_, i) => pool.run({ seed: 0x7fff_0000 + i }) as Promise<SeedOutcome>,
    ),
  );
  return {
    threads,
    async batch(firstSeed: number, seeds: number): Promise<SimSpeedSample> {
      const t0 = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: seeds }, (_, i) => pool.run({ seed: firstSeed + i }) as Promise<SeedOutcome>),
      );
      const wallMs = performance.now() - t0;
      let steps = 0;
      let ms = 0;
      for (const o of outcomes) {
        steps += o.steps;
        ms += o.ms;
      }
      return {
        threads,
        seeds,
        seedsPerSec: (seeds * 1000) / wallMs,
        stepsPerSec: (steps * 1000) / wallMs,
        stepsPerSecPerThread: (steps * 1000) / ms,
        outcomes,
      };
    },
    close: () => pool.close(),
  };
}

/** Worker threads for the parallel side of P7: both cores of the target machine. */
export function simThreads(): number {
  return Math.max(2, Math.min(os.availableParallelism(), 2));
}
