// RunResult.series (throughput timeline with fault and withdraw markers, for the report): a
// passive observer counting finished operations per time bucket. Bounded: at most BUCKETS_MAX
// buckets (when time runs past them, buckets are merged pairwise and the interval doubles) and
// at most MARKERS_MAX markers of each kind.

import { FaultKinds } from '../faults/model.js';
import { Ev, WithdrawPhase } from '../memory/events.js';
import type { RunSeries } from '../report/result.js';

const BUCKETS_MAX = 200;
const MARKERS_MAX = 1000;
/** Buckets the configured duration starts with (room is left for withdraws running past it). */
const BUCKETS_INITIAL = 100;

export class SeriesCollector {
  private intervalNs: number;
  private readonly ops = new Float64Array(BUCKETS_MAX);
  private used = 0;
  private readonly faults: { timeNs: number; node: number; kind: string }[] = [];
  private readonly withdraws: { timeNs: number; node: number }[] = [];
  readonly observer: (rec: Float64Array, off: number) => void;

  constructor(durationMs: number) {
    this.intervalNs = Math.max(1e6, Math.ceil((durationMs * 1e6) / BUCKETS_INITIAL));
    this.observer = (rec, off) => this.observe(rec, off);
  }

  observe(rec: Float64Array, off: number): void {
    const kind = rec[off + 1];
    const t = Math.max(0, rec[off] as number);
    if (kind === Ev.op) {
      let i = Math.floor(t / this.intervalNs);
      while (i >= BUCKETS_MAX) {
        this.halve();
        i = Math.floor(t / this.intervalNs);
      }
      this.ops[i] = (this.ops[i] ?? 0) + 1;
      if (i + 1 > this.used) this.used = i + 1;
    } else if (kind === Ev.fault && this.faults.length < MARKERS_MAX) {
      const code = rec[off + 3] as number;
      this.faults.push({ timeNs: t, node: rec[off + 2] as number, kind: FaultKinds[code - 1] ?? `code ${code}` });
    } else if (kind === Ev.withdraw && rec[off + 3] === WithdrawPhase.start && this.withdraws.length < MARKERS_MAX) {
      this.withdraws.push({ timeNs: t, node: rec[off + 2] as number });
    }
  }

  /** Merge buckets pairwise: same counts, half the resolution. */
  private halve(): void {
    for (let i = 0; i < BUCKETS_MAX / 2; i++) this.ops[i] = (this.ops[2 * i] ?? 0) + (this.ops[2 * i + 1] ?? 0);
    this.ops.fill(0, BUCKETS_MAX / 2);
    this.used = Math.ceil(this.used / 2);
    this.intervalNs *= 2;
  }

  /** The series so far; `endNs` extends the buckets to the end of the run (idle tail included). */
  toSeries(endNs: number): RunSeries {
    const n = Math.min(BUCKETS_MAX, Math.max(this.used, Math.ceil(endNs / this.intervalNs)));
    const byTime = (a: { timeNs: number }, b: { timeNs: number }) => a.timeNs - b.timeNs;
    return {
      intervalNs: this.intervalNs,
      ops: Array.from(this.ops.subarray(0, n)),
      faults: [...this.faults].sort(byTime),
      withdraws: [...this.withdraws].sort(byTime),
    };
  }
}
