// The thin file P7 runs inside a piscina worker: one default soak seed (the configuration of
// bench/fault-table.ts and `soak`) per task, and what it cost in scheduler steps.

import { simCounters } from '../../src/driver/sim.js';
import { runCluster } from '../../src/orchestrator/run.js';
import { defaultSoakSeedOptions } from '../../src/soak/options.js';

export interface SeedOutcome {
  readonly seed: number;
  readonly violations: number;
  readonly historyHash: string;
  /** Sim scheduler steps of this seed, and the seed's wall time in this worker. */
  readonly steps: number;
  readonly ms: number;
}

export async function runSoakSeed(seed: number): Promise<SeedOutcome> {
  const t0 = performance.now();
  const steps0 = simCounters.steps;
  const o = defaultSoakSeedOptions(seed, 'force-withdraw');
  const r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults });
  return {
    seed,
    violations: r.checker.violations.length,
    historyHash: r.historyHash ?? '',
    steps: simCounters.steps - steps0,
    ms: performance.now() - t0,
  };
}

export default function seedWorker(task: { seed: number }): Promise<SeedOutcome> {
  return runSoakSeed(task.seed);
}
