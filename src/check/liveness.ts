// Liveness (issue #3): after faults stop, every journal of a withdrawn or failed node is
// eventually replayed or deliberately left for remount, and no holder waits forever.
//
// Checks:
// - at the end (finish), for every node whose final state is down (withdrawn, crashed, failed,
//   errored) and whose journal (jid = node id) is dirty on disk: some node attempted that
//   journal — Ev.replayStart or Ev.journalState for the jid — after the owner's last mount.
//   A dirty journal that somebody looked at and left is "left for remount" (the standalone
//   withdraw of §4.6 does exactly that); a dirty journal nobody looked at is the legacy failure
//   of §4.7 (nobody replayed it and nobody knew it was dirty). Jids the caller declares as left
//   for remount on purpose are accepted too. Skipped when faults have not stopped;
// - blocking callbacks not honoured: a node that received Ev.callback for a state its DLM lock
//   conflicts with, and made no DLM state change on that glock within waitLimitNs, keeps some
//   other holder waiting. Reported once per (node, glock). Off unless waitLimitNs is finite;
// - waits the glock layer itself reports as timed out (−110): reportWaitTimeout() is the hook.
//
// Deliberately not checked: waits that never produced a callback (a queued holder is not an
// event), nodes still mounted at the end (their journals are live, not abandoned), and anything
// about withdraw phases (Ev.withdraw is reporting only).

import { Ev } from '../memory/events.js';
import type { CheckContext } from './context.js';
import { F } from './context.js';
import type { JournalCleanness } from './durability.js';

/** A node's state at the end of the run (NodeResult.state fits). */
export interface NodeEndState {
  readonly node: number;
  readonly state: string;
}

export const DOWN_STATES: ReadonlySet<string> = new Set(['withdrawn', 'crashed', 'failed', 'errored']);

const LMSTATE_UN = 0;

function conflicts(held: number, wanted: number): boolean {
  if (held === LMSTATE_UN) return false;
  return !(held === wanted && held !== 1);
}

export class LivenessChecker {
  private readonly ctx: CheckContext;
  private readonly waitLimitNs: number;
  /** Per node: ordinal of its last mount (a=1), -1 if none seen. */
  private readonly mountOrd: number[] = [];
  /** Per jid: ordinal and node of the last attempt (replayStart or journalState). */
  private readonly attemptOrd = new Map<number, { ord: number; node: number }>();
  /** Per node: res → DLM state, from Ev.dlmState. */
  private readonly dlmStates: Map<number, number>[] = [];
  /** Per node: res → time of the oldest callback not yet answered by a DLM state change. */
  private readonly callbacks: Map<number, number>[] = [];
  private readonly reportedCallbacks = new Set<string>();
  private lastScanNs = 0;

  constructor(ctx: CheckContext, nodes: number, waitLimitNs: number) {
    this.ctx = ctx;
    this.waitLimitNs = waitLimitNs;
    for (let n = 0; n < nodes; n++) {
      this.mountOrd.push(-1);
      this.dlmStates.push(new Map());
      this.callbacks.push(new Map());
    }
  }

  observe(rec: Float64Array, off: number): void {
    const kind = rec[off + F.kind] as number;
    const node = rec[off + F.node] as number;
    const a = rec[off + F.a] as number;
    const timeNs = rec[off + F.time] as number;
    switch (kind) {
      case Ev.mount:
        if (a === 1 && node < this.mountOrd.length) this.mountOrd[node] = this.ctx.ord;
        if (a === 0) this.callbacks[node]?.clear();
        break;
      case Ev.replayStart:
      case Ev.journalState:
        this.attemptOrd.set(a, { ord: this.ctx.ord, node });
        break;
      case Ev.lockspace:
        if (a === 2 || a === 3) this.callbacks[node]?.clear();
        break;
      case Ev.dlmState:
        this.dlmStates[node]?.set(a, rec[off + F.c] as number);
        this.callbacks[node]?.delete(a);
        break;
      case Ev.callback: {
        const held = this.dlmStates[node]?.get(a) ?? LMSTATE_UN;
        const cbs = this.callbacks[node];
        if (cbs !== undefined && conflicts(held, rec[off + F.b] as number) && !cbs.has(a)) cbs.set(a, timeNs);
        break;
      }
      default:
        break;
    }
    if (Number.isFinite(this.waitLimitNs) && timeNs - this.lastScanNs > this.waitLimitNs / 4) {
      this.lastScanNs = timeNs;
      this.scanCallbacks(timeNs);
    }
  }

