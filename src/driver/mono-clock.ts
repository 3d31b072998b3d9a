// One monotonic clock for every thread of a run. performance.timeOrigin differs per worker (each
// has its own start) and is only ms-exact, so `timeOrigin + now()` disagrees between threads by
// up to a millisecond — enough to misorder a revoke and the grant that follows it. hrtime is the
// process-wide monotonic clock; each thread measures once how far its performance.now() is from
// it, then reads performance.now() (no allocation) plus that constant.

import { performance } from 'node:perf_hooks';

/** Calibration samples: the narrowest bracket wins. */
const CALIBRATION_SAMPLES = 64;

/**
 * ns of the process-wide monotonic clock minus ns of this thread's performance.now(). Each
 * sample brackets one hrtime read between two performance.now() reads and takes the middle; the
 * narrowest bracket gives an offset good to well under a microsecond, which matters because a
 * revoke's commit on one node and the grant it allows on another can be a microsecond apart.
 */
function offsetNs(): number {
  let best = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let i = 0; i < CALIBRATION_SAMPLES; i++) {
    const p1 = performance.now();
    const hr = process.hrtime();
    const p2 = performance.now();
    const width = p2 - p1;
    if (width < best) {
      best = width;
      offset = hr[0] * 1e9 + hr[1] - ((p1 + p2) / 2) * 1e6;
    }
  }
  return offset;
}

/** Now on the process-wide monotonic clock, ns. */
export function monotonicNs(): number {
  return performance.now() * 1e6 + mainOffsetNs();
}

let mainOffset: number | null = null;
function mainOffsetNs(): number {
  if (mainOffset === null) mainOffset = offsetNs();
  return mainOffset;
}

/** A clock reading ns since `epochNs` (a monotonicNs() taken by the orchestrator at run start). */
export function clockSince(epochNs: number): () => number {
  const base = offsetNs() - epochNs;
  return () => performance.now() * 1e6 + base;
}
