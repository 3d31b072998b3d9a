// Time-ordering of event records drained node by node (threads mode). The consumer drains each
// node's ring in turn every ~20 ms, so a record of node B can be observed before an earlier
// record of node A that was still in A's ring. Each ring is in time order by itself; this
// buffer holds records for windowNs after the newest time seen and releases them as a k-way
// merge by timeNs, so the checkers see one cluster-wide order as long as every record is
// observed within windowNs of being emitted and the nodes' clocks agree (threads mode stamps
// timeOrigin + now() on one epoch; skew between threads is far below a millisecond).
//
// Bounded: capacity records per node; a full queue releases early (counted in forcedEarly)
// everything up to its oldest record, in merge order, so order holds as long as no record
// arrives later than that; it never loses records. With windowNs = 0 records
// pass straight through (sim mode already observes one exact cluster order).

import { EVENT_FIELDS } from '../memory/events.js';

export type RecordVisitor = (rec: Float64Array, off: number) => void;

export const REORDER_CAPACITY_DEFAULT = 1 << 17;

export class ReorderBuffer {
  private readonly windowNs: number;
  private readonly capacity: number;
  private readonly queues: Float64Array[] = [];
  private readonly first: number[] = [];
  private readonly count: number[] = [];
  private readonly visit: RecordVisitor;
  private newestNs = Number.NEGATIVE_INFINITY;
  /** Records released before their window elapsed because a queue was full. */
  forcedEarly = 0;

  constructor(nodes: number, windowNs: number, visit: RecordVisitor, capacity: number = REORDER_CAPACITY_DEFAULT) {
    if (!(windowNs >= 0)) throw new RangeError(`reorder window: expected ns ≥ 0, received ${windowNs}`);
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`reorder capacity: expected an integer ≥ 1, received ${capacity}`);
    this.windowNs = windowNs;
    this.capacity = capacity;
    this.visit = visit;
    for (let n = 0; n < nodes; n++) {
      this.queues.push(new Float64Array(windowNs > 0 ? capacity * EVENT_FIELDS : 0));
      this.first.push(0);
      this.count.push(0);
    }
  }

  push(rec: Float64Array, off: number): void {
    const node = rec[off + 2] as number;
    const q = this.queues[node];
    if (this.windowNs === 0 || q === undefined) {
      // Unknown nodes (e.g. the fault injector's own id) cannot be merged: pass them through.
      this.visit(rec, off);
      return;
    }
    if ((this.count[node] as number) >= this.capacity) {
      // Full: release, in merge order, everything up to this queue's oldest record — not just
      // that record — so records of other nodes held from before it still come out first.
      this.forcedEarly++;
      this.release(q[(this.first[node] as number) * EVENT_FIELDS] as number);
    }
    const slot = ((this.first[node] as number) + (this.count[node] as number)) % this.capacity;
    q.set(rec.subarray(off, off + EVENT_FIELDS), slot * EVENT_FIELDS);
    this.count[node] = (this.count[node] as number) + 1;
    const t = rec[off] as number;
    if (t > this.newestNs) this.newestNs = t;
    this.release(this.newestNs - this.windowNs);
  }

  /** Release every held record, oldest first (end of run). */
  flush(): void {
    this.release(Number.POSITIVE_INFINITY);
  }

  get held(): number {
    let s = 0;
    for (const c of this.count) s += c;
    return s;
  }

  private release(untilNs: number): void {
    for (;;) {
      let best = -1;
      let bestNs = Number.POSITIVE_INFINITY;
      for (let n = 0; n < this.queues.length; n++) {
        if (this.count[n] === 0) continue;
        const t = (this.queues[n] as Float64Array)[(this.first[n] as number) * EVENT_FIELDS] as number;
        // Ties go to the lower node id: stable and the same as the consumer's drain order.
        if (t < bestNs) {
          bestNs = t;
          best = n;
        }
      }
      if (best < 0 || bestNs > untilNs) return;
      this.releaseOne(best);
    }
  }

  private releaseOne(node: number): void {
    const q = this.queues[node] as Float64Array;
    const f = this.first[node] as number;
    this.first[node] = (f + 1) % this.capacity;
    this.count[node] = (this.count[node] as number) - 1;
    this.visit(q, f * EVENT_FIELDS);
  }
}
