// The 'contention' benchmark suite (issue #4): how long secondary withdrawers wait, and how
// long other nodes' requests are blocked behind a withdrawing node, under load. Threads mode,
// real time, default --time-scale 1 (the HZ/5 sleep before the recovery request and the
// journal checks are part of what a secondary withdrawer waits for, so they must stay real).
//
// Each run withdraws node 0 (a journal write error, then metadata write errors so that more
// of its processes fail while the withdraw is in progress: withdraw-run.ts). A point of the
// sweep is (nodes, processes per node, workload intensity); it is run with several seeds and
// its metrics pool every run's measurements, with the merged HDR histogram:
//   withdraw.secondaryWait.ns   one sample per secondary withdrawer (force-withdraw makes it
//                               sleep until the first withdrawer has left the lockspace)
//   withdraw.blockedRequest.ns  one sample per other-node request for a resource node 0 held
//                               that waited across the withdraw
//   withdraw.secondaryWaiters   secondary withdrawers per run (how often the case arises)
//   withdraw.withdrawsPerRun    primary withdraws per run (1 when node 0's fault fired)
// A point where nothing of a kind was measured has no metric of that kind (a note says so):
// whether a second process errors inside the withdraw window is up to the workload's timing.

import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  formatNs,
  type Histogram,
} from '../../src/stats/histogram.js';
import type { BenchContext, Metric, Suite } from '../suite.js';
import { median } from '../suite.js';
import {
  CONTENTION_FAULTS,
  type ContentionPoint,
  INTENSITIES,
  runWithdrawPoint,
  type WithdrawSample,
} from './withdraw-run.js';

interface Sizes {
  readonly points: readonly ContentionPoint[];
  /** Seeds (runs) per point; rounds go over every point so load drifts hit all points alike. */
  readonly runs: number;
}

/**
 * Nodes 2–16 at both intensities with 8 processes per node, and 2 processes per node at 4
 * nodes: 10 points × 3 runs, sized for the 4-minute budget on an idle 2-core machine (a run
 * lasts its mount, node 0's withdraw (≥ HZ/5) and a short tail; 16 nodes take seconds to mount).
 * More processes per node make a second error inside the withdraw window more likely.
 */
const FULL: Sizes = {
  points: [
    ...[2, 4, 8, 16].flatMap((nodes) =>
      (['light', 'heavy'] as const).map((intensity) => ({ nodes, processes: 8, intensity })),
    ),
    { nodes: 4, processes: 2, intensity: 'light' },
    { nodes: 4, processes: 2, intensity: 'heavy' },
  ],
  runs: 3,
};

const QUICK: Sizes = { points: [{ nodes: 2, processes: 8, intensity: 'light' }], runs: 3 };

/** A function, not an inline test: TypeScript would narrow `aborted` for the rest of the loop. */
const aborted = (ctx: BenchContext): boolean => ctx.signal?.aborted === true;

const labelOf = (p: ContentionPoint): string => `${p.nodes}n×${p.processes}p ${p.intensity}`;

function merge(into: Histogram, encoded: string): void {
  if (encoded !== '') into.add(decodeHistogram(encoded));
}

function p50p99(h: Histogram): string {
  return h.totalCount === 0
    ? 'none'
    : `p50 ${formatNs(h.getValueAtPercentile(50))} p99 ${formatNs(h.getValueAtPercentile(99))} (n=${h.totalCount})`;
}

export const suite: Suite = async (ctx: BenchContext) => {
  const s = ctx.quick ? QUICK : FULL;
  const samples = new Map<ContentionPoint, WithdrawSample[]>();
  let checksum = 0;
  for (let run = 0; run < s.runs && !aborted(ctx); run++) {
    for (const p of s.points) {
      if (aborted(ctx)) break;
      const r = await runWithdrawPoint(p, ctx.seed + run);
      const list = samples.get(p) ?? [];
      list.push(r);
      samples.set(p, list);
      checksum =
        (Math.imul(checksum ^ r.ops, 0x01000193) + r.secondaryWaitsNs.length + r.blockedRequestsNs.length) >>> 0;
      ctx.log(
        `contention: ${labelOf(p)} run ${run + 1}: ${r.withdraws} withdraw(s), ${r.secondaryWaitsNs.length} secondary, ${r.blockedRequestsNs.length} blocked requests, ${r.ops} ops, ${Math.round(r.wallMs)} ms`,
      );
    }
  }
  const metrics: Metric[] = [];
  const notes: string[] = [`contention: faults ${CONTENTION_FAULTS}, force-withdraw, threads, time-scale 1`];
  for (const p of s.points) {
    const list = samples.get(p);
    if (list === undefined) continue;
    const params = {
      nodes: p.nodes,
      processes: p.processes,
      intensity: p.intensity,
      ...INTENSITIES[p.intensity],
      runs: list.length,
    };
    const secondary = createHistogram();
    const blocked = createHistogram();
    for (const r of list) {
      merge(secondary, r.secondaryWaitHist);
      merge(blocked, r.blockedRequestHist);
    }
    const secondaryNs = list.flatMap((r) => r.secondaryWaitsNs);
    const blockedNs = list.flatMap((r) => r.blockedRequestsNs);
    if (secondaryNs.length > 0) {
      metrics.push({
        name: 'withdraw.secondaryWait.ns',
        unit: 'ns',
        better: 'lower',
        samples: secondaryNs,
        histogram: encodeHistogram(secondary),
        params,
      });
    }
    if (blockedNs.length > 0) {
      metrics.push({
        name: 'withdraw.blockedRequest.ns',
        unit: 'ns',
        better: 'lower',
        samples: blockedNs,
        histogram: encodeHistogram(blocked),
        params,
      });
    }
    metrics.push({
      name: 'withdraw.withdrawsPerRun',
      unit: 'count',
      better: 'lower',
      samples: list.map((r) => r.withdraws),
      params,
    });
    metrics.push({
      name: 'withdraw.secondaryWaiters',
      unit: 'count',
      better: 'lower',
      samples: list.map((r) => r.secondaryWaitsNs.length),
      params,
    });
    const withdrew = list.filter((r) => r.withdraws > 0).length;
    const bad = list.filter((r) => !r.ok).length;
    notes.push(
      `${labelOf(p)}: secondary wait ${p50p99(secondary)}; blocked requests ${p50p99(blocked)}; node 0 withdrew in ${withdrew}/${list.length} runs with a median ${median(list.map((r) => r.nodesWorkingAtError))} of ${p.nodes} nodes working at its error, median ${median(list.map((r) => r.ops))} ops/run${bad > 0 ? `; checker violations in ${bad} run(s)` : ''}`,
    );
  }
  return { metrics, ratios: {}, checksum: checksum.toString(16).padStart(8, '0'), notes };
};
