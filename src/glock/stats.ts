// Glock statistics (fs/gfs2/lock_dlm.c, reference §7) in a Float64Array region supplied by the
// node (a view over shared memory the reporters read). One record of glockStatsSlots float64s
// per DLM resource; the record index is the glock's resource index.
//
// Update rule. The kernel keeps s64 nanoseconds and computes, with delta = sample − mean taken
// BEFORE the mean moves:  mean += delta >> 3;  var += (|delta| − var) >> 2.
// We keep the same delta and the same weights but divide exactly (delta / 8, (|delta| − var) / 4)
// in float64: no truncation toward −∞, so a run's means do not drift by the rounding bias of the
// shifts and hand-derived expectations are exact. Values differ from the kernel's by < 1 ns per
// step, which nothing downstream can see.

/** Field offsets inside one glock's record. */
export const GlockStat = {
  /** Smoothed DLM round trip of non-blocking requests (current state EX, target UN, or a try). */
  srtt: 0,
  srttvar: 1,
  /** Smoothed DLM round trip of blocking requests. */
  srttb: 2,
  srttvarb: 3,
  /** Smoothed inter-request time. */
  sirt: 4,
  sirtvar: 5,
  /** DLM requests sent. */
  dcount: 6,
  /** Holders queued. */
  qcount: 7,
} as const;

/** Float64 slots per glock record. */
export const glockStatsSlots = 8;

/** Float64 slots of the whole stats region for `nodes` nodes and `resources` resources each. */
export function glockStatsRegionLength(nodes: number, resources: number): number {
  return nodes * resources * glockStatsSlots;
}

/** First slot of node `node`'s part of the region (pass the subarray from here to the manager). */
export function glockStatsNodeOffset(node: number, resources: number): number {
  return node * resources * glockStatsSlots;
}

/** Per-node counters (a view of glockNodeCounterSlots Int32 or Float64 slots). */
export const GlockCounter = {
  /** DLM requests sent. */
  requests: 0,
  /** Holders granted. */
  grants: 1,
  /** Blocking callbacks received. */
  callbacks: 2,
  /** Demotes completed. */
  demotes: 3,
} as const;

export const glockNodeCounterSlots = 4;

export type CounterView = Float64Array | Int32Array;

/** gfs2_update_stats: smoothed mean at `index`, smoothed deviation at `index + 1`. */
export function updateSmoothed(stats: Float64Array, base: number, index: number, sampleNs: number): void {
  const mean = stats[base + index] ?? 0;
  const delta = sampleNs - mean;
  stats[base + index] = mean + delta / 8;
  const v = stats[base + index + 1] ?? 0;
  stats[base + index + 1] = v + (Math.abs(delta) - v) / 4;
}

export function bumpStat(stats: Float64Array, base: number, index: number): void {
  stats[base + index] = (stats[base + index] ?? 0) + 1;
}

export function bumpCounter(counters: CounterView, index: number): void {
  counters[index] = (counters[index] ?? 0) + 1;
}
