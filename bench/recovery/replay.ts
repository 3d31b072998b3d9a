// Replay throughput (journal blocks and MB of dirty journal per second) against dirty-journal
// size and revoke density, on synthetic journals of exact size (synth.ts).

import type { BenchContext, Metric } from '../suite.js';
import { type Checksum, medianOf, rateMetric } from './metrics.js';
import type { RecoveryPlan } from './plan.js';
import { buildSynthJournal, timeSynthReplay } from './synth.js';

export interface ReplayPoint {
  readonly spanBlocks: number;
  readonly revokeDensity: number;
  readonly imagesReplayed: number;
  readonly mbPerSec: number[];
}

export function measureReplay(
  ctx: BenchContext,
  plan: RecoveryPlan,
  sum: Checksum,
): { metrics: Metric[]; points: ReplayPoint[] } {
  const metrics: Metric[] = [];
  const points: ReplayPoint[] = [];
  for (const span of plan.synth.spans) {
    for (const density of plan.synth.densities) {
      if (ctx.signal?.aborted === true) return { metrics, points };
      const j = buildSynthJournal(span, density);
      // One untimed replay first: page-faults the disk's pages in, as a mounted node's would be.
      timeSynthReplay(j, 1);
      const { samplesNs, imagesReplayed } = timeSynthReplay(j, plan.synth.reps);
      const bytes = j.spanBlocks * j.loc.blockSize;
      const blocksPerSec = samplesNs.map((ns) => j.spanBlocks / (ns / 1e9));
      const mbPerSec = samplesNs.map((ns) => bytes / 1e6 / (ns / 1e9));
      const params = {
        dirtyBlocks: j.spanBlocks,
        dirtyMiB: +(bytes / 2 ** 20).toFixed(3),
        revokeDensity: +(j.revoked / j.images).toFixed(3),
        imagesReplayed,
        imagesLogged: j.images,
        journalBlocks: j.loc.journalBlocks,
      };
      metrics.push(
        rateMetric('recovery.replay.blocksPerSec', 'blocks/s', blocksPerSec, params),
        rateMetric('recovery.replay.MBPerSec', 'MB/s', mbPerSec, params),
      );
      points.push({ spanBlocks: j.spanBlocks, revokeDensity: params.revokeDensity, imagesReplayed, mbPerSec });
      sum.add(j.spanBlocks);
      sum.add(imagesReplayed);
      ctx.log(
        `recovery: replay ${j.spanBlocks} blocks, revoke density ${params.revokeDensity}: ${medianOf(mbPerSec).toFixed(0)} MB/s`,
      );
    }
  }
  return { metrics, points };
}
