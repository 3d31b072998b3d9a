// One threads-mode run with a primary and secondary withdrawer on node 0, and what the
// orchestrator measured about it: the secondary withdrawers' waits and the other nodes'
// requests blocked behind the withdrawing node (src/orchestrator/timeline.ts).

import { validateRunOptions } from '../../src/config/config.js';
import { runCluster } from '../../src/orchestrator/run.js';

/** Workload intensity levels of the sweep: fewer files, hotter skew, more writes = more contention. */
export const INTENSITIES = {
  light: { files: 256, hotSkew: 0.5, readFraction: 0.7 },
  heavy: { files: 32, hotSkew: 0.95, readFraction: 0.1 },
} as const;
export type Intensity = keyof typeof INTENSITIES;

export interface ContentionPoint {
  readonly nodes: number;
  readonly processes: number;
  readonly intensity: Intensity;
}

/**
 * Node 0's journal writes fail from its `JERR_AFTER`th on (the primary withdraw, from a log
 * flush), and its in-place metadata writes from the `MERR_AFTER`th on, so another process of
 * the same node that writes back metadata while the withdraw is in progress errors too and
 * becomes a secondary withdrawer. Counting writes rather than a time keeps the error after
 * node 0's mount however long the cluster takes to mount (16 nodes take seconds on 2 cores).
 */
const JERR_AFTER = 8;
const MERR_AFTER = 4;
export const CONTENTION_FAULTS = `jerr:node=0,after=${JERR_AFTER}+merr:node=0,op=w,after=${MERR_AFTER}`;

export interface WithdrawSample {
  /** Encoded HDR histograms of the run (empty string when none was recorded). */
  readonly secondaryWaitHist: string;
  readonly blockedRequestHist: string;
  readonly secondaryWaitsNs: readonly number[];
  readonly blockedRequestsNs: readonly number[];
  readonly withdraws: number;
  readonly ops: number;
  readonly ok: boolean;
  readonly wallMs: number;
}

/** Workload length: a base plus mount time, which grows with the node count. */
export function contentionDurationMs(nodes: number, quick: boolean): number {
  return (quick ? 800 : 1500) + 150 * nodes;
}

export async function runWithdrawPoint(p: ContentionPoint, seed: number, quick: boolean): Promise<WithdrawSample> {
  const o = validateRunOptions({
    mode: 'threads',
    seed,
    nodes: p.nodes,
    processes: p.processes,
    durationMs: contentionDurationMs(p.nodes, quick),
    ...INTENSITIES[p.intensity],
    protocol: 'force-withdraw',
    faults: CONTENTION_FAULTS,
  });
  const t0 = performance.now();
  const r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults });
  const wallMs = performance.now() - t0;
  if (r.state !== 'completed')
    throw new Error(`contention run ${JSON.stringify(p)} seed ${seed} ${r.state}: ${r.error?.message ?? ''}`);
  const secondaryWaitsNs: number[] = [];
  const blockedRequestsNs: number[] = [];
  for (const w of r.withdraws ?? []) {
    const s = w.secondaryWaitsNs;
    const b = w.blockedRequestsNs;
    if (Array.isArray(s)) for (const ns of s) if (typeof ns === 'number') secondaryWaitsNs.push(ns);
    if (Array.isArray(b)) for (const ns of b) if (typeof ns === 'number') blockedRequestsNs.push(ns);
  }
  return {
    secondaryWaitHist: r.latency['withdraw.secondaryWait']?.encoded ?? '',
    blockedRequestHist: r.latency['withdraw.blockedRequest']?.encoded ?? '',
    secondaryWaitsNs,
    blockedRequestsNs,
    withdraws: (r.withdraws ?? []).filter((w) => w.phases.withdrawStart !== null).length,
    ops: r.totals.ops,
    ok: r.checker.ok,
    wallMs,
  };
}
