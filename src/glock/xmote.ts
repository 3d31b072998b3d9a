// State transitions (glock.c v5.7: do_xmote, finish_xmote, state_change, gfs2_glock_complete)
// and the DLM reply path. do_xmote is split in two because go_sync may block: the plain part
// decides, and the send part (after go_sync) invalidates, applies withdraw gate (c) and calls
// the lock module. When go_sync is needed the glock goes to the work process in between; it
// keeps GLF_LOCK throughout, exactly as the kernel holds it across go_sync.

import { DlmFlag, DlmStatus, GlockType, LmState } from '../dlm/api.js';
import { Ev } from '../memory/events.js';
import type { Proc } from '../node/proc.js';
import { GlockFlag, HOLDER_TRY_ANY, HolderFlag, HolderIFlag } from './flags.js';
import { firstWaiter, type Glock, glockDump } from './glock.js';
import type { Holder } from './holder.js';
import { Errno, GLR_TRYFAILED, lmStateName } from './lm.js';
import type { GlockManager } from './manager.js';
import { demoteWake, doError, doPromote } from './queue.js';
import { bumpCounter, bumpStat, GlockCounter, GlockStat, glockStatsSlots, updateSmoothed } from './stats.js';

/** Holder flags that travel with a DLM request (do_xmote's lck_flags mask). */
const REQ_FLAGS_MASK = HolderFlag.try | HolderFlag.try1cb | HolderFlag.noexp | HolderFlag.priority;

/** Nested inline reply processing allowed before replies go through the work process. */
const INLINE_DEPTH_MAX = 3;

/**
 * Does leaving gl.state for `target` need go_sync? Any transition out of EX (only EX may have
 * dirtied blocks) and any demote to UN or DF (go_inval follows). Promotions from UN, SH or DF
 * to SH or EX have nothing to write, so they go to the DLM from the caller's context.
 */
export function needsSync(gl: Glock, target: number): boolean {
  if (gl.ops.goSync === null || gl.state === LmState.un) return false;
  return gl.state === LmState.ex || target === LmState.un || target === LmState.df;
}

/** do_xmote, first half. `gh` is the head waiter for a promotion, null for a demote. */
export function doXmote(m: GlockManager, gl: Glock, gh: Holder | null, target: number): void {
  // Gate (b): promotions of non-NOEXP holders stall while blocked by withdraw. GLF_LOCK stays
  // set, so the glock makes no further progress until the node leaves the lockspace.
  if (target !== LmState.un && gh !== null && (gh.flags & HolderFlag.noexp) === 0 && m.gate.blockedByWithdraw(gl)) {
    return;
  }
  if (gl.state === target) {
    // GLOCK_BUG_ON in the kernel; report and drop the request instead of looping.
    m.platform.log(m.node, `gfs2: do_xmote to the current state\n${glockDump(gl, m.platform.nowNs())}`);
    gl.flags &= ~(GlockFlag.lock | GlockFlag.demoteInProgress);
    return;
  }
  const reqFlags = gh !== null ? gh.flags & REQ_FLAGS_MASK : 0;
  if ((target === LmState.un || target === LmState.df) && gl.ops.goInval !== null) {
    gl.flags |= GlockFlag.invalidateInProgress;
    doError(gl, 0); // fail queued try locks
  }
  gl.req = target;
  gl.reqFlags = reqFlags;
  // A request that cannot wait at the DLM (unlock, down-conversion from EX, a try) is
  // "non-blocking" for the statistics.
  if (target === LmState.un || gl.state === LmState.ex || (reqFlags & HOLDER_TRY_ANY) !== 0) {
    gl.flags &= ~GlockFlag.blocking;
  } else {
    gl.flags |= GlockFlag.blocking;
  }
  if (needsSync(gl, target)) {
    gl.flags |= GlockFlag.syncPending;
    m.queueWork(gl, 0);
    return;
  }
  xmoteSend(m, gl, false);
}

/** Work-process half of do_xmote when go_sync is needed. */
export function* xmoteSyncAndSend(m: GlockManager, proc: Proc, gl: Glock): Generator<void, void, void> {
  gl.flags &= ~GlockFlag.syncPending;
  const sync = gl.ops.goSync;
  let skipInval = false;
  if (sync !== null) {
    const err = yield* sync(proc, gl);
    if (err !== 0) {
      // Kernel: record the log error and skip go_inval; the node starts a delayed withdraw,
      // which gate (c) below then sees before the DLM call.
      m.platform.log(m.node, `gfs2: error ${err} syncing glock ${gl.type}/${gl.number}`);
      m.gate.syncFailed(gl, err);
      // v5.7 ("Do proper error checking for go_sync family of glops functions", shipped with
      // 601ef0d5): do_xmote returns here, so the DLM is never told to release a lock whose
      // revokes could not be written. GLF_LOCK stays set: the glock is stuck until the
      // lockspace goes. Before that series (legacy) the demote went on to the DLM.
      if (m.gate.keepLockOnSyncError) return;
      skipInval = true;
    }
  }
  xmoteSend(m, gl, skipInval);
}

