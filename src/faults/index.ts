// THE FAULT MODEL. Faults enter only through the platform seam (DESIGN principle 2): the block
// I/O a driver hands the node (wrapIo), the delivery delays it asks about (DelayHooks), and the
// crash command the driver acts on (crashDue). The system under test never imports this module.
// For each fault: where it can strike, and what the system must survive.
//
// jerr — journal write I/O error (at a time, after k log writes, or with probability p per write).
//   Strikes: any log write of the node — a log header, a descriptor, a logged block copy or a
//   revoke block — from the log flusher, logd or a process committing its transaction.
//   Survive: the node withdraws (§4.1: the error is recorded, JOURNAL_LIVE cleared, withdraw).
//   Its journal holds committed, un-revoked copies, so under force-withdraw a survivor must
//   replay it before any of the withdrawn node's rgrp/inode locks go to another node (I1, I2),
//   and release-recover must get the same result through DLM recovery. Legacy does not
//   guarantee it (§4.7): the stale replay at remount is what the oracle is there to catch.
//   Sticky (default): the node's write path stays dead, so later writes fail too.
//
// second error — a second process of the same node hits an I/O error (secondary withdrawer).
//   Not a kind of its own: it follows from a sticky jerr/merr, since every later write of that
//   node (logd's AIL write-back, another process's flush) fails as well. Survive: the second
//   caller of withdraw must wait for the first to finish (§4.2 step 1) and its dequeues stay
//   gated (§4.5 d) until the journal is replayed; S2 is what happens when it does not.
//
// merr — another metadata I/O error: in-place writes (write-back from the AIL, op=w), reads
//   (op=r), or both (op=rw, the default). Strikes: AIL write-back, replay writes when the node
//   recovers a journal, metadata reads into the buffer cache. Survive: a failed read or
//   write-back makes the node withdraw like a journal error; a failed in-place write leaves the
//   block's older version on disk while the newer one is still in the journal, which is
//   exactly what replay must then restore (durability). A sticky read fault also fails reads of
//   the node's own journal (check_journal_clean): the withdraw then ends "skipped until next
//   mount" and the journal must be left for remount, never silently released.
//
// crash — the node stops dead (at a time, or after its k-th log write so its journal is
//   mid-transaction). The driver really stops it (threads: the worker leaves its loop) and its
//   DLM locks go through failure recovery. Survive: recover_prep sets BLOCK_LOCKS on the
//   survivors, grants of the dead node's locks are frozen (I3) until one survivor has replayed
//   its journal (recover_slot, §3.1, S5); no committed transaction is lost (durability).
//
// recovery-withdraw — a node withdraws while it replays another node's journal. Strikes: the
//   writes recovery issues into another node's journal's blocks — in-place writes of replayed
//   blocks (each follows, with no yield, a read of the image from the other journal) and the
//   clean log header written into that journal; `after=k` picks the k-th such write (default
//   the first). Sticky by default, so the recovering node's own writes fail afterwards and it
//   withdraws. Survive: the half-replayed journal is still dirty (its head lacks UNMOUNT), so
//   another survivor must replay it again from the start — replay is idempotent — and the
//   recovering node's own journal must be recovered too; neither withdrawn node's locks may be
//   released before its blocks are safe (I1, I2).
//
// slow — every write of the node costs `write` more (in a from/to window). Reported through
//   lastWriteDelayNs, which the node charges as I/O time (NodeCore.ioWait). Survive: nothing
//   must break, only slow down; it widens the windows in which the other faults strike (a
//   flush in flight while the live-lock signal arrives, a replay overlapping new requests).
//
// cbdelay — the node handles callback-ring records late (all kinds, or one: bast, ast,
//   recover-prep, recover-slot, recover-done, control). Survive: a late blocking callback for
//   the live lock delays remote_withdraw; a late completion delays a grant; a late recover_prep
//   lets a grant through before BLOCK_LOCKS is set — frozen grants must still hold (I3). No
//   delay exceeds a third of the liveness bound, so a delay is never reported as a hang.
//
// ackdelay — user space acknowledges the node's withdraw late (the uevent round trip, §4.2
//   step 3). Survive: the withdrawn node keeps its DLM locks longer; other nodes' requests for
//   them stay blocked (measured), and nothing may be granted early.
//
// Ev.fault records the first time each fault acts on its node: a = FaultCode, b = block number
// (I/O faults and slow), CbKind (cbdelay), 0 (ackdelay) or log writes so far (crash); c = the
// fault's index in the plan; d = the matching I/O's ordinal (I/O errors), the delay in ns
// (slow, cbdelay, ackdelay), 0 (crash).

export { formatFault, formatFaultPlan, parseFaultPlan } from './grammar.js';
export type { InjectorCounters, InjectorOptions, JournalRanges } from './injector.js';
export { FaultInjector } from './injector.js';
export type {
  AckDelayFault,
  CallbackDelayFault,
  CallbackKindName,
  CrashFault,
  DelayWindow,
  ErrorTrigger,
  Fault,
  FaultKind,
  FaultPlan,
  IoErrorFault,
  JournalErrorFault,
  MetaErrorFault,
  MetaOp,
  RecoveryWithdrawFault,
  SlowFault,
} from './model.js';
export {
  CallbackKindNames,
  emptyPlan,
  FaultCode,
  FaultKinds,
  faultLimits,
  faultsOfNode,
  isIoErrorFault,
  MetaOps,
} from './model.js';
export type { ResolveContext } from './random-plan.js';
export { randomPlan, resolveFaultPlan } from './random-plan.js';
