// The fixed binary layout of events (node → orchestrator/checker). Each event is one record of
// EVENT_FIELDS float64 slots in the node's event ring: [timeNs, kind, node, a, b, c, d, seq].
// Float64 so block numbers, versions and nanosecond times fit without BigInt; the meaning of
// a..d depends on the kind and is listed beside it. The checker decides only from these records
// and the shared version table, never from protocol flags (DESIGN principle 7).

export const EVENT_FIELDS = 8;

export const Ev = {
  /** A glock holder was granted: a = resource index, b = glock state granted, c = holder flags, d = pid. */
  grant: 1,
  /** A holder was released: a = resource index, b = state held, d = pid. */
  release: 2,
  /** The node's DLM lock on a resource changed: a = resource index, b = old state, c = new state. */
  dlmState: 3,
  /** A blocking callback arrived: a = resource index, b = requested state. */
  callback: 4,
  /** A demote finished: a = resource index, b = new state. */
  demote: 5,
  /** A block was written in place: a = block number, b = version written, c = source (0 write-back, 1 replay, 2 mkfs/other). */
  writeInPlace: 6,
  /** A node read a block from disk into its cache: a = block number, b = version read, c = resource index of the covering glock. */
  readBlock: 7,
  /** A transaction committed (log header written): a = journal block of the header, b = sequence, c = blocks logged. */
  commit: 8,
  /** A block copy was logged: a = block number, b = version, c = journal block (logical). */
  logBlock: 9,
  /** A revoke was logged: a = block number, c = journal block (logical). */
  revoke: 10,
  /** The journal tail moved: a = new tail, b = head. */
  tail: 11,
  /** A journal replay started: a = jid replayed. */
  replayStart: 12,
  /** A journal replay ended: a = jid, b = blocks replayed, c = blocks seen, d = status (0 ok; < 0 aborted). */
  replayEnd: 13,
  /** A journal was found clean or dirty: a = jid, b = 1 clean / 0 dirty. */
  journalState: 14,
  /** A block version was committed (its log header written): a = block, b = version, c = resource index of the covering glock (-1 unknown). */
  versionCommit: 15,
  /** A bitmap transition: a = block, b = old state, c = new state. */
  bitmap: 16,
  /** Mount (a = 1) or unmount (a = 0) finished. */
  mount: 17,
  /** A workload operation finished: a = op kind, b = latency ns. */
  op: 18,
  /** DLM recovery on this node: a = 1 prep, 2 slot (b = jid), 3 done. */
  dlmRecovery: 19,
  /** Glock frozen (a = res) or thawed (a = res, b = 1). */
  frozen: 20,
  /** A process of this node failed with an exception: a = pid. */
  procError: 21,
  /** A withdraw phase was reached on this node: a = WithdrawPhase code, b = jid concerned, c = a count (blocks replayed, dequeues delayed…). Reporting only: the checker never decides from it. */
  withdraw: 22,
  /** Lockspace membership of this node changed: a = 1 join, 2 clean leave, 3 failed (crash / release-recover). */
  lockspace: 23,
  /** A fault fired (emitted by the fault injector, not the SUT): a = fault kind code, b = detail, c = the fault's index in the plan, d = I/O ordinal or delay ns. */
  fault: 24,
  /** A holder that had to wait was granted: a = resource index, b = ns waited, c = state requested, d = pid. */
  waited: 25,
  /** A DLM reply reached the node (gdlm_ast): a = resource index, b = state before, c = state granted (b when not granted), d = status. */
  dlmReply: 26,
} as const;

/** Phases of a withdraw timeline (issue #3), in the order they normally happen. */
export const WithdrawPhase = {
  error: 1,
  start: 2,
  signalSent: 3,
  survivorNotified: 4,
  /** A recovering node holds the journal's glocks (b = jid): the head search starts now. */
  journalLockWon: 5,
  headFound: 6,
  replayDone: 7,
  journalClean: 8,
  dequeuesReleased: 9,
  lockspaceReleased: 10,
  secondaryWaitStart: 11,
  secondaryWaitEnd: 12,
  /** SDF_WITHDRAW_RECOVERY cleared (601ef0d5 step 9): the S6 window opens. */
  recoveryCleared: 13,
} as const;

export type EventKind = (typeof Ev)[keyof typeof Ev];
