// Invariant I3, recovery freeze (reference §3.3, §4.8): while a node is in DLM recovery, no
// holder without LM_FLAG_NOEXP may be granted on the strength of a DLM grant made during that
// recovery — the DLM may already have handed out a dead node's locks before its journal was
// replayed, and only the node's own freeze keeps it off those blocks.
//
// The window is derived from DLM events, never from DFL_BLOCK_LOCKS: it opens at
// Ev.dlmRecovery prep (a=1) on the node and closes when the node has seen done (a=3) AND every
// jid it was given by a slot event (a=2, jid in b) has since been replayed or found clean
// (Ev.replayEnd / Ev.journalState clean for that jid, by any node). A slot for a jid that some
// node already replayed or found clean after the jid's owner last mounted does not hold the
// window open: survivors learn of each other's recoveries through the control lock's LVB, so
// the last one to get its slot may legitimately find nothing left to do (a journal cannot be
// replayed while its owner is mounted and holds its journal glock, so such a replay is one of
// this failure's). It also closes when the node
// leaves the lockspace (Ev.lockspace a=2/3) or unmounts (Ev.mount a=0). A second prep inside an
// open window re-arms done and keeps the jids still pending.
//
// Inside the window, an Ev.dlmReply on resource g that acquires or raises the DLM lock (new
// state not UN, and not a downgrade from EX) marks g as "granted by the DLM during recovery". An
// Ev.grant on g of a holder without NOEXP (flags & 0x4 = 0) is then suspect — unless a NOEXP
// holder was granted on g since that DLM grant: like the kernel's gfs2_should_freeze, a reply
// with at least one NOEXP waiter is not parked, and every compatible waiter rides on it.
// A suspect grant is a violation only once it is USED: the node reads a block under g
// (Ev.readBlock, c = g) or commits a version under g (Ev.versionCommit, c = g) while it still
// holds it — before every suspect holder on g was released and before g was demoted or
// dropped. A grant that is never used exposes nothing: a node that is itself withdrawing may get
// the reply to a request it sent before recover_prep, but its withdraw gates stop every read
// (force-withdraw seed 66), and the holder is released untouched. The use may come after the
// window closed; the grant was still made on the strength of a recovery-time DLM grant.
//
// Deliberately not checked:
// - grants served from a DLM lock the node already held before the window (a cached glock):
//   the kernel grants those during recovery too, and they are safe, since a dead node cannot
//   have held a conflicting lock while this one was held;
// - downgrades (EX → SH/DF) during the window: the kernel parks them too, but using a lock
//   the node already held exclusively cannot expose a dead node's blocks;
// - whether prep was "ignored on a withdrawn node" (that is protocol state; a withdrawn node's
//   gates stop its disk-glock promotions anyway);
// - grants on glocks of a node whose window never closes because nobody ever checked a jid:
//   they are still reported, and the liveness check names the journal nobody recovered.

import { Ev } from '../memory/events.js';
import type { CheckContext } from './context.js';
import { F } from './context.js';
import { describeFields } from './event-format.js';

const NOEXP = 0x4;
const LMSTATE_UN = 0;
const LMSTATE_EX = 1;

interface Window {
  open: boolean;
  done: boolean;
  startNs: number;
  /** Jids this node was told to recover and that nobody has replayed or found clean since. */
  pending: Set<number>;
  /** res → whether a NOEXP holder was granted since the DLM granted it during the window. */
  raised: Map<number, boolean>;
  /** res already reported in this window. */
  reported: Set<number>;
}

/** A suspect grant (non-NOEXP, on a DLM grant made during recovery) not yet used or given up. */
interface SuspectGrant {
  /** Pids holding it; the grant is given up when the last one releases. */
  readonly pids: Set<number>;
  readonly state: number;
  readonly flags: number;
  readonly timeNs: number;
  /** The window it was granted in (its report is deduplicated there). */
  readonly window: Window;
  readonly why: string;
  readonly pending: number[];
  readonly startNs: number;
}

export class RecoveryFreezeChecker {
  private readonly ctx: CheckContext;
  private readonly windows: Window[] = [];
  /** Per node: observation ordinal of its last mount (a=1), -1 if none. */
  private readonly mountOrd: number[] = [];
  /** Per jid: observation ordinal of its last replayEnd / found-clean. */
  private readonly recoveredOrd = new Map<number, number>();
  /** Per node: res → the suspect grant it holds (kept across the window's close). */
  private readonly suspects: Map<number, SuspectGrant>[] = [];

  constructor(ctx: CheckContext, nodes: number) {
    this.ctx = ctx;
    for (let n = 0; n < nodes; n++) this.mountOrd.push(-1);
    for (let n = 0; n < nodes; n++) this.suspects.push(new Map());
    for (let n = 0; n < nodes; n++)
      this.windows.push({
        open: false,
        done: false,
        startNs: 0,
        pending: new Set(),
        raised: new Map(),
        reported: new Set(),
      });
  }

