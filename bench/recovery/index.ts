// The 'recovery' benchmark suite (issue #4, macro part): withdraw and journal recovery in threads
// mode (real worker threads, real time), with the protocols' own delays.
//   - phases.ts: recovery latency by phase against dirty-journal size, at --time-scale 0 and at
//     kernel timing (HZ=1000, scale 1); P6 (end-to-end vs replay alone of the same journal);
//   - replay.ts: replay throughput against dirty-journal size and revoke density;
//   - kofn.ts: recovery throughput with k of N nodes withdrawing at once;
//   - protocols.ts: force-withdraw vs release-recover vs legacy, paired by seed.
// Every figure names the dirty-journal size actually replayed, not the size aimed at.

import type { BenchContext, Suite, SuiteOutput } from '../suite.js';
import { type KOfNPoint, measureKOfN } from './kofn.js';
import { Checksum } from './metrics.js';
import { measurePhases, type PhasePoint } from './phases.js';
import { planFor } from './plan.js';
import { measureProtocols, type ProtocolPoint } from './protocols.js';
import { measureReplay, type ReplayPoint } from './replay.js';

/** The suite's output and the per-run detail behind it (timelines, seeds) for tests and reports. */
export interface RecoveryRun {
  readonly output: SuiteOutput;
  readonly phases: readonly PhasePoint[];
  readonly replay: readonly ReplayPoint[];
  readonly kOfN: readonly KOfNPoint[];
  readonly protocols: readonly ProtocolPoint[];
}

export const suite: Suite = async (ctx) => (await runRecoverySuite(ctx)).output;

export async function runRecoverySuite(ctx: BenchContext): Promise<RecoveryRun> {
  const plan = planFor(ctx.quick);
  const sum = new Checksum();
  const replay = measureReplay(ctx, plan, sum);
  const phases = await measurePhases(ctx, plan, sum);
  const kOfN = await measureKOfN(ctx, plan, sum);
  const protocols = await measureProtocols(ctx, plan, sum);
  const notes = [...phases.notes];
  for (const p of protocols.points) {
    if (p.violations > 0)
      notes.push(
        `protocol ${p.protocol} at time scale ${p.timeScale}: the checker reported ${p.violations} violations over seeds ${p.seeds.join(',')}`,
      );
  }
  const output: SuiteOutput = {
    metrics: [...replay.metrics, ...phases.metrics, ...kOfN.metrics, ...protocols.metrics],
    ratios: phases.p6 !== null ? { P6: phases.p6 } : {},
    checksum: sum.hex(),
    notes,
  };
  return { output, phases: phases.points, replay: replay.points, kOfN: kOfN.points, protocols: protocols.points };
}
