// One threads-mode run with a primary and secondary withdrawer on node 0, and what the
// orchestrator measured about it: the secondary withdrawers' waits and the other nodes'
// requests blocked behind the withdrawing node (src/orchestrator/timeline.ts).
//
// A run does not end at a fixed duration: mounting takes from 0.1 s to many seconds (16 nodes
// on a loaded 2-core machine), so a fixed duration would catch the withdraw in some runs and
// not in others. The workload's duration is only a cap; the run is stopped through its abort
// signal (the orchestrator stops the workload and unmounts) once node 0's withdraw has
// finished and the cluster has run on for a moment, or after a bound if it never comes.

import { validateRunOptions } from '../../src/config/config.js';
import { Ev, WithdrawPhase } from '../../src/memory/events.js';
import { runWatched } from '../watched-run.js';

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
 * Node 0's journal writes fail from its 8th on (the primary withdraw, from a log flush), and
 * its in-place metadata writes from the 4th on, so another process of the same node that
 * flushes or writes back while the withdraw is in progress errors too and becomes a secondary
 * withdrawer. Counting writes rather than a time keeps the error after node 0's mount however
 * long the cluster takes to mount.
 */
export const CONTENTION_FAULTS = 'jerr:node=0,after=8+merr:node=0,op=w,after=4';

/** Cap on the workload (never reached normally: the run is stopped by signal). */
const RUN_CAP_MS = 120_000;
/** How long the cluster runs on after node 0 has left the lockspace, so late waits are seen. */
const TAIL_MS = 300;
/** Stop anyway if no withdraw has finished this long after the run started (a bound). */
const WITHDRAW_WAIT_MAX_MS = 30_000;

export interface WithdrawSample {
  /** Encoded HDR histograms of the run (empty string when none was recorded). */
  readonly secondaryWaitHist: string;
  readonly blockedRequestHist: string;
  readonly secondaryWaitsNs: readonly number[];
  readonly blockedRequestsNs: readonly number[];
  readonly withdraws: number;
  /** Nodes that had started their workload when node 0's error happened. */
  readonly nodesWorkingAtError: number;
  readonly ops: number;
  readonly ok: boolean;
  readonly wallMs: number;
}

/** Watches for node 0's withdraw and for which nodes were working when it began. */
class WithdrawWatch {
  private readonly started: boolean[];
  private startedCount = 0;
  workingAtError = -1;
  releasedAtMs = 0;
  constructor(nodes: number) {
    this.started = new Array<boolean>(nodes).fill(false);
  }
  readonly observe = (rec: Float64Array, off: number): void => {
    const kind = rec[off + 1];
    const node = rec[off + 2] as number;
    if (kind === Ev.op && this.started[node] === false) {
      this.started[node] = true;
      this.startedCount++;
    } else if (kind === Ev.withdraw && node === 0) {
      const phase = rec[off + 3];
      if (phase === WithdrawPhase.error && this.workingAtError < 0) this.workingAtError = this.startedCount;
      if (phase === WithdrawPhase.lockspaceReleased && this.releasedAtMs === 0) this.releasedAtMs = performance.now();
    }
  };
}

export async function runWithdrawPoint(p: ContentionPoint, seed: number): Promise<WithdrawSample> {
  const o = validateRunOptions({
    mode: 'threads',
    seed,
    nodes: p.nodes,
    processes: p.processes,
    durationMs: RUN_CAP_MS,
    ...INTENSITIES[p.intensity],
    protocol: 'force-withdraw',
    faults: CONTENTION_FAULTS,
  });
  const watch = new WithdrawWatch(p.nodes);
  const { result: r, wallMs } = await runWatched(
    o,
    watch.observe,
    `contention run ${JSON.stringify(p)} seed ${seed}`,
    (now, t0) => (watch.releasedAtMs > 0 && now - watch.releasedAtMs >= TAIL_MS) || now - t0 >= WITHDRAW_WAIT_MAX_MS,
  );
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
    nodesWorkingAtError: Math.max(0, watch.workingAtError),
    ops: r.totals.ops,
    ok: r.checker.ok,
    wallMs,
  };
}
