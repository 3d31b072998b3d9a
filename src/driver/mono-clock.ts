// One monotonic clock for every thread of a run. performance.timeOrigin differs per worker (each
// has its own start) and is only ms-exact, so `timeOrigin + now()` disagrees between threads by
// up to a millisecond — enough to misorder a revoke and the grant that follows it. hrtime is the
// process-wide monotonic clock; each thread measures once how far its performance.now() is from
// it, then reads performance.now() (no allocation) plus that constant.

import { performance } from 'node:perf_hooks';

/** ns of the process-wide monotonic clock minus ns of this thread's performance.now(). */
function offsetNs(): number {
  const hr = process.hrtime();
  const p = performance.now();
  return hr[0] * 1e9 + hr[1] - p * 1e6;
}

/** Now on the process-wide monotonic clock, ns. */
export function monotonicNs(): number {
  const hr = process.hrtime();
  return hr[0] * 1e9 + hr[1];
}

/** A clock reading ns since `epochNs` (a monotonicNs() taken by the orchestrator at run start). */
export function clockSince(epochNs: number): () => number {
  const base = offsetNs() - epochNs;
  return () => performance.now() * 1e6 + base;
}
