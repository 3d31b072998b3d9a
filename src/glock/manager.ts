// The per-node glock layer (fs/gfs2/glock.c): the in-core glock table, enqueue/dequeue, the
// lock module's callbacks, the recovery freeze, and the glock work process.
//
// Calling convention (no allocation on the cached path):
//   const r = m.nq(proc, h);          // 0 granted, 1 queued, GLR_TRYFAILED or -errno
//   if (r === 1) err = yield* m.wait(proc, h);   // unless GL_ASYNC (wait later, or poll())
//   ...
//   if (m.dq(proc, h) === 1) yield* m.dqWait(proc, h);   // 1 only at withdraw gate (d)
// nq also answers 1 for a granted holder whose glock must first be re-read (go_lock runs in
// wait(), in the holder's own process). The node spawns `m.workLoop(proc)` once: demotes that
// need go_sync and DLM replies are processed there, like the kernel's glock workqueue.

import { limits } from '../config/limits.js';
import { DlmStatus, LmState } from '../dlm/api.js';
import { Ev } from '../memory/events.js';
import { type Proc, prepareWait } from '../node/proc.js';
import type { Platform } from '../platform/platform.js';
import { blockingCallback, demoteStateFor, handleCallback, thawGlock } from './callbacks.js';
import { GlockFlag, HolderFlag, HolderIFlag } from './flags.js';
import { firstHolder, Glock, glockDump, removeHolder } from './glock.js';
import type { Holder } from './holder.js';
import { Errno, type LockModule, lmStateFromCallback } from './lm.js';
import { type GlockOps, type GlockOpsTable, neverBlockedGate, noopGlockOps, type WithdrawGate } from './ops.js';
import { addToQueue, doError, runQueue } from './queue.js';
import { bumpCounter, type CounterView, GlockCounter, glockStatsSlots } from './stats.js';
import { type GlockTiming, type HoldTimes, holdNs, holdTimesFor } from './timing.js';
import { WorkQueue, workLoop } from './work.js';
import { HOLD_TIME_TYPE, replyArrived } from './xmote.js';

export interface GlockManagerOptions {
  readonly node: number;
  readonly platform: Platform;
  readonly lm: LockModule;
  /** Ops per glock type; missing types get noop ops. */
  readonly ops: GlockOpsTable;
  /** This node's glock stats records: resources × glockStatsSlots float64s. */
  readonly stats: Float64Array;
  /** This node's counters: glockNodeCounterSlots slots (GlockCounter). */
  readonly counters: CounterView;
  readonly timing: GlockTiming;
  readonly gate?: WithdrawGate;
}

/** Wake-ups a holder wait tolerates before giving up (each one re-checks the holder). */
const WAIT_ROUNDS_MAX = 64;

export class GlockManager {
  readonly node: number;
  readonly platform: Platform;
  readonly lm: LockModule;
  readonly stats: Float64Array;
  readonly counters: CounterView;
  readonly timing: GlockTiming;
  readonly holdTimes: HoldTimes;
  gate: WithdrawGate;
  /** DFL_BLOCK_LOCKS: park successful non-NOEXP replies (§3.3). */
  blockLocks = false;
  /** Nesting of inline reply processing (see replyArrived). */
  inlineDepth = 0;
  private readonly opsByType: GlockOpsTable;
  private readonly noopOps: GlockOps[] = [];
  private readonly table = new Map<number, Glock>();
  private readonly work = new WorkQueue();

  constructor(o: GlockManagerOptions) {
    this.node = o.node;
    this.platform = o.platform;
    this.lm = o.lm;
    this.opsByType = o.ops;
    this.stats = o.stats;
    this.counters = o.counters;
    this.timing = o.timing;
    this.holdTimes = holdTimesFor(o.timing.hz);
    this.gate = o.gate ?? neverBlockedGate;
    for (let t = 0; t < 16; t++) this.noopOps.push(noopGlockOps(t));
  }

