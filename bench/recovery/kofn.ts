// Recovery throughput when k of N nodes withdraw together: nodes 0..k−1 each fail their K-th
// journal write (`jerr:node=i,after=K`, disjoint workload, so each journal is dirty), and the
// N − k survivors replay the k journals. The withdraws are as close together as the nodes'
// mounts (which are serialised) let them be; their spread is reported. (A fixed instant,
// `at=T`, was tried: a node mounting after T then fails at unmount instead, and journals found
// clean at T were common at kernel timing.)
// Per run: journals recovered per second and images replayed per second over the window from
// the first error to the last replay done, and how many of the k journals were recovered at all
// (a survivor still busy with one withdraw may miss the next one's signal; that journal then
// waits for its node's next mount, which these runs do not do).

import type { BenchContext, Metric } from '../suite.js';
import { runWithdraws } from './cluster.js';
import { Budget, type Checksum, latencyMetric, medianOf, rateMetric } from './metrics.js';
import type { RecoveryPlan } from './plan.js';

export interface KOfNPoint {
  readonly k: number;
  readonly windowNs: number[];
  readonly journalsPerSec: number[];
  readonly imagesPerSec: number[];
  readonly imagesReplayed: number[];
  readonly journalsRecovered: number[];
  /** Spread of the k errors (last − first), ns: how "at once" the withdraws were. */
  readonly errorSpreadNs: number[];
}

export async function measureKOfN(
  ctx: BenchContext,
  plan: RecoveryPlan,
  sum: Checksum,
): Promise<{ metrics: Metric[]; points: KOfNPoint[] }> {
  const { nodes, ks, afterWrites, journalBlocks } = plan.kOfN;
  const metrics: Metric[] = [];
  const points: KOfNPoint[] = [];
  for (const k of ks) {
    const budget = new Budget(plan.budgetMs.kOfN / ks.length);
    const p: KOfNPoint = {
      k,
      windowNs: [],
      journalsPerSec: [],
      imagesPerSec: [],
      imagesReplayed: [],
      journalsRecovered: [],
      errorSpreadNs: [],
    };
    const withdrawing = Array.from({ length: k }, (_, i) => i);
    for (
      let i = 0;
      budget.more(p.windowNs.length, plan.kOfN.min, plan.kOfN.max, ctx.signal) && i < 2 * plan.kOfN.max;
      i++
    ) {
      const run = await runWithdraws({
        seed: ctx.seed + i,
        nodes,
        processes: plan.processes,
        journalBlocks,
        timeScale: 0,
        protocol: 'force-withdraw',
        workload: 'disjoint',
        faults: withdrawing.map((n) => `jerr:node=${n},after=${afterWrites}`).join('+'),
        withdrawing,
        durationMs: plan.runCapMs,
        graceMs: 500,
        ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
      });
      let first = Number.POSITIVE_INFINITY;
      let lastError = 0;
      let last = 0;
      let replayed = 0;
      let recovered = 0;
      for (const t of run.timelines) {
        const err = t === null ? null : (t.phases.error ?? t.phases.withdrawStart ?? null);
        if (t === null || err === null) continue;
        first = Math.min(first, err);
        lastError = Math.max(lastError, err);
        if (t.phases.replayDone === null || t.phases.replayDone === undefined) continue;
        last = Math.max(last, t.phases.replayDone);
        replayed += t.blocksReplayed;
        recovered++;
      }
      if (run.timelines.some((t) => t === null) || recovered === 0) {
        ctx.log(
          `recovery: ${k} of ${nodes}: run ${i}: ${run.timelines.filter((t) => t !== null).length} withdrew, ${recovered} replayed; not counted`,
        );
        continue;
      }
      const windowNs = last - first;
      p.windowNs.push(windowNs);
      p.journalsPerSec.push(recovered / (windowNs / 1e9));
      p.imagesPerSec.push(replayed / (windowNs / 1e9));
      p.imagesReplayed.push(replayed);
      p.journalsRecovered.push(recovered);
      p.errorSpreadNs.push(lastError - first);
      sum.add(replayed);
    }
    points.push(p);
    if (p.windowNs.length === 0) continue;
    const params = {
      nodes,
      k,
      timeScale: 0,
      journalBlocks,
      imagesReplayedMedian: medianOf(p.imagesReplayed),
      protocol: 'force-withdraw',
    };
    metrics.push(
      rateMetric('recovery.kOfN.journalsPerSec', 'journals/s', p.journalsPerSec, params),
      rateMetric('recovery.kOfN.blocksPerSec', 'blocks/s', p.imagesPerSec, params),
      rateMetric('recovery.kOfN.journalsReplayed', 'journals', p.journalsRecovered, params),
      latencyMetric('recovery.kOfN.firstErrorToLastReplayNs', p.windowNs, params),
      latencyMetric('recovery.kOfN.errorSpreadNs', p.errorSpreadNs, params),
    );
    ctx.log(
      `recovery: ${k} of ${nodes} withdrawing: ${p.windowNs.length} runs, journals replayed ${p.journalsRecovered.join(' ')}, images ${p.imagesReplayed.join(' ')}`,
    );
  }
  return { metrics, points };
}
