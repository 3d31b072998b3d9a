// The glock work process (the kernel's glock_workqueue and glock_work_func). It finishes DLM
// replies, runs go_sync before demotes (the only glock step that may block), and applies the
// minimum hold time's delayed work. One work process per node, spawned by the node.

import { limits } from '../config/limits.js';
import { LmState } from '../dlm/api.js';
import { Channel, type Proc, prepareWait } from '../node/proc.js';
import { GlockFlag } from './flags.js';
import type { Glock } from './glock.js';
import type { GlockManager } from './manager.js';
import { runQueue } from './queue.js';
import { finishXmote, HOLD_TIME_TYPE, xmoteSyncAndSend } from './xmote.js';

/** Glocks with work pending, each at most once (GlockFlag.workQueued); bounded by the table. */
export class WorkQueue {
  /** The work process sleeps here when nothing is due. */
  readonly channel = new Channel('glock work', 4);
  proc: Proc | null = null;
  stopped = false;
  private items: Glock[] = [];
  private readonly batch: Glock[] = [];

  /** __gfs2_glock_queue_work. If already queued, the earlier time wins (mod_delayed_work). */
  add(gl: Glock, atNs: number): void {
    if ((gl.flags & GlockFlag.workQueued) !== 0) {
      if (atNs < gl.workAtNs) gl.workAtNs = atNs;
    } else {
      gl.flags |= GlockFlag.workQueued;
      gl.workAtNs = atNs;
      this.items.push(gl);
    }
    this.channel.wakeAll();
  }

  get length(): number {
    return this.items.length;
  }

  nextAtNs(): number {
    let t = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.items.length; i++) t = Math.min(t, (this.items[i] as Glock).workAtNs);
    return t;
  }

  /** Move the glocks due at `nowNs` (in queue order) into the reused batch array. */
  takeDue(nowNs: number): Glock[] {
    const batch = this.batch;
    // Setting an array's length is a slow builtin: only when it changes.
    if (batch.length !== 0) batch.length = 0;
    let keep = 0;
    for (let i = 0; i < this.items.length; i++) {
      const gl = this.items[i] as Glock;
      if (gl.workAtNs <= nowNs) {
        gl.flags &= ~GlockFlag.workQueued;
        gl.workAtNs = Number.POSITIVE_INFINITY;
        batch.push(gl);
      } else {
        this.items[keep++] = gl;
      }
    }
    if (keep !== this.items.length) this.items.length = keep;
    return batch;
  }
}

/**
 * The work process body. A daemon: it runs until stop(); each round handles only the glocks
 * due at its start, so a round is bounded by the table size. Its idle wait ends by timeout only
 * to re-check; that is not a liveness failure (nobody waits on the work process itself).
 */
export function* workLoop(m: GlockManager, q: WorkQueue, proc: Proc): Generator<void, void, void> {
  if (q.proc !== null) throw new Error(`node ${m.node}: a second glock work process`);
  q.proc = proc;
  while (!q.stopped) {
    const batch = q.takeDue(m.platform.nowNs());
    const n = batch.length;
    // The batch array is reused next round; only this process fills it.
    for (let i = 0; i < n; i++) yield* glockWork(m, proc, batch[i] as Glock);
    if (q.stopped) break;
    if (n > 0) {
      yield; // cond_resched between rounds
      continue;
    }
    const now = m.platform.nowNs();
    prepareWait(proc, q.channel, now, Math.min(Math.max(0, q.nextAtNs() - now), limits.waitMaxNs));
    yield;
  }
  q.proc = null;
}

/** glock_work_func for one glock. */
function* glockWork(m: GlockManager, proc: Proc, gl: Glock): Generator<void, void, void> {
  if ((gl.flags & GlockFlag.syncPending) !== 0) yield* xmoteSyncAndSend(m, proc, gl);
  if ((gl.flags & GlockFlag.replyPending) !== 0) {
    gl.flags &= ~GlockFlag.replyPending;
    finishXmote(m, gl);
  }
  let delayNs = 0;
  if ((gl.flags & GlockFlag.pendingDemote) !== 0 && gl.state !== LmState.un && gl.demoteState !== LmState.ex) {
    const untilNs = gl.tchangeNs + m.holdNsOf(gl);
    const now = m.platform.nowNs();
    if (now < untilNs) delayNs = untilNs - now;
    else gl.flags = (gl.flags & ~GlockFlag.pendingDemote) | GlockFlag.demote;
  }
  runQueue(m, gl, false);
  // A demote started just now waits for go_sync: run it here rather than a round later.
  if ((gl.flags & GlockFlag.syncPending) !== 0) yield* xmoteSyncAndSend(m, proc, gl);
  if (delayNs > 0) m.queueWork(gl, gl.type === HOLD_TIME_TYPE ? delayNs : 0);
}
