// Superblock state bits (fs/gfs2/incore.h SDF_*, reference §4.1) that the withdraw protocols
// and the glock gates read. Only the bits the model uses.

export const Sdf = {
  /** SDF_JOURNAL_LIVE: the journal may be written. */
  journalLive: 1 << 0,
  /** SDF_WITHDRAWN. */
  withdrawn: 1 << 1,
  /** SDF_NORECOVERY: unmounting. */
  norecovery: 1 << 2,
  /** SDF_SKIP_DLM_UNLOCK: the lockspace is gone; glocks are dropped without DLM calls. */
  skipDlmUnlock: 1 << 3,
  /** SDF_WITHDRAWING: a withdraw is pending (set by a failed log write). */
  withdrawing: 1 << 4,
  /** SDF_WITHDRAW_IN_PROG: the first withdrawer is running the withdraw (601ef0d5). */
  withdrawInProg: 1 << 5,
  /** SDF_REMOTE_WITHDRAW: a survivor is checking journals for a remote withdraw (601ef0d5). */
  remoteWithdraw: 1 << 6,
  /** SDF_WITHDRAW_RECOVERY: gate on dequeues of the withdrawing node (601ef0d5). */
  withdrawRecovery: 1 << 7,
} as const;