/** do_xmote, second half: go_inval, gate (c), the lock module call. */
export function xmoteSend(m: GlockManager, gl: Glock, skipInval: boolean): void {
  const target = gl.req;
  // On a sync error GLF_INVALIDATE_IN_PROGRESS stays set, as in the kernel (skip_inval).
  if (!skipInval && (gl.flags & GlockFlag.invalidateInProgress) !== 0) {
    gl.ops.goInval?.(gl, target);
    gl.flags &= ~GlockFlag.invalidateInProgress;
    if (gl.ops.goLock !== null) gl.flags |= GlockFlag.instantiateNeeded;
  }
  // Gate (c): keep the DLM lock while the withdraw is pending; requeue after the default hold
  // time with GLF_LOCK still set (the work then finds the glock busy and leaves it).
  if (m.gate.blockedByWithdraw(gl) && (target !== LmState.un || m.gate.recoveryFlagSet())) {
    m.queueWork(gl, m.dftHoldNs());
    return;
  }
  updateRequestTimes(m, gl);
  bumpCounter(m.counters, GlockCounter.requests);
  let lmFlags = 0;
  if ((gl.reqFlags & HolderFlag.try) !== 0) lmFlags |= DlmFlag.noqueue;
  if ((gl.reqFlags & HolderFlag.try1cb) !== 0) lmFlags |= DlmFlag.noqueue | DlmFlag.noqueuebast;
  if ((gl.reqFlags & HolderFlag.priority) !== 0) lmFlags |= DlmFlag.priority;
  gl.flags |= GlockFlag.dlmWait;
  const status = m.lm.lock(gl.res, target, lmFlags);
  if (status === DlmStatus.queued) return;
  replyArrived(m, gl, target, status, true);
}

/**
 * A DLM reply for the outstanding request (gdlm_ast + gfs2_glock_complete). `inline` is true
 * when the lock module answered the call itself; the reply is then finished at once instead
 * of going through the work process (as if the ast had arrived immediately).
 */
export function replyArrived(m: GlockManager, gl: Glock, grantedState: number, status: number, inline: boolean): void {
  gl.flags &= ~GlockFlag.dlmWait;
  // When the reply arrived is what the recovery freeze is decided on (gfs2_glock_complete).
  m.platform.events.emit(Ev.dlmReply, gl.res, gl.state, status === DlmStatus.granted ? grantedState : gl.state, status);
  updateReplyTimes(m, gl);
  if (status === DlmStatus.granted) {
    gl.replyState = grantedState;
    gl.replyStatus = 0;
  } else if (status === DlmStatus.tryFailed) {
    gl.replyState = gl.state; // gdlm_ast: a failed try leaves the state as it was
    gl.replyStatus = GLR_TRYFAILED;
  } else if (gl.req === LmState.un) {
    // The lockspace is gone and the lock with it (kernel: -EINVAL with SDF_SKIP_DLM_UNLOCK).
    gl.replyState = LmState.un;
    gl.replyStatus = 0;
  } else {
    gl.replyState = gl.state;
    gl.replyStatus = status < 0 ? status : Errno.eio;
  }
  if (m.blockLocks && shouldFreeze(gl)) {
    gl.flags |= GlockFlag.frozen;
    m.platform.events.emit(Ev.frozen, gl.res, 0, gl.replyState, 0);
    return;
  }
  if (inline && m.inlineDepth < INLINE_DEPTH_MAX) {
    m.inlineDepth++;
    try {
      finishXmote(m, gl);
    } finally {
      m.inlineDepth--;
    }
    // glock_work_func runs run_queue after finish_xmote; let the work process do that part.
    if (firstWaiter(gl) !== null || (gl.flags & (GlockFlag.demote | GlockFlag.pendingDemote)) !== 0) m.queueWork(gl, 0);
    return;
  }
  gl.flags |= GlockFlag.replyPending;
  m.queueWork(gl, 0);
}

/**
 * gfs2_should_freeze (§3.3): park a reply while DFL_BLOCK_LOCKS is set unless it is an error,
 * the request was an unlock, or a waiting holder carries NOEXP. As in the kernel a failed try
 * (no error bits) is parked too.
 */
