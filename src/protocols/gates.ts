// glock_blocked_by_withdraw() and the gates that use it (reference §4.5), as the glock layer's
// WithdrawGate. A glock is blocked when the node is withdrawn or withdrawing, the glock is a
// disk type (inode, rgrp), and it is not our own journal inode's glock.

import { GlockType } from '../dlm/api.js';
import type { Glock } from '../glock/glock.js';
import type { Holder } from '../glock/holder.js';
import type { WithdrawGate } from '../glock/ops.js';
import type { NodeCore } from '../node/node-core.js';
import { type Proc, prepareWait } from '../node/proc.js';
import { journalInodeNumber } from '../node/recovery.js';
import { Sdf } from '../node/sdf.js';

export function blockedByWithdraw(n: NodeCore, gl: Glock): boolean {
  if (!n.isWithdrawn()) return false;
  if (gl.type !== GlockType.inode && gl.type !== GlockType.rgrp) return false;
  return !(gl.type === GlockType.inode && gl.number === journalInodeNumber(n, n.node));
}

export function forceWithdrawGate(n: NodeCore): WithdrawGate {
  return {
    blockedByWithdraw: (gl) => blockedByWithdraw(n, gl),
    recoveryFlagSet: () => (n.sdf & Sdf.withdrawRecovery) !== 0,
    onDequeueBlocked: (p: Proc, _h: Holder) => dequeueWait(n, p),
    syncFailed: () => n.withdrawAsync(),
    keepLockOnSyncError: true,
  };
}

/**
 * Gate (d): a dequeue of a blocked glock while SDF_WITHDRAW_RECOVERY is set counts itself in
 * sd_glock_dqs_held and sleeps until the final wake-up of signal_our_withdraw — not merely
 * until the flag clears, which is why sleepers stay asleep through the S6 window.
 */
function* dequeueWait(n: NodeCore, p: Proc): Generator<void, void, void> {
  n.dqsHeld++;
  const gen = n.dqFinalWakes;
  const t0 = n.platform.nowNs();
  while (n.dqFinalWakes === gen) {
    if (n.platform.nowNs() - t0 > n.waitMaxNs())
      throw new Error(`pid ${p.pid}: glock dequeue held by withdraw longer than the wait bound`);
    prepareWait(p, n.dqChannel, n.platform.nowNs(), n.waitMaxNs());
    yield;
  }
}

/** release-recover: keep every disk lock until the lockspace is released as a failure. */
export function releaseRecoverGate(n: NodeCore): WithdrawGate {
  return {
    blockedByWithdraw: (gl) => blockedByWithdraw(n, gl),
    recoveryFlagSet: () => n.isWithdrawn() && (n.sdf & Sdf.skipDlmUnlock) === 0,
    onDequeueBlocked: function* () {},
    syncFailed: () => n.withdrawAsync(),
    keepLockOnSyncError: true,
  };
}