  /** gfs2_glock_get: the in-core glock for a name, created UN on first use. */
  get(type: number, number: number): Glock {
    const res = this.lm.resourceIndex(type, number);
    const have = this.table.get(res);
    if (have !== undefined) {
      if (have.type !== type || have.number !== number) {
        throw new Error(`glock ${type}/${number} maps to resource ${res}, already used by ${have.type}/${have.number}`);
      }
      return have;
    }
    if (this.table.size >= limits.glocksPerNodeMax) {
      throw new RangeError(`node ${this.node}: more than ${limits.glocksPerNodeMax} glocks in core`);
    }
    if ((res + 1) * glockStatsSlots > this.stats.length) {
      throw new RangeError(
        `glock stats view holds ${this.stats.length / glockStatsSlots} records; resource ${res} is outside`,
      );
    }
    const ops = this.opsByType[type] ?? this.noopOps[type & 15] ?? noopGlockOps(type);
    const gl = new Glock(res, type, number, ops, this.holdTimes.dftJiffies, this.platform.nowNs());
    if (ops.goLock !== null) gl.flags |= GlockFlag.instantiateNeeded;
    this.table.set(res, gl);
    return gl;
  }

  find(res: number): Glock | undefined {
    return this.table.get(res);
  }

  /** Every in-core glock (cold path: dumps, glocktop). */
  glocks(): IterableIterator<Glock> {
    return this.table.values();
  }

  holdNsOf(gl: Glock): number {
    return holdNs(this.timing, gl.holdTimeJiffies);
  }

  dftHoldNs(): number {
    return holdNs(this.timing, this.holdTimes.dftJiffies);
  }

  /**
   * gfs2_glock_nq. Returns 0 (granted, usable now), 1 (queued, or granted but go_lock must
   * run: call wait()), GLR_TRYFAILED or a negative errno. A plain call: nothing is allocated.
   */
  nq(proc: Proc, h: Holder): number {
    const gl = h.gl;
    if (gl === null) throw new Error('nq on an uninitialised holder');
    // Gate (a): a glock blocked by withdraw takes only NOEXP requests.
    if ((h.flags & HolderFlag.noexp) === 0 && this.gate.blockedByWithdraw(gl)) return Errno.eio;
    if (h.iflags !== 0) throw new Error(`nq on a queued holder (glock ${gl.type}/${gl.number}, pid ${proc.pid})`);
    h.proc = proc;
    h.pid = proc.pid;
    h.error = 0;
    h.iflags = HolderIFlag.wait;
    h.queuedAtNs = -1;
    const e = addToQueue(this, h, gl);
    if (e !== 0) return e;
    // A NOEXP request unfreezes a parked reply: recovery itself must make progress.
    if ((h.flags & HolderFlag.noexp) !== 0 && (gl.flags & GlockFlag.frozen) !== 0) thawGlock(this, gl);
    runQueue(this, gl, true);
    if ((h.iflags & HolderIFlag.wait) !== 0) {
      h.queuedAtNs = this.platform.nowNs(); // only waits are timed: the cached path reads no clock
      return 1;
    }
    if (h.error !== 0) return h.error;
    if ((gl.flags & GlockFlag.instantiateNeeded) !== 0 && (h.flags & HolderFlag.skip) === 0) return 1;
    return 0;
  }

  /** gfs2_glock_poll: true once the request is granted or failed. */
  poll(h: Holder): boolean {
    return (h.iflags & HolderIFlag.wait) === 0;
  }

  /**
   * gfs2_glock_wait (+ gfs2_instantiate): sleep until granted or failed, at most
   * limits.waitMaxNs; a timeout removes the holder and returns -ETIMEDOUT (logged with a dump).
   */
  *wait(proc: Proc, h: Holder): Generator<void, number, void> {
    const gl = h.gl;
    if (gl === null) throw new Error('wait on an uninitialised holder');
    const startNs = this.platform.nowNs();
    const deadlineNs = startNs + limits.waitMaxNs;
    for (let i = 0; (h.iflags & HolderIFlag.wait) !== 0; i++) {
      const now = this.platform.nowNs();
      if (now >= deadlineNs || i >= WAIT_ROUNDS_MAX) return this.waitTimedOut(gl, h, now - startNs);
      prepareWait(proc, h.channel, now, deadlineNs - now);
      yield;
    }
    if (this.platform.nowNs() - startNs > holdNs(this.timing, this.timing.hz)) {
      // Waited more than a second: lengthen the minimum hold time.
      gl.holdTimeJiffies = Math.min(gl.holdTimeJiffies + this.holdTimes.incrJiffies, this.holdTimes.maxJiffies);
    }
    if (h.error !== 0) return h.error;
    if ((gl.flags & GlockFlag.instantiateNeeded) !== 0 && (h.flags & HolderFlag.skip) === 0) {
      const e = yield* this.instantiate(proc, gl);
      if (e !== 0) {
        this.dqNow(h);
        return e;
      }
    }
    return 0;
  }

