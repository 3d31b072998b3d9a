// A stand-in for runCluster that decides each seed's outcome from the seed alone, so soak
// bookkeeping (shards, merge, recheck, interrupts) is tested without running clusters:
// seeds divisible by 3 violate I1, by 5 violate I2, and every seed records one recovery
// latency of seed × 1 µs. `hashOf` lets a test break determinism on purpose.

import type { Config } from '../../src/config/types.js';
import type { RunResult } from '../../src/report/result.js';
import type { SeedRunCluster } from '../../src/soak/seed.js';
import { createHistogram, recordNs, summarize } from '../../src/stats/histogram.js';

export interface FakeOptions {
  readonly hashOf?: (seed: number, call: number) => string;
  /** Called before each run (e.g. to abort after a few). */
  readonly onRun?: (seed: number, call: number) => void;
}

export function fakeRunCluster(opts: FakeOptions = {}): SeedRunCluster & { calls: number } {
  const fn = async (config: Config): Promise<RunResult> => {
    const call = fn.calls++;
    opts.onRun?.(config.seed, call);
    const seed = config.seed;
    const violations = [];
    if (seed % 3 === 0) violations.push({ invariant: 'I1', detail: `fake stale read in seed ${seed}`, trail: ['e1'] });
    if (seed % 5 === 0) violations.push({ invariant: 'I2', detail: `fake grant in seed ${seed}`, trail: ['e2'] });
    const h = createHistogram();
    recordNs(h, seed * 1000);
    await Promise.resolve();
    return {
      state: 'completed',
      error: null,
      historyHash: opts.hashOf?.(seed, call) ?? `hash-${seed}`,
      checker: { ok: violations.length === 0, violations },
      totals: { ops: 100, opsPerSec: 1 },
      latency: { 'withdraw.journalClean': summarize(h), 'op.write': summarize(h) },
    } as unknown as RunResult;
  };
  fn.calls = 0;
  return fn;
}
