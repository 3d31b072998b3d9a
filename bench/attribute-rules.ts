// The rules of bench/attribute.ts, apart from running anything: a Story (what one seed's run did,
// collected from events, kernel-style messages and the oracle's violations) in, one label per
// violation out. Labels (issue #3's attribution of force-withdraw violations):
// - S6: the withdrawer W's survivors were signalled and one later replayed J_W, but the
//   violation happened after W cleared SDF_WITHDRAW_RECOVERY (601ef0d5 step 9) and before that
//   replay: a lock W gave up reached another node while J_W still held newer copies.
// - A: W's live-lock signal reached nobody (no survivor ran remote_withdraw after W's
//   signalSent), so J_W was not replayed when the violation happened.
// - B: survivors were signalled, one tried J_W and its replay failed (Ev.replayEnd d < 0 or
//   "jid=W: Recovery failed"), the others had seen "Busy" and never retried; J_W was not
//   replayed when the violation happened.
// - other: anything else (no victim journal named, W never withdrew, a crash…), with a reason.
//   Protocols without the live-lock signal (legacy, release-recover) get only S6-free reasons:
//   A and B are about remote_withdraw, so there "no signal" is reported as other.
// The victim journal W of a violation is the journal whose newer copy was missed: I1's
// committer, I2's journal, durability's committer, liveness's dirty journal, I3's pending jid.
// Deliberately not decided: whether the S6 demote was queued before the clear (that is glock
// state, not in the events); the rules only place the violation in the window.

import type { Violation } from '../src/report/result.js';

export type Label = 'S6' | 'A' | 'B' | 'other';

/** One node's withdraw, phase → first time (ns) reached. */
export interface WithdrawStory {
  readonly node: number;
  readonly startNs: number;
  signalSentNs?: number;
  recoveryClearedNs?: number;
  journalCleanNs?: number;
  lockspaceReleasedNs?: number;
}

export interface ReplayStory {
  readonly node: number;
  readonly jid: number;
  readonly endNs: number;
  /** 0 ok, < 0 aborted (Ev.replayEnd d). */
  readonly status: number;
}

export interface Story {
  readonly withdraws: WithdrawStory[];
  /** survivorNotified phases: [node, timeNs]. */
  readonly notified: [number, number][];
  readonly replays: ReplayStory[];
  /** Journals found clean by a recovery (Ev.journalState b = 1): [jid, timeNs]. */
  readonly foundClean: [number, number][];
  /** Crash faults: [node, timeNs]. */
  readonly crashes: [number, number][];
  /** "jid=N: Recovery failed" lines: [jid, timeNs]. */
  readonly recoveryFailed: [number, number][];
}

export interface Attribution {
  readonly invariant: string;
  readonly label: Label;
  /** The victim journal, -1 if none could be named. */
  readonly jid: number;
  readonly timeNs: number;
  readonly why: string;
}

export function emptyStory(): Story {
  return { withdraws: [], notified: [], replays: [], foundClean: [], crashes: [], recoveryFailed: [] };
}

/** The journal whose newer copy the violation missed, or -1. */
export function victimJournal(v: Violation): number {
  const pattern: Readonly<Record<string, RegExp>> = {
    I1: /^replay of journal (\d+)|node (\d+) had committed/,
    I2: /journal (\d+) still held/,
    liveness: /with journal (\d+) dirty/,
  };
  const m = pattern[v.invariant]?.exec(v.detail);
  const found = m?.[1] ?? m?.[2];
  if (found !== undefined) return Number(found);
  if (v.invariant === 'durability') return v.nodes?.[0] ?? -1;
  if (v.invariant === 'I3') return v.nodes?.[1] ?? -1;
  return -1;
}

const ms = (ns: number | undefined): string => (ns === undefined ? '—' : `${(ns / 1e6).toFixed(3)}ms`);

