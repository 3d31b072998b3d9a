// Demote requests and the recovery freeze (glock.c v5.7: handle_callback, gfs2_glock_cb,
// thaw_glock). Plain functions; the work process does the demote itself.

import { LmState } from '../dlm/api.js';
import { Ev } from '../memory/events.js';
import { GlockFlag } from './flags.js';
import type { Glock } from './glock.js';
import type { GlockManager } from './manager.js';
import { HOLD_TIME_TYPE } from './xmote.js';

/**
 * handle_callback: record a demote request to `state`. delayNs > 0 defers it (PENDING_DEMOTE)
 * by the minimum hold time. Two different non-UN requests combine to UN. go_callback runs last
 * and may cancel the request (cancelDemote).
 */
export function handleCallback(m: GlockManager, gl: Glock, state: number, delayNs: number, remote: boolean): void {
  gl.flags |= delayNs > 0 ? GlockFlag.pendingDemote : GlockFlag.demote;
  if (gl.demoteState === LmState.ex) {
    gl.demoteState = state;
    gl.demoteTimeNs = m.platform.nowNs();
  } else if (gl.demoteState !== LmState.un && gl.demoteState !== state) {
    gl.demoteState = LmState.un;
  }
  gl.ops.goCallback?.(gl, remote);
}

/**
 * What nondisk_go_callback does to keep the live lock SH (§4.4): clear DEMOTE and
 * PENDING_DEMOTE. Like the kernel it leaves gl.demoteState as it was.
 */
export function cancelDemote(gl: Glock): void {
  gl.flags &= ~(GlockFlag.demote | GlockFlag.pendingDemote);
}

/**
 * gfs2_glock_cb for a DLM blocking callback: `demoteTo` is already mapped (EX → UN, CW → DF,
 * PR → SH). Only an inode glock with queued holders waits out its minimum hold time.
 */
export function blockingCallback(m: GlockManager, gl: Glock, demoteTo: number): void {
  let delayNs = 0;
  if ((gl.flags & GlockFlag.queued) !== 0 && gl.type === HOLD_TIME_TYPE) {
    const holdNs = m.holdNsOf(gl);
    const untilNs = gl.tchangeNs + holdNs;
    const now = m.platform.nowNs();
    if (now < untilNs) delayNs = untilNs - now;
    if ((gl.flags & GlockFlag.replyPending) !== 0) delayNs = holdNs;
  }
  handleCallback(m, gl, demoteTo, delayNs, true);
  m.queueWork(gl, delayNs);
}

/** The demote a blocking callback for `requested` asks for; -1 if it asks for nothing. */
export function demoteStateFor(requested: number): number {
  switch (requested) {
    case LmState.ex:
      return LmState.un;
    case LmState.df:
      return LmState.df;
    case LmState.sh:
      return LmState.sh;
    default:
      return -1;
  }
}

/** thaw_glock: release a parked reply to the work process. Returns 1 if it was frozen. */
export function thawGlock(m: GlockManager, gl: Glock): number {
  if ((gl.flags & GlockFlag.frozen) === 0) return 0;
  gl.flags = (gl.flags & ~GlockFlag.frozen) | GlockFlag.replyPending;
  m.platform.events.emit(Ev.frozen, gl.res, 1, gl.replyState, 0);
  m.queueWork(gl, 0);
  return 1;
}
