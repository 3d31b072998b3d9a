// Pieces every withdraw generation shares: marking the file system read-only, the uevent and
// user space's acknowledgement, releasing the lockspace, and the phase events that feed the
// withdraw timelines (reporting only; the checker never decides from them).

import { Ev, WithdrawPhase } from '../memory/events.js';
import type { NodeCore } from '../node/node-core.js';
import type { Proc } from '../node/proc.js';
import { Sdf } from '../node/sdf.js';

export function phase(n: NodeCore, code: number, jid: number, count = 0): void {
  n.platform.events.emit(Ev.withdraw, code, jid, count, 0);
}

/** The first part every generation does: no more journal writes, no more transactions. */
export function markWithdrawing(n: NodeCore): void {
  n.sdf &= ~Sdf.journalLive;
  n.readOnly = true;
}

/** kobject_uevent(OFFLINE), then wait for user space (gfs2_controld) to write the ack. */
export function* ueventAndAck(n: NodeCore, p: Proc): Generator<void, void, void> {
  const delayNs = n.platform.delays?.withdrawAckDelayNs(n.node) ?? 0;
  yield* n.sleep(p, Math.max(delayNs, 1000));
}

/**
 * lm_unmount: release the lockspace. `asFailure` is DLM_RELEASE_RECOVER (2025): the survivors
 * treat the departure as a failure and recover the journal; otherwise a clean leave.
 */
export function releaseLockspace(n: NodeCore, asFailure: boolean): void {
  n.log('telling LM to unmount');
  if (asFailure) n.dlm.fail(n.node);
  else n.dlm.leave(n.node);
  n.sdf |= Sdf.skipDlmUnlock;
  const failed = n.glocks.failWaiters();
  if (failed > 0) n.log(`${failed} glock waiters failed with -EIO after the lockspace release`);
  n.platform.events.emit(Ev.lockspace, asFailure ? 3 : 2, 0, 0, 0);
}

/**
 * The whole withdraw of the generations without a live-lock signal: legacy (a clean lockspace
 * release) and release-recover (DLM_RELEASE_RECOVER, a release the survivors treat as a
 * failure). A second caller returns at once, as in both.
 */
export function* withdrawAndRelease(n: NodeCore, p: Proc, asFailure: boolean): Generator<void, number, void> {
  if ((n.sdf & Sdf.withdrawn) !== 0) return -1;
  n.sdf |= Sdf.withdrawn;
  phase(n, WithdrawPhase.start, n.node);
  markWithdrawing(n);
  n.log('about to withdraw this file system');
  yield* ueventAndAck(n, p);
  if (asFailure) phase(n, WithdrawPhase.signalSent, n.node);
  releaseLockspace(n, asFailure);
  phase(n, WithdrawPhase.lockspaceReleased, n.node);
  n.log('withdrawn');
  n.withdrawFinished();
  return -1;
}

/** The control work of generations with no remote withdraw: nothing to do, never blocks. */
// biome-ignore lint/correctness/useYield: the WithdrawProtocol seam is a generator; this one never waits.
export function* noControlWork(): Generator<void, boolean, void> {
  return false;
}
