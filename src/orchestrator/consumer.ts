// Drains every node's event ring on the orchestrator's side: feeds the sim history hash,
// records operation latencies into HDR histograms, and hands each record to the observers
// (the checker). Runs between sim steps, or on a timer in threads mode.

import type { HistoryHash } from '../driver/history-hash.js';
import type { EventRing } from '../memory/event-ring.js';
import { EVENT_FIELDS, Ev } from '../memory/events.js';
import { OP_NAMES } from '../node/workload-mix.js';
import { createHistogram, type Histogram, recordNs } from '../stats/histogram.js';

export type EventObserver = (rec: Float64Array, off: number) => void;

export class EventConsumer {
  private readonly rings: readonly EventRing[];
  private readonly hash: HistoryHash | null;
  readonly opLatency: Histogram = createHistogram();
  readonly opLatencyByKind: Histogram[] = OP_NAMES.map(() => createHistogram());
  readonly observers: EventObserver[] = [];
  events = 0;
  private readonly visit: (rec: Float64Array, off: number) => void;

  constructor(rings: readonly EventRing[], hash: HistoryHash | null) {
    this.rings = rings;
    this.hash = hash;
    this.visit = (rec, off) => this.onRecord(rec, off);
  }

  private onRecord(rec: Float64Array, off: number): void {
    this.events++;
    const h = this.hash;
    if (h !== null) {
      // Field 7 is the ring's own sequence number: the same in every run, but it adds nothing.
      for (let i = 0; i < EVENT_FIELDS - 1; i++) h.mix(rec[off + i] as number);
    }
    if (rec[off + 1] === Ev.op) {
      const kind = rec[off + 3] as number;
      const ns = Math.max(1, rec[off + 4] as number);
      recordNs(this.opLatency, ns);
      const byKind = this.opLatencyByKind[kind];
      if (byKind !== undefined) recordNs(byKind, ns);
    }
    for (const o of this.observers) o(rec, off);
  }

  private readonly snapshot: number[] = [];

  /**
   * Drain every ring once, node by node (so a sim history is in a fixed order). Each ring is
   * drained only up to what it held when the drain began: draining one long ring must not let
   * the next ring's newer records in while older ones of a ring already passed are still unseen,
   * or the threads-mode time merge would see records far out of order.
   */
  drain(): number {
    const rings = this.rings;
    for (let i = 0; i < rings.length; i++) this.snapshot[i] = (rings[i] as EventRing).written();
    let n = 0;
    for (let i = 0; i < rings.length; i++) n += (rings[i] as EventRing).drain(this.visit, this.snapshot[i]);
    return n;
  }
}