  private waitTimedOut(gl: Glock, h: Holder, waitedNs: number): number {
    if ((h.iflags & HolderIFlag.wait) !== 0) {
      removeHolder(gl, h);
      h.iflags = 0;
      this.queueWork(gl, 0); // the queue changed: let run_queue look again
    }
    h.error = Errno.etimedout;
    this.platform.log(
      this.node,
      `gfs2: pid ${h.pid} gave up on glock after ${Math.round(waitedNs / 1e6)} ms\n${glockDump(gl, this.platform.nowNs())}`,
    );
    return Errno.etimedout;
  }

  /** gfs2_instantiate: the first granted holder runs go_lock; others wait for it. */
  private *instantiate(proc: Proc, gl: Glock): Generator<void, number, void> {
    const deadlineNs = this.platform.nowNs() + limits.waitMaxNs;
    for (let i = 0; i < WAIT_ROUNDS_MAX; i++) {
      if ((gl.flags & GlockFlag.instantiateNeeded) === 0) return 0;
      if ((gl.flags & GlockFlag.instantiateInProg) !== 0) {
        const now = this.platform.nowNs();
        if (now >= deadlineNs) break;
        prepareWait(proc, gl.channel, now, deadlineNs - now);
        yield;
        continue;
      }
      const goLock = gl.ops.goLock;
      if (goLock === null) {
        gl.flags &= ~GlockFlag.instantiateNeeded;
        return 0;
      }
      gl.flags |= GlockFlag.instantiateInProg;
      let e = Errno.eio as number;
      try {
        e = yield* goLock(proc, gl);
      } finally {
        gl.flags &= ~GlockFlag.instantiateInProg;
        gl.channel.wakeAll();
      }
      if (e === 0) gl.flags &= ~GlockFlag.instantiateNeeded;
      return e;
    }
    this.platform.log(this.node, `gfs2: go_lock wait timed out\n${glockDump(gl, this.platform.nowNs())}`);
    return Errno.etimedout;
  }

  /**
   * gfs2_glock_dq. Returns 0 when done; 1 when withdraw gate (d) holds the dequeue: the
   * caller must then `yield* dqWait(proc, h)`. A plain call: nothing is allocated.
   */
  dq(_proc: Proc, h: Holder): number {
    const gl = h.gl;
    if (gl === null) throw new Error('dq on an uninitialised holder');
    if (this.gate.recoveryFlagSet() && this.gate.blockedByWithdraw(gl)) return 1;
    this.dqNow(h);
    return 0;
  }

  /**
   * After this node's lockspace is gone (a withdraw released it): fail every waiting holder
   * with -EIO, as nothing will ever grant them. Returns how many were failed.
   */
  failWaiters(): number {
    let failed = 0;
    for (const gl of this.table.values()) {
      const before = gl.holderCount;
      doError(gl, Errno.eio);
      failed += before - gl.holderCount;
    }
    return failed;
  }

  /** Gate (d): wait in the protocol's hook (SDF_WITHDRAW_RECOVERY), then dequeue. */
  *dqWait(proc: Proc, h: Holder): Generator<void, number, void> {
    yield* this.gate.onDequeueBlocked(proc, h);
    this.dqNow(h);
    return 0;
  }

  private dqNow(h: Holder): void {
    const gl = h.gl as Glock;
    if ((h.flags & HolderFlag.nocache) !== 0) handleCallback(this, gl, LmState.un, 0, false);
    const wasHolder = (h.iflags & HolderIFlag.holder) !== 0;
    removeHolder(gl, h);
    h.iflags = 0;
    if (wasHolder) this.platform.events.emit(Ev.release, gl.res, gl.state, h.flags, h.pid);
    else if (h.error === 0) {
      h.error = Errno.ecanceled; // a cancelled waiter (GL_ASYNC): its wait() must not report success
      h.channel.wakeAll();
    }
    if (gl.first === null && (gl.flags & (GlockFlag.pendingDemote | GlockFlag.demote)) === 0) return; // fast path
    let delayNs = 0;
    if (
      (gl.flags & (GlockFlag.pendingDemote | GlockFlag.demote)) === GlockFlag.pendingDemote &&
      gl.type === HOLD_TIME_TYPE
    ) {
      delayNs = this.holdNsOf(gl);
    }
    this.queueWork(gl, delayNs);
  }

