// Withdraw timelines (issue #3 "Measurements every run reports"): for each withdraw, when each
// phase was reached, from the phase events the protocols emit and the replay events of the
// journal code. Reporting only — the oracle never decides from these.

import { Ev, WithdrawPhase } from '../memory/events.js';
import type { WithdrawRecord } from '../report/result.js';

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
}

export class WithdrawTimelines {
  private readonly byJid = new Map<number, Building>();
  /** jid whose withdraw the survivors were last told about (the live-lock signal names no jid). */
  private lastSignalled = -1;

  private get(jid: number): Building {
    let b = this.byJid.get(jid);
    if (b === undefined) {
      const phases: Record<string, number | null> = {};
      for (const p of TIMELINE_PHASES) phases[p] = null;
      b = { node: jid, phases, blocksReplayed: 0, replayedBy: -1, dequeuesDelayed: 0, secondaryWaitsNs: [] };
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
    if (kind === Ev.withdraw) {
      if (a === WithdrawPhase.secondaryWaitEnd) {
        this.get(node).secondaryWaitsNs.push(c);
        return;
      }
      if (a === WithdrawPhase.secondaryWaitStart) return;
      const jid = a === WithdrawPhase.survivorNotified ? this.lastSignalled : node;
      if (jid < 0) return;
      const rec2 = this.get(jid);
      if (a === WithdrawPhase.signalSent) this.lastSignalled = jid;
      if (a === WithdrawPhase.dequeuesReleased) rec2.dequeuesDelayed = c;
      const name = PHASE_NAMES[a];
      if (name !== undefined) this.first(rec2, name, t);
    } else if (kind === Ev.replayStart && this.byJid.has(a)) {
      this.first(this.get(a), 'journalLockWon', t);
    } else if (kind === Ev.journalState && this.byJid.has(a)) {
      this.first(this.get(a), 'headFound', t);
    } else if (kind === Ev.replayEnd && this.byJid.has(a)) {
      const w = this.get(a);
      if (w.phases.replayDone === null) {
        w.phases.replayDone = t;
        w.blocksReplayed = b;
        w.replayedBy = node;
      }
    }
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
      }));
  }
}
