// Withdraw timelines (issue #3 "Measurements every run reports"): for each withdraw, when each
// phase was reached, from the phase events the protocols emit and the replay events of the
// journal code. Reporting only — the oracle never decides from these.

import { Ev, WithdrawPhase } from '../memory/events.js';
import type { WithdrawRecord } from '../report/result.js';
import { createHistogram, type Histogram, recordNs } from '../stats/histogram.js';

const PHASE_NAMES: Record<number, string> = {
  [WithdrawPhase.error]: 'error',
  [WithdrawPhase.start]: 'withdrawStart',
  [WithdrawPhase.signalSent]: 'signalSent',
  [WithdrawPhase.survivorNotified]: 'survivorsNotified',
  [WithdrawPhase.recoveryCleared]: 'recoveryFlagCleared',
  [WithdrawPhase.journalClean]: 'journalClean',
  [WithdrawPhase.dequeuesReleased]: 'dequeuesReleased',
  [WithdrawPhase.lockspaceReleased]: 'lockspaceReleased',
};

/** Phase order in the report (a phase not reached is null). */
export const TIMELINE_PHASES = [
  'error',
  'withdrawStart',
  'signalSent',
  'survivorsNotified',
  'journalLockWon',
  'headFound',
  'replayDone',
  'recoveryFlagCleared',
  'journalClean',
  'dequeuesReleased',
  'lockspaceReleased',
] as const;

interface Building {
  node: number;
  phases: Record<string, number | null>;
  blocksReplayed: number;
  replayedBy: number;
  dequeuesDelayed: number;
  secondaryWaitsNs: number[];
  /** Resources the node held (DLM state not UN) when its withdraw started. */
  heldAtStart: Set<number> | null;
  /** Waits of other nodes' requests for those resources that overlapped the withdraw. */
  blockedRequestsNs: number[];
}

/** Samples kept per withdraw for the JSON record (the histograms take them all). */
const SAMPLES_PER_RECORD_MAX = 1000;

export class WithdrawTimelines {
  private readonly byJid = new Map<number, Building>();
  /** res → nodes holding it in a state other than UN (from dlmState events). */
  private readonly holders = new Map<number, Set<number>>();
  readonly blockedRequest: Histogram = createHistogram();
  readonly secondaryWait: Histogram = createHistogram();
  readonly phaseSinceError = new Map<string, Histogram>();
  /** jid whose withdraw the survivors were last told about (the live-lock signal names no jid). */
  private lastSignalled = -1;

  private get(jid: number): Building {
    let b = this.byJid.get(jid);
    if (b === undefined) {
      const phases: Record<string, number | null> = {};
      for (const p of TIMELINE_PHASES) phases[p] = null;
      b = {
        node: jid,
        phases,
        blocksReplayed: 0,
        replayedBy: -1,
        dequeuesDelayed: 0,
        secondaryWaitsNs: [],
        heldAtStart: null,
        blockedRequestsNs: [],
      };
      this.byJid.set(jid, b);
    }
    return b;
  }

  private first(b: Building, phase: string, t: number): void {
    if (b.phases[phase] === null) b.phases[phase] = t;
  }