  observe(rec: Float64Array, off: number): void {
    const kind = rec[off + F.kind] as number;
    const node = rec[off + F.node] as number;
    const a = rec[off + F.a] as number;
    const b = rec[off + F.b] as number;
    const w = this.windows[node];
    switch (kind) {
      case Ev.dlmRecovery:
        if (w !== undefined) this.onRecovery(node, w, a, b, rec[off + F.time] as number);
        break;
      case Ev.replayEnd:
        // Only a replay that finished recovered the journal.
        if ((rec[off + F.d] as number) === 0) this.jidRecovered(a);
        break;
      case Ev.journalState:
        if (b === 1) this.jidRecovered(a);
        break;
      case Ev.lockspace:
        if (w !== undefined && (a === 2 || a === 3)) this.close(w);
        break;
      case Ev.mount:
        if (w !== undefined && a === 0) this.close(w);
        if (a === 1 && node < this.mountOrd.length) this.mountOrd[node] = this.ctx.ord;
        break;
      case Ev.dlmState:
        // The lock went away: whatever the DLM granted during the window no longer matters.
        if ((rec[off + F.c] as number) === LMSTATE_UN) {
          if (w?.open === true) w.raised.delete(a);
          this.suspects[node]?.delete(a);
        }
        break;
      case Ev.demote:
        this.suspects[node]?.delete(a);
        break;
      case Ev.release: {
        const s = this.suspects[node]?.get(a);
        if (s?.pids.delete(rec[off + F.d] as number) === true && s.pids.size === 0) this.suspects[node]?.delete(a);
        break;
      }
      case Ev.readBlock:
      case Ev.versionCommit:
        this.onUse(node, rec[off + F.c] as number, kind, a, b, rec[off + F.time] as number);
        break;
      case Ev.dlmReply: {
        // Keyed on when the reply arrived, as the kernel decides the freeze then: a grant that
        // arrived before recover_prep is not frozen, even if it is processed later.
        if (w === undefined || !w.open) break;
        const next = rec[off + F.c] as number;
        if (next !== LMSTATE_UN && next !== b && b !== LMSTATE_EX) w.raised.set(a, false);
        break;
      }
      case Ev.grant:
        if (w?.open === true)
          this.onGrant(node, w, a, b, rec[off + F.c] as number, rec[off + F.d] as number, rec[off + F.time] as number);
        break;
      default:
        break;
    }
  }

  private onRecovery(node: number, w: Window, phase: number, jid: number, timeNs: number): void {
    if (phase === 1) {
      if (!w.open) {
        w.open = true;
        w.startNs = timeNs;
        w.pending.clear();
        w.raised.clear();
        w.reported.clear();
      }
      w.done = false;
    } else if (phase === 2) {
      // A node never recovers its own journal through recover_slot (it is the one being
      // recovered for, or the slot is stale); only other jids hold its window open.
      const recovered = this.recoveredOrd.get(jid) ?? -1;
      if (w.open && jid !== node && !(recovered > (this.mountOrd[jid] ?? -1))) w.pending.add(jid);
    } else if (phase === 3) {
      w.done = true;
      if (w.pending.size === 0) this.close(w);
    }
  }

  private jidRecovered(jid: number): void {
    this.recoveredOrd.set(jid, this.ctx.ord);
    for (const w of this.windows) {
      if (!w.open || !w.pending.delete(jid)) continue;
      if (w.done && w.pending.size === 0) this.close(w);
    }
  }

  private close(w: Window): void {
    w.open = false;
    w.done = false;
    w.pending.clear();
    w.raised.clear();
    w.reported.clear();
  }

  private onGrant(
    node: number,
    w: Window,
    res: number,
    state: number,
    flags: number,
    pid: number,
    timeNs: number,
  ): void {
    const noexpSeen = w.raised.get(res);
    if (noexpSeen === undefined || state === LMSTATE_UN) return;
    if ((flags & NOEXP) !== 0) {
      w.raised.set(res, true);
      return;
    }
    if (noexpSeen || w.reported.has(res)) return;
    const held = this.suspects[node];
    if (held === undefined) return;
    const prior = held.get(res);
    if (prior !== undefined) {
      prior.pids.add(pid);
      return;
    }
    const pending = [...w.pending];
    const why = !w.done ? 'recovery not done yet' : `jid(s) ${pending.join(', ')} not yet replayed or found clean`;
    held.set(res, { pids: new Set([pid]), state, flags, timeNs, window: w, why, pending, startNs: w.startNs });
  }

  /** A read or commit under `res`: a suspect grant the node still holds there is a violation. */
  private onUse(node: number, res: number, kind: number, blk: number, version: number, useNs: number): void {
    const s = this.suspects[node]?.get(res);
    if (s === undefined) return;
    this.suspects[node]?.delete(res);
    if (s.window.reported.has(res)) return;
    s.window.reported.add(res);
    const { sink, glockName, nodeTrails } = this.ctx;
    if (!sink.wants('I3')) {
      sink.count('I3');
      return;
    }
    const stateName = ['UN', 'EX', 'DF', 'SH'][s.state] ?? `state ${s.state}`;
    const used = kind === Ev.readBlock ? 'read' : 'committed';
    sink.add({
      invariant: 'I3',
      detail:
        `node ${node} granted a holder without NOEXP (flags 0x${s.flags.toString(16)}) ${glockName(res)} ${stateName} ` +
        `on a DLM grant made during DLM recovery (${s.why}; recovery began at ${(s.startNs / 1e6).toFixed(6)}ms) ` +
        `and ${used} block ${blk} under it at ${(useNs / 1e6).toFixed(6)}ms`,
      nodes: [node, ...s.pending],
      glock: glockName(res),
      block: blk,
      timeNs: s.timeNs,
      trail: [
        ...nodeTrails.lines(node, glockName),
        describeFields(s.timeNs, Ev.grant, node, res, s.state, s.flags, 0, glockName),
        describeFields(useNs, kind, node, blk, version, res, 0, glockName),
      ],
      pendingJids: s.pending,
    });
  }

  /** Nodes whose recovery window is still open (for the report and tests). */
  openWindows(): { node: number; done: boolean; pendingJids: number[]; startNs: number }[] {
    const out: { node: number; done: boolean; pendingJids: number[]; startNs: number }[] = [];
    this.windows.forEach((w, node) => {
      if (w.open) out.push({ node, done: w.done, pendingJids: [...w.pending], startNs: w.startNs });
    });
    return out;
  }
}
