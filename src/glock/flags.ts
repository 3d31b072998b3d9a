// Flag values of holders and glocks. Holder flags are the kernel's (fs/gfs2/glock.h, reference
// §1.3) because callers and events carry them. Glock flags (GLF_*) are bits chosen here: the
// kernel numbers them as bit positions that nothing outside glock.c sees.

/** Holder request flags (gh_flags), kernel values. */
export const HolderFlag = {
  /** LM_FLAG_TRY: DLM NOQUEUE, fail with GLR_TRYFAILED if not grantable at once. */
  try: 0x1,
  /** LM_FLAG_TRY_1CB: like TRY, but the DLM first sends one blocking callback to each incompatible holder. */
  try1cb: 0x2,
  /** LM_FLAG_NOEXP: may complete during recovery (not frozen) and passes the withdraw gates. */
  noexp: 0x4,
  /** LM_FLAG_ANY: SH may be granted under DF and DF under SH. */
  any: 0x8,
  /** LM_FLAG_PRIORITY: queued ahead of other waiters. */
  priority: 0x10,
  /** GL_ASYNC: nq returns without waiting; the caller waits (or polls) later. */
  async: 0x40,
  /** GL_EXACT: grant only if the node state equals the request. */
  exact: 0x80,
  /** GL_SKIP: skip go_lock (no refresh). */
  skip: 0x100,
  /** GL_NOCACHE: on dequeue demote to UN at once instead of caching. */
  nocache: 0x400,
} as const;

/** TRY or TRY_1CB: the request must not wait at the DLM. */
export const HOLDER_TRY_ANY = HolderFlag.try | HolderFlag.try1cb;

/** Holder internal flags (gh_iflags). */
export const HolderIFlag = {
  /** HIF_HOLDER: granted. */
  holder: 0x1,
  /** HIF_WAIT: queued and not yet granted or failed. */
  wait: 0x2,
} as const;

/** Glock flags (gl_flags). The first group mirrors the kernel; the last ones are model-only. */
export const GlockFlag = {
  /** GLF_LOCK: the state machine is busy (a DLM request or a go_sync is in progress). */
  lock: 1 << 0,
  /** GLF_DEMOTE: a demote is due now. */
  demote: 1 << 1,
  /** GLF_PENDING_DEMOTE: a demote is deferred by the minimum hold time. */
  pendingDemote: 1 << 2,
  /** GLF_DEMOTE_IN_PROGRESS. */
  demoteInProgress: 1 << 3,
  /** GLF_DIRTY: journaled blocks under this glock are dirty (set and cleared by the node). */
  dirty: 1 << 4,
  /** GLF_LFLUSH: log items not yet flushed (set and cleared by the node). */
  lflush: 1 << 5,
  /** GLF_INVALIDATE_IN_PROGRESS: between deciding on go_inval and finishing it. */
  invalidateInProgress: 1 << 6,
  /** GLF_REPLY_PENDING: a DLM reply waits for the work process. */
  replyPending: 1 << 7,
  /** GLF_FROZEN: a DLM reply parked by recovery (§3.3). */
  frozen: 1 << 8,
  /** GLF_BLOCKING: the outstanding request may block at the DLM (stats: srttb vs srtt). */
  blocking: 1 << 9,
  /** GLF_QUEUED: a holder was queued since the last held→held state change. */
  queued: 1 << 10,
  /** GLF_FREEING. */
  freeing: 1 << 11,
  /** GLF_INSTANTIATE_NEEDED (5.16+ shape of go_lock): the next holder must re-read (go_lock). */
  instantiateNeeded: 1 << 12,
  /** GLF_INSTANTIATE_IN_PROG: some holder is running go_lock. */
  instantiateInProg: 1 << 13,
  /** Model-only: do_xmote waits for the work process to run go_sync (it may block). */
  syncPending: 1 << 14,
  /** Model-only: on the work process's list (the kernel's delayed work is pending). */
  workQueued: 1 << 15,
  /** Model-only: a request is at the DLM and its completion has not arrived ("DLM wait"). */
  dlmWait: 1 << 16,
} as const;

/** debugfs `glocks` flag letters (glock.c gflags2str), for dumps. */
export function glockFlagsString(flags: number): string {
  let s = '';
  if (flags & GlockFlag.lock) s += 'l';
  if (flags & GlockFlag.demote) s += 'D';
  if (flags & GlockFlag.pendingDemote) s += 'd';
  if (flags & GlockFlag.demoteInProgress) s += 'p';
  if (flags & GlockFlag.dirty) s += 'y';
  if (flags & GlockFlag.lflush) s += 'f';
  if (flags & GlockFlag.invalidateInProgress) s += 'i';
  if (flags & GlockFlag.replyPending) s += 'r';
  if (flags & GlockFlag.frozen) s += 'F';
  if (flags & GlockFlag.queued) s += 'q';
  if (flags & GlockFlag.blocking) s += 'b';
  if (flags & GlockFlag.syncPending) s += 's';
  if (flags & GlockFlag.dlmWait) s += 'w';
  return s;
}
