// Names shared by the DLM and its callers (the glock layer and the node's callback handler).
// Values follow the kernel: DLM modes from include/uapi/linux/dlmconstants.h, glock states
// from fs/gfs2/glock.h, the mapping from lock_dlm.c: make_mode().

/** DLM lock modes (dlmconstants.h). Only NL, CW, PR and EX are used by gfs2. */
export const DlmMode = { nl: 0, cr: 1, cw: 2, pr: 3, pw: 4, ex: 5 } as const;

/** Glock states (glock.h LM_ST_*). The numeric order is not a strength order. */
export const LmState = { un: 0, ex: 1, df: 2, sh: 3 } as const;

/** lock_dlm.c make_mode(): glock state → DLM mode. */
export function dlmModeOf(state: number): number {
  switch (state) {
    case LmState.ex:
      return DlmMode.ex;
    case LmState.df:
      return DlmMode.cw;
    case LmState.sh:
      return DlmMode.pr;
    default:
      return DlmMode.nl;
  }
}

/** DLM mode → glock state (inverse of dlmModeOf for the four modes gfs2 uses). */
export function lmStateOf(mode: number): number {
  switch (mode) {
    case DlmMode.ex:
      return LmState.ex;
    case DlmMode.cw:
      return LmState.df;
    case DlmMode.pr:
      return LmState.sh;
    default:
      return LmState.un;
  }
}

/** Request flags as the DLM sees them (lock_dlm.c make_flags()). */
export const DlmFlag = {
  /** DLM_LKF_NOQUEUE: fail at once if not grantable. */
  noqueue: 0x1,
  /** DLM_LKF_NOQUEUEBAST: with noqueue, first send one blocking callback per incompatible holder. */
  noqueuebast: 0x2,
  /** Conversion to a lower or unrelated mode may jump the queue (DLM_LKF_CONVDEADLK is not modelled). */
  priority: 0x4,
  /** DLM_LKF_QUECVT: a conversion compatible with the granted modes still waits behind queued conversions. */
  quecvt: 0x8,
} as const;

/** Status of a request call. */
export const DlmStatus = {
  /** Granted at once (fast path or immediately grantable); no completion message follows. */
  granted: 0,
  /** Queued; a completion message arrives on the requester's callback ring later. */
  queued: 1,
  /** NOQUEUE request not grantable (GLR_TRYFAILED). */
  tryFailed: 13,
  /** The lockspace is not joined by this node (or it has left/failed). */
  notMember: -107,
  /** A request while this node already has one queued on the resource (-EBUSY). */
  busy: -16,
  /** Conversion deadlock detected at request time (-EDEADLK); nothing was queued, the old mode is kept. */
  deadlock: -35,
} as const;

/** Kinds of messages in a node's callback ring. Fields a, b, c follow the kind. */
export const CbKind = {
  /** Blocking callback (bast): a = resource index, b = mode requested by the blocked node. */
  bast: 1,
  /** Completion (ast): a = resource index, b = granted mode, c = status (0 ok, 13 tryFailed, <0 error). */
  ast: 2,
  /** recover_prep: a = lockspace generation. */
  recoverPrep: 3,
  /** recover_slot: a = jid of a member that failed (not one that left cleanly). */
  recoverSlot: 4,
  /** recover_done: a = lockspace generation. */
  recoverDone: 5,
  /** Orchestrator → node control messages (stop, crash, withdraw triggers); a = code. */
  control: 6,
} as const;

/** Glock type numbers (glock.h LM_TYPE_*). */
export const GlockType = {
  nondisk: 1,
  inode: 2,
  rgrp: 3,
  meta: 4,
  iopen: 5,
  flock: 6,
  quota: 8,
  journal: 9,
} as const;

/** Special nondisk lock numbers (gfs2_ondisk.h). */
export const LockNumber = { mount: 0, live: 1, freeze: 2, rename: 3, control: 4, mounted: 5 } as const;
