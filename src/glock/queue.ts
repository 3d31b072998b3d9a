// The holder queue side of the state machine (glock.c v5.7: add_to_queue, do_promote,
// do_error, run_queue). Plain functions: nothing here blocks; a demote that needs go_sync is
// handed to the glock work process by doXmote.

import { limits } from '../config/limits.js';
import { LmState } from '../dlm/api.js';
import { Ev } from '../memory/events.js';
import { GlockFlag, HOLDER_TRY_ANY, HolderFlag, HolderIFlag } from './flags.js';
import { firstHolder, firstWaiter, type Glock, insertHolderBefore, removeHolder } from './glock.js';
import type { Holder } from './holder.js';
import { Errno, GLR_TRYFAILED } from './lm.js';
import type { GlockManager } from './manager.js';
import { mayGrant } from './may-grant.js';
import { bumpCounter, bumpStat, GlockCounter, GlockStat, glockStatsSlots } from './stats.js';
import { doXmote } from './xmote.js';

/** Fail a holder that is not (or no longer) on the queue and wake its owner (gfs2_holder_wake). */
function failHolder(h: Holder, error: number): void {
  h.error = error;
  h.iflags &= ~HolderIFlag.wait;
  h.channel.wakeAll();
}

/**
 * add_to_queue. Returns 0 when queued, else the error the holder failed with (it is then not
 * on the queue). TRY holders fail early when the glock is busy, the request is not grantable
 * and a non-try holder is queued, or while an invalidation is in progress.
 */
export function addToQueue(m: GlockManager, h: Holder, gl: Glock): number {
  let tryFutile = false;
  if ((h.flags & HOLDER_TRY_ANY) !== 0) {
    if ((gl.flags & GlockFlag.lock) !== 0) tryFutile = !mayGrant(gl, h);
    if ((gl.flags & GlockFlag.invalidateInProgress) !== 0) {
      failHolder(h, GLR_TRYFAILED);
      return GLR_TRYFAILED;
    }
  }
  if (gl.holderCount >= limits.holdersPerGlockMax) {
    throw new RangeError(`glock ${gl.type}/${gl.number}: more than ${limits.holdersPerGlockMax} holders`);
  }
  let insertAt: Holder | null = null;
  for (let h2 = gl.first; h2 !== null; h2 = h2.next) {
    // trap_recursive: the kernel BUG()s; we fail the request so the run reports it.
    if (h2.pid === h.pid && gl.type !== 6) {
      m.platform.log(m.node, `gfs2: recursive glock request by pid ${h.pid} on ${gl.type}/${gl.number}`);
      failHolder(h, Errno.edeadlk);
      return Errno.edeadlk;
    }
    if (tryFutile && (h2.flags & HOLDER_TRY_ANY) === 0) {
      failHolder(h, GLR_TRYFAILED);
      return GLR_TRYFAILED;
    }
    if ((h2.iflags & HolderIFlag.holder) !== 0) continue;
    // PRIORITY goes before the first waiter, ahead of earlier PRIORITY waiters too (kernel).
    if ((h.flags & HolderFlag.priority) !== 0 && insertAt === null) insertAt = h2;
  }
  gl.flags |= GlockFlag.queued;
  bumpStat(m.stats, gl.res * glockStatsSlots, GlockStat.qcount);
  // The kernel now calls lm_cancel for a PRIORITY waiter behind a non-PRIORITY head; the
  // LockModule has no cancel, so the in-flight request simply completes first.
  insertHolderBefore(gl, h, insertAt);
  return 0;
}

/** Grant `h` (set HIF_HOLDER) and wake its owner. */
export function grantHolder(m: GlockManager, gl: Glock, h: Holder): void {
  h.iflags = (h.iflags | HolderIFlag.holder) & ~HolderIFlag.wait;
  m.platform.events.emit(Ev.grant, gl.res, gl.state, h.flags, h.pid);
  if (h.queuedAtNs >= 0) {
    // The holder waited: how long is what glocktop's and the withdraw report's "blocked" mean.
    m.platform.events.emit(Ev.waited, gl.res, m.platform.nowNs() - h.queuedAtNs, h.state, h.pid);
    h.queuedAtNs = -1;
  }
  bumpCounter(m.counters, GlockCounter.grants);
  h.channel.wakeAll();
}

/**
 * do_error: fail waiting holders. error < 0 (a DLM error): every waiter fails with -EIO;
 * otherwise only TRY/TRY_1CB waiters fail, with GLR_TRYFAILED.
 */
export function doError(gl: Glock, error: number): void {
  let next: Holder | null;
  for (let h = gl.first; h !== null; h = next) {
    next = h.next;
    if ((h.iflags & HolderIFlag.holder) !== 0) continue;
    let e = 0;
    if (error < 0) e = Errno.eio;
    else if ((h.flags & HOLDER_TRY_ANY) !== 0) e = GLR_TRYFAILED;
    else continue;
    removeHolder(gl, h);
    failHolder(h, e);
  }
}

/**
 * do_promote: grant waiters in queue order. Returns 1 if the head waiter is blocked (a state
 * change is needed), else 0. A blocked waiter behind granted holders fails the queued tries.
 * go_lock no longer runs here: the granted holder instantiates in its own process (wait()).
 */
export function doPromote(m: GlockManager, gl: Glock): number {
  let next: Holder | null;
  for (let h = gl.first; h !== null; h = next) {
    next = h.next;
    if ((h.iflags & HolderIFlag.holder) !== 0) continue;
    if (mayGrant(gl, h)) {
      grantHolder(m, gl, h);
      continue;
    }
    if (h === gl.first) return 1;
    doError(gl, 0);
    break;
  }
  return 0;
}

/** gfs2_demote_wake: the demote request is done (or moot). */
export function demoteWake(gl: Glock): void {
  gl.demoteState = LmState.ex;
  gl.flags &= ~GlockFlag.demote;
}

/**
 * run_queue. nonblock: called where go_sync must not run (nq, dq, callbacks) — a due demote
 * is then handed to the work process instead of started here.
 */
export function runQueue(m: GlockManager, gl: Glock, nonblock: boolean): void {
  if ((gl.flags & GlockFlag.lock) !== 0) return;
  gl.flags |= GlockFlag.lock;
  let gh: Holder | null = null;
  if ((gl.flags & GlockFlag.demote) !== 0 && gl.demoteState !== gl.state) {
    if (firstHolder(gl) !== null || nonblock) {
      gl.flags &= ~GlockFlag.lock;
      if (nonblock && firstHolder(gl) === null) m.queueWork(gl, 0);
      return;
    }
    gl.flags |= GlockFlag.demoteInProgress;
    gl.target = gl.demoteState;
  } else {
    if ((gl.flags & GlockFlag.demote) !== 0) demoteWake(gl);
    if (doPromote(m, gl) === 0) {
      gl.flags &= ~GlockFlag.lock;
      return;
    }
    gh = firstWaiter(gl) as Holder; // doPromote returned 1: the head is a waiter
    gl.target = gh.state;
    if ((gh.flags & HOLDER_TRY_ANY) === 0) doError(gl, 0);
  }
  doXmote(m, gl, gh, gl.target);
}