  /** DLM blocking callback (gdlm_bast): `requestedState` is the state the other node wants. */
  onBlockingCallback(res: number, requestedState: number): void {
    const gl = this.table.get(res);
    const req = lmStateFromCallback(requestedState);
    const demoteTo = demoteStateFor(req);
    if (gl === undefined || demoteTo < 0) {
      this.platform.log(this.node, `gfs2: ignored blocking callback for resource ${res} (state ${requestedState})`);
      return;
    }
    this.platform.events.emit(Ev.callback, res, req, 0, 0);
    bumpCounter(this.counters, GlockCounter.callbacks);
    blockingCallback(this, gl, demoteTo);
  }

  /** DLM completion (gdlm_ast): status DlmStatus.granted, .tryFailed, or a negative error. */
  onCompletion(res: number, grantedState: number, status: number): void {
    const gl = this.table.get(res);
    if (gl === undefined || (gl.flags & GlockFlag.dlmWait) === 0) {
      this.platform.log(this.node, `gfs2: completion for resource ${res} with no request outstanding`);
      return;
    }
    const state = lmStateFromCallback(grantedState);
    if (status === DlmStatus.granted && state < 0) {
      replyArrived(this, gl, gl.state, Errno.eio, false);
      return;
    }
    replyArrived(this, gl, state, status === DlmStatus.queued ? Errno.eio : status, false);
  }

  /** DFL_BLOCK_LOCKS on or off (gdlm_recover_prep / the control work). Does not thaw. */
  setBlockLocks(on: boolean): void {
    this.blockLocks = on;
  }

  /** gfs2_glock_thaw: release every parked reply. Returns how many. */
  thaw(): number {
    let n = 0;
    for (const gl of this.table.values()) n += thawGlock(this, gl);
    return n;
  }

  /** Unmount (gfs2_gl_hash_clear): ask every held glock to demote to UN. */
  demoteAll(): void {
    for (const gl of this.table.values()) {
      if (gl.state !== LmState.un) handleCallback(this, gl, LmState.un, 0, false);
      this.queueWork(gl, 0);
    }
  }

  /** Glocks whose state is not UN (cached or held). */
  heldCount(): number {
    let n = 0;
    for (const gl of this.table.values()) if (gl.state !== LmState.un) n++;
    return n;
  }

  /** lm_put_lock for idle UN glocks, which are then forgotten. Returns how many. */
  putIdle(): number {
    let n = 0;
    const busy = GlockFlag.lock | GlockFlag.workQueued | GlockFlag.frozen | GlockFlag.dlmWait;
    for (const gl of this.table.values()) {
      if (gl.state !== LmState.un || gl.first !== null || (gl.flags & busy) !== 0) continue;
      if (gl.dstampNs >= 0) this.lm.unlock(gl.res);
      this.table.delete(gl.res);
      n++;
    }
    return n;
  }

  /** __gfs2_glock_queue_work: look at `gl` in the work process after delayNs (earliest wins). */
  queueWork(gl: Glock, delayNs: number): void {
    this.work.add(gl, this.platform.nowNs() + delayNs);
  }

  /** Glocks waiting for the work process (tests, dumps). */
  workPending(): number {
    return this.work.length;
  }

  /** End the work process at its next wake-up. */
  stop(): void {
    this.work.stopped = true;
    this.work.channel.wakeAll();
  }

  /** The glock work process body; the node spawns exactly one per manager. */
  workLoop(proc: Proc): Generator<void, void, void> {
    return workLoop(this, this.work, proc);
  }

  /** A debugfs-style dump of every glock with holders or a busy state machine (cold path). */
  dump(): string {
    const out: string[] = [];
    const now = this.platform.nowNs();
    for (const gl of this.table.values()) {
      if (gl.first !== null || firstHolder(gl) !== null || (gl.flags & GlockFlag.lock) !== 0)
        out.push(glockDump(gl, now));
    }
    return out.join('\n');
  }
}