  observe(rec: Float64Array, off: number): void {
    const kind = rec[off + 1];
    const t = rec[off] as number;
    const node = rec[off + 2] as number;
    const a = rec[off + 3] as number;
    const b = rec[off + 4] as number;
    const c = rec[off + 5] as number;
    if (kind === Ev.dlmState) {
      let set = this.holders.get(a);
      if (set === undefined) {
        set = new Set();
        this.holders.set(a, set);
      }
      if (c === 0) set.delete(node);
      else set.add(node);
      return;
    }
    if (kind === Ev.waited) {
      this.noteWait(node, a, b, t);
      return;
    }
    if (kind === Ev.withdraw) {
      if (a === WithdrawPhase.secondaryWaitEnd) {
        const w = this.get(node);
        if (w.secondaryWaitsNs.length < SAMPLES_PER_RECORD_MAX) w.secondaryWaitsNs.push(c);
        recordNs(this.secondaryWait, Math.max(1, c));
        return;
      }
      if (a === WithdrawPhase.start) {
        const w = this.get(node);
        w.heldAtStart = new Set();
        for (const [res, nodes] of this.holders) if (nodes.has(node)) w.heldAtStart.add(res);
      }
      if (a === WithdrawPhase.secondaryWaitStart) return;
      if (a === WithdrawPhase.journalLockWon) {
        if (this.byJid.has(b)) this.first(this.get(b), 'journalLockWon', t);
        return;
      }
      const jid = a === WithdrawPhase.survivorNotified ? this.lastSignalled : node;
      if (jid < 0) return;
      const rec2 = this.get(jid);
      if (a === WithdrawPhase.signalSent) this.lastSignalled = jid;
      if (a === WithdrawPhase.dequeuesReleased) rec2.dequeuesDelayed = c;
      const name = PHASE_NAMES[a];
      if (name !== undefined) this.first(rec2, name, t);
    } else if (kind === Ev.journalState && this.byJid.has(a)) {
      this.first(this.get(a), 'headFound', t);
    } else if (kind === Ev.replayEnd && this.byJid.has(a) && (rec[off + 6] as number) === 0) {
      const w = this.get(a);
      if (w.phases.replayDone === null) {
        w.phases.replayDone = t;
        w.blocksReplayed = b;
        w.replayedBy = node;
      }
    }
  }

  /** A request of `node` for `res` waited `waitNs` until `t`: was it held up by a withdraw? */
  private noteWait(node: number, res: number, waitNs: number, t: number): void {
    for (const w of this.byJid.values()) {
      if (w.node === node || w.heldAtStart === null || !w.heldAtStart.has(res)) continue;
      const start = w.phases.withdrawStart ?? Number.POSITIVE_INFINITY;
      const end = w.phases.lockspaceReleased ?? Number.POSITIVE_INFINITY;
      if (t - waitNs > end || t < start) continue;
      if (w.blockedRequestsNs.length < SAMPLES_PER_RECORD_MAX) w.blockedRequestsNs.push(waitNs);
      recordNs(this.blockedRequest, Math.max(1, waitNs));
    }
  }

  /** HDR histograms of the withdraw measurements (for RunResult.latency). */
  histograms(): Record<string, Histogram> {
    const out: Record<string, Histogram> = {};
    for (const w of this.byJid.values()) {
      const err = w.phases.error ?? w.phases.withdrawStart;
      if (err === null || err === undefined) continue;
      for (const p of TIMELINE_PHASES) {
        const at = w.phases[p];
        if (p === 'error' || at === null || at === undefined) continue;
        let h = this.phaseSinceError.get(p);
        if (h === undefined) {
          h = createHistogram();
          this.phaseSinceError.set(p, h);
        }
        recordNs(h, Math.max(1, at - err));
      }
    }
    for (const [p, h] of this.phaseSinceError) out[`withdraw.${p}`] = h;
    if (this.blockedRequest.totalCount > 0) out['withdraw.blockedRequest'] = this.blockedRequest;
    if (this.secondaryWait.totalCount > 0) out['withdraw.secondaryWait'] = this.secondaryWait;
    return out;
  }

  records(): WithdrawRecord[] {
    return [...this.byJid.values()]
      .filter((b) => b.phases.withdrawStart !== null || b.phases.error !== null)
      .map((b) => ({
        node: b.node,
        phases: b.phases,
        blocksReplayed: b.blocksReplayed,
        replayedBy: b.replayedBy,
        dequeuesDelayed: b.dequeuesDelayed,
        secondaryWaitsNs: b.secondaryWaitsNs,
        blockedRequestsNs: b.blockedRequestsNs,
      }));
  }
}