  private scanCallbacks(nowNs: number): void {
    this.callbacks.forEach((cbs, node) => {
      for (const [res, sinceNs] of cbs) {
        if (nowNs - sinceNs <= this.waitLimitNs) continue;
        const key = `${node}:${res}`;
        if (this.reportedCallbacks.has(key)) continue;
        this.reportedCallbacks.add(key);
        const { glockName } = this.ctx;
        this.add({
          invariant: 'liveness',
          check: 'callback-not-honoured',
          detail: `node ${node} received a blocking callback on ${glockName(res)} at ${(sinceNs / 1e6).toFixed(6)}ms and had not given up its lock ${((nowNs - sinceNs) / 1e6).toFixed(3)}ms later (limit ${(this.waitLimitNs / 1e6).toFixed(3)}ms)`,
          nodes: [node],
          glock: glockName(res),
          timeNs: sinceNs,
        });
      }
    });
  }

  /** Hook for the glock layer's own timeouts (a wait that ended with −110 ETIMEDOUT). */
  reportWaitTimeout(node: number, res: number, waitedNs: number, timeNs: number, what: string = 'holder wait'): void {
    const gl = res >= 0 ? this.ctx.glockName(res) : undefined;
    this.add({
      invariant: 'liveness',
      check: 'wait-timeout',
      detail: Number.isFinite(waitedNs)
        ? `node ${node}: ${what}${gl !== undefined ? ` on ${gl}` : ''} timed out after ${(waitedNs / 1e6).toFixed(3)}ms (-110)`
        : `node ${node}: ${what} (a wait that timed out)`,
      nodes: [node],
      timeNs,
      ...(gl !== undefined ? { glock: gl } : {}),
    });
  }

  /** End-of-run checks. */
  finish(
    endNs: number,
    nodes: readonly NodeEndState[],
    journals: readonly JournalCleanness[],
    faultsStopped: boolean,
    leftForRemount: readonly number[],
  ): void {
    if (Number.isFinite(this.waitLimitNs)) this.scanCallbacks(endNs);
    if (!faultsStopped) return;
    const clean = new Map<number, boolean>();
    for (const j of journals) clean.set(j.jid, j.clean);
    const allowed = new Set(leftForRemount);
    for (const n of nodes) {
      if (!DOWN_STATES.has(n.state)) continue;
      if (clean.get(n.node) !== false || allowed.has(n.node)) continue;
      const attempt = this.attemptOrd.get(n.node);
      const since = this.mountOrd[n.node] ?? -1;
      if (attempt !== undefined && attempt.ord > since) continue;
      this.add({
        invariant: 'liveness',
        check: 'journal-abandoned',
        detail: `node ${n.node} ended ${n.state} with journal ${n.node} dirty, and no node replayed or even checked that journal after it last mounted: its committed changes are neither in place nor known to be pending`,
        nodes: [n.node],
        timeNs: endNs,
        trail: this.ctx.nodeTrails.lines(n.node, this.ctx.glockName),
      });
    }
  }

  private add(v: { invariant: 'liveness'; detail: string; [k: string]: unknown }): void {
    if (this.ctx.sink.wants('liveness')) this.ctx.sink.add(v);
    else this.ctx.sink.count('liveness');
  }
}
