// Per-type glock operations (struct gfs2_glock_operations, fs/gfs2/glops.c) and the withdraw
// gate seam. The glock layer only calls them; what they do (flush the log, write back, write
// revokes, drop caches, cancel a demote) belongs to the node. A null op is skipped without
// creating a generator, which keeps types without go_sync cheap.

import type { Proc } from '../node/proc.js';
import type { Glock } from './glock.js';
import type { Holder } from './holder.js';

export interface GlockOps {
  /** LM_TYPE_* this table is for. */
  readonly type: number;
  /**
   * go_sync: before the node leaves a state in which it may have dirty data (any transition
   * out of EX, and any demote to UN or DF). May block; runs in the glock work process. Returns
   * 0 or a negative errno; on error go_inval is skipped (kernel: skip_inval).
   */
  readonly goSync: ((proc: Proc, gl: Glock) => Generator<void, number, void>) | null;
  /** go_inval: drop cached data for a demote to UN or DF (targetState says which). */
  readonly goInval: ((gl: Glock, targetState: number) => void) | null;
  /**
   * go_lock (gfs2_instantiate): re-read after the first grant following an invalidation.
   * Runs in the granted holder's own process (inside GlockManager.wait). 0 or a negative errno.
   */
  readonly goLock: ((proc: Proc, gl: Glock) => Generator<void, number, void>) | null;
  /**
   * go_callback: runs when a demote is requested (remote = a DLM blocking callback). The
   * nondisk implementation can cancel the demote with cancelDemote(gl) (§4.4).
   */
  readonly goCallback: ((gl: Glock, remote: boolean) => void) | null;
}

/** A table indexed by glock type (LM_TYPE_*); missing types get noop ops. */
export type GlockOpsTable = ReadonlyArray<GlockOps | undefined>;

/** Ops that do nothing (journal, meta, flock, quota, iopen; the default for nondisk). */
export function noopGlockOps(type: number): GlockOps {
  return { type, goSync: null, goInval: null, goLock: null, goCallback: null };
}

/** A table with noop ops for every type 0..15; the node replaces inode, rgrp and nondisk. */
export function defaultGlockOpsTable(): GlockOps[] {
  const t: GlockOps[] = [];
  for (let type = 0; type < 16; type++) t.push(noopGlockOps(type));
  return t;
}

/**
 * The withdraw protocol's hooks into the glock layer (reference §4.5). The default says
 * "never blocked", so the gates are in place but inert until a protocol switches them on.
 */
export interface WithdrawGate {
  /** glock_blocked_by_withdraw(): withdrawn/withdrawing, a disk type, not the own journal inode's glock. */
  blockedByWithdraw(gl: Glock): boolean;
  /** SDF_WITHDRAW_RECOVERY is set. */
  recoveryFlagSet(): boolean;
  /** Gate (d): a dequeue waits here until the recovery flag clears and the final wake-up. */
  onDequeueBlocked(proc: Proc, h: Holder): Generator<void, void, void>;
  /** go_sync failed: the node records the log error and starts a (delayed) withdraw. */
  syncFailed(gl: Glock, errno: number): void;
  /** After a failed go_sync, keep the DLM lock (do_xmote returns) rather than demote anyway. */
  readonly keepLockOnSyncError: boolean;
}

function* noDequeueWait(_proc: Proc, _h: Holder): Generator<void, void, void> {}

/** The default gate: nothing is ever blocked by a withdraw. */
export const neverBlockedGate: WithdrawGate = {
  blockedByWithdraw: () => false,
  recoveryFlagSet: () => false,
  onDequeueBlocked: noDequeueWait,
  syncFailed: () => {},
  keepLockOnSyncError: false,
};