export function shouldFreeze(gl: Glock): boolean {
  if (gl.replyStatus < 0) return false;
  if (gl.target === LmState.un) return false;
  for (let h = gl.first; h !== null; h = h.next) {
    if ((h.iflags & HolderIFlag.holder) !== 0) continue;
    if ((h.flags & HolderFlag.noexp) !== 0) return false;
  }
  return true;
}

/** state_change. */
export function stateChange(m: GlockManager, gl: Glock, newState: number): void {
  const held1 = gl.state !== LmState.un;
  const held2 = newState !== LmState.un;
  if (held1 && held2 && gl.first === null) gl.flags &= ~GlockFlag.queued;
  if (newState !== gl.target) {
    // The reply differs from what we wanted: shorten the minimum hold time.
    const ht = m.holdTimes;
    gl.holdTimeJiffies = Math.max(gl.holdTimeJiffies - ht.decrJiffies, ht.minJiffies);
  }
  if (newState !== gl.state) m.platform.events.emit(Ev.dlmState, gl.res, gl.state, newState, 0);
  gl.state = newState;
  gl.tchangeNs = m.platform.nowNs();
}

/** finish_xmote: process gl.replyState / gl.replyStatus. */
export function finishXmote(m: GlockManager, gl: Glock): void {
  const state = gl.replyState;
  const status = gl.replyStatus;
  stateChange(m, gl, state);
  const gh = firstWaiter(gl);
  const inDemote = (gl.flags & GlockFlag.demoteInProgress) !== 0;
  // A demote to UN arrived during a demote to SH or DF.
  if (inDemote && state !== LmState.un && gl.demoteState === LmState.un) gl.target = LmState.un;

  if (state !== gl.target) {
    if (status < 0) {
      // A DLM error: waiters fail with -EIO. (The kernel BUG()s on an error during a demote;
      // we leave the demote requested so the next event retries it.)
      m.platform.log(m.node, `gfs2: lock request error ${status} on ${gl.type}/${gl.number}`);
      gl.target = gl.state;
      doError(gl, status);
      gl.flags &= ~(GlockFlag.lock | GlockFlag.demoteInProgress);
      return;
    }
    if (gh !== null && !inDemote && (gh.flags & HOLDER_TRY_ANY) !== 0) {
      gl.target = gl.state;
      doError(gl, 0);
      gl.flags &= ~GlockFlag.lock;
      return;
    }
    switch (state) {
      case LmState.un: // unlocked by a conversion deadlock: try again
        doXmote(m, gl, gh, gl.target);
        return;
      case LmState.sh:
      case LmState.df: // conversion failed: unlock and try again
        doXmote(m, gl, gh, LmState.un);
        return;
      default:
        m.platform.log(
          m.node,
          `gfs2: wanted ${lmStateName(gl.target)} got ${lmStateName(state)}\n${glockDump(gl, m.platform.nowNs())}`,
        );
        doError(gl, Errno.eio);
        gl.flags &= ~(GlockFlag.lock | GlockFlag.demoteInProgress);
        return;
    }
  }
  // We got what we asked for.
  if (inDemote) {
    gl.flags &= ~GlockFlag.demoteInProgress;
    demoteWake(gl);
    m.platform.events.emit(Ev.demote, gl.res, state, 0, 0);
    bumpCounter(m.counters, GlockCounter.demotes);
  }
  if (state !== LmState.un) doPromote(m, gl);
  gl.flags &= ~GlockFlag.lock;
}

/** gfs2_update_request_times: dcount and the inter-request time (skipped for the first request). */
function updateRequestTimes(m: GlockManager, gl: Glock): void {
  const base = gl.res * glockStatsSlots;
  const prev = gl.dstampNs;
  const now = m.platform.nowNs();
  gl.dstampNs = now;
  bumpStat(m.stats, base, GlockStat.dcount);
  if (prev >= 0) updateSmoothed(m.stats, base, GlockStat.sirt, now - prev);
}

/** gfs2_update_reply_times: the round trip goes to srttb if GLF_BLOCKING, else srtt. */
function updateReplyTimes(m: GlockManager, gl: Glock): void {
  if (gl.dstampNs < 0) return;
  const index = (gl.flags & GlockFlag.blocking) !== 0 ? GlockStat.srttb : GlockStat.srtt;
  updateSmoothed(m.stats, gl.res * glockStatsSlots, index, m.platform.nowNs() - gl.dstampNs);
}

/** The type that honours the minimum hold time. */
export const HOLD_TIME_TYPE = GlockType.inode;
