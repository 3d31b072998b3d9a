// Per-node counters in the shared memory (Float64, one writer: the node's thread; readers: the
// orchestrator for progress and the summary). Glock counters live beside the glock statistics.

export const NodeStat = {
  ops: 0,
  opsFailed: 1,
  logFlushes: 2,
  blocksLogged: 3,
  blocksWrittenInPlace: 4,
  revokes: 5,
  blocksReplayed: 6,
  journalsReplayed: 7,
  glockRequests: 8,
  glockGrants: 9,
  glockCallbacks: 10,
  glockDemotes: 11,
  bufferReads: 12,
  allocations: 13,
  frees: 14,
  opLatencyNsSum: 15,
} as const;

export const NODE_STAT_FIELDS = 16;