/** Label one violation of a run. */
export function attribute(v: Violation, s: Story, liveLockSignal = true): Attribution {
  const jid = victimJournal(v);
  const timeNs = v.timeNs ?? Number.POSITIVE_INFINITY;
  const out = (label: Label, why: string): Attribution => ({ invariant: v.invariant, label, jid, timeNs, why });
  if (jid < 0) return out('other', 'no victim journal named');
  // Judged by inheritForStaleReplays: the replay itself is the journal's recovery.
  if (v.detail.startsWith('replay of journal')) return out('other', `stale replay of journal ${jid}`);
  // W's withdraw that was under way at the violation (the last one started before it).
  const w =
    s.withdraws.filter((x) => x.node === jid && x.startNs <= timeNs).at(-1) ?? s.withdraws.find((x) => x.node === jid);
  if (w === undefined) {
    const crash = s.crashes.find(([n]) => n === jid);
    return out(
      'other',
      crash !== undefined ? `node ${jid} crashed at ${ms(crash[1])} (no withdraw)` : `node ${jid} never withdrew`,
    );
  }
  const recoveredBy = (t: number) =>
    s.replays.some((r) => r.jid === jid && r.status === 0 && r.endNs >= w.startNs && r.endNs <= t) ||
    s.foundClean.some(([j, ft]) => j === jid && ft >= w.startNs && ft <= t);
  if (recoveredBy(timeNs)) return out('other', `journal ${jid} was already recovered before the violation`);
  if (w.signalSentNs === undefined)
    return out('other', `node ${jid} withdrew at ${ms(w.startNs)} but never sent its signal`);
  const sent = w.signalSentNs;
  const endNs = w.lockspaceReleasedNs ?? Number.POSITIVE_INFINITY;
  const heard = s.notified.filter(([n, t]) => n !== jid && t >= sent && t <= endNs);
  if (!liveLockSignal) {
    const failedRelease = s.replays.filter((r) => r.jid === jid && r.status < 0 && r.endNs >= sent).length;
    return out(
      'other',
      `journal ${jid} not recovered by ${ms(timeNs)} (withdraw signalled at ${ms(sent)}, ${failedRelease} failed replay(s))`,
    );
  }
  if (heard.length === 0) return out('A', `node ${jid}'s live-lock signal at ${ms(sent)} notified no survivor`);
  const failed =
    s.replays.some((r) => r.jid === jid && r.status < 0 && r.endNs >= sent) ||
    s.recoveryFailed.some(([j, t]) => j === jid && t >= sent);
  if (failed) return out('B', `journal ${jid}'s replay failed after its signal at ${ms(sent)} and nobody retried`);
  const clearedNs = w.recoveryClearedNs;
  if (clearedNs !== undefined && timeNs >= clearedNs && recoveredBy(Number.POSITIVE_INFINITY))
    return out(
      'S6',
      `violation at ${ms(timeNs)}: after node ${jid} cleared WITHDRAW_RECOVERY at ${ms(clearedNs)}, before J${jid} was replayed`,
    );
  return out(
    'other',
    `node ${jid}'s signal reached ${heard.length} survivor(s), no failed replay, journal ${jid} not recovered by ${ms(timeNs)} (cleared ${ms(clearedNs)})`,
  );
}

/**
 * A stale replay of J_W (I1: the replay put back a version older than one another node wrote
 * meanwhile) is the consequence of an earlier violation on W — the other node could only write
 * that block because it got W's lock before J_W was replayed. It takes that violation's label.
 */
export function inheritForStaleReplays(as: readonly Attribution[]): Attribution[] {
  return as.map((a) => {
    if (!a.why.startsWith('stale replay of journal')) return a;
    const cause = as.find((b) => b.jid === a.jid && b.label !== 'other' && b.timeNs <= a.timeNs);
    return cause === undefined
      ? a
      : {
          ...a,
          label: cause.label,
          why: `${a.why}: consequence of the ${cause.label} violation at ${ms(cause.timeNs)}`,
        };
  });
}

/** One label for a seed: the label of its earliest violation (the first thing that went wrong). */
export function seedLabel(as: readonly Attribution[]): Label {
  const first = [...as].sort((x, y) => x.timeNs - y.timeNs)[0];
  return first?.label ?? 'other';
}
