// Named Int32 slots of the control region, by writer and reader, so the code on both sides of
// a thread boundary and this comment cannot drift apart.

/** Cluster-wide words. */
export const Ctl = {
  /** writer: orchestrator; reader: nodes. RunState below. */
  runState: 0,
  /** writer: nodes (Atomics.add); reader: nodes, orchestrator. Workload ops claimed so far. */
  opsClaimed: 1,
  /** writer: orchestrator once at start; reader: nodes. Op budget (0 = unbounded). */
  opsBudget: 2,
  /** writer: orchestrator; reader: nodes. Bumped and notified when runState changes. */
  runSeq: 3,
  /** writer: nodes (Atomics.add); reader: nodes. The cluster-wide block version counter. */
  versionCounter: 4,
} as const;

export const CTL_CLUSTER_WORDS = 16;

/** Ordered: nodes compare with >= (running → stop the workload → unmount; abort = stop at once). */
export const RunState = { running: 0, stopWorkload: 1, unmount: 2, abort: 3 } as const;

/** Per-node words at CTL_CLUSTER_WORDS + node * CTL_NODE_WORDS + offset. */
export const CtlNode = {
  /** writer: node; reader: orchestrator. NodePhase below. */
  phase: 0,
  /** writer: node; reader: orchestrator (progress). Workload ops completed. */
  opsDone: 1,
  /** writer: orchestrator (fault plan); reader: node. A command code (0 none). */
  command: 2,
} as const;

export const CTL_NODE_WORDS = 8;

export const NodePhase = {
  idle: 0,
  mounting: 1,
  mounted: 2,
  quiesced: 3,
  unmounting: 4,
  unmounted: 5,
  crashed: 6,
  errored: 7,
  withdrawn: 8,
  mountFailed: 9,
} as const;

export function ctlNodeIndex(node: number, word: number): number {
  return CTL_CLUSTER_WORDS + node * CTL_NODE_WORDS + word;
}

export function controlWords(nodes: number): number {
  return CTL_CLUSTER_WORDS + nodes * CTL_NODE_WORDS;
}
