// The trace writer (issue #5): a passive event observer that turns the event stream into
// intervals for a Chrome trace-event timeline (lock waits and holds, journal replays, secondary
// waits, faults, requests held up by a withdraw). Intervals live in one preallocated
// Float64Array: the observer allocates nothing per event except when a holder key is first
// seen. The buffer is bounded: lock intervals are kept first-N up to `maxRecords` (later ones
// are counted as dropped); recovery intervals (replays, secondary waits, faults, blocked
// requests) have a small reserve of their own, so a withdraw late in a long run still shows.
// Serialisation is in json.ts; the withdraw phase slices come from the same WithdrawTimelines
// code that fills RunResult.withdraws, so the trace and the result cannot disagree.

import { Ev, WithdrawPhase } from '../../memory/events.js';
import { WithdrawTimelines } from '../../orchestrator/timeline.js';

/** Fields of one interval record: [type, startNs, endNs, node, pid, res, x, y]. */
export const REC_FIELDS = 8;

export const RecType = {
  /** A holder waited: res, x = state requested. */
  wait: 1,
  /** A holder was held from grant to release: res, x = state, y = 1 if still held at the end. */
  hold: 2,
  /** A journal replay: res = jid, x = blocks replayed, y = status (0 ok, < 0 aborted, 1 unfinished). */
  replay: 3,
  /** A secondary withdraw wait on this node: x = waited ns. */
  secondaryWait: 4,
  /** A fault fired (instant): res = fault kind code, x = the fault's index in the plan. */
  fault: 5,
  /** A request of another node held up by a withdraw: res, x = jid of the withdraw. */
  blocked: 6,
} as const;

export interface TraceWriterOptions {
  /** Lock intervals kept (waits and holds); later ones are dropped and counted. */
  readonly maxRecords?: number;
  /** Recovery intervals kept (replays, secondary waits, faults, blocked requests). */
  readonly maxRecoveryRecords?: number;
}

export const TRACE_RECORDS_DEFAULT = 100_000;
export const TRACE_RECOVERY_RECORDS_DEFAULT = 10_000;
/** Withdraws whose held resources are tracked to find blocked requests. */
const WITHDRAWS_TRACKED_MAX = 64;
/** Workload pids are small per-node counters; anything larger shares one thread. */
export const PID_MAX = 999;

interface Tracked {
  readonly jid: number;
  readonly startNs: number;
  endNs: number;
  readonly held: Set<number>;
}

export class TraceWriter {
  readonly maxRecords: number;
  readonly maxRecoveryRecords: number;
  readonly buf: Float64Array;
  /** Records in buf (lock and recovery records interleaved). */
  count = 0;
  private lockCount = 0;
  private recoveryCount = 0;
  private holdCount = 0;
  /** Intervals not kept because their budget was full, by RecType. */
  readonly dropped = new Map<number, number>();
  /** Events the observer saw. */
  eventsSeen = 0;
  /** Latest event time seen (ns), to close intervals still open at the end. */
  lastNs = 0;
  readonly timelines = new WithdrawTimelines();
  /** Open holds: key(node, pid, res) → grant time; depth counts recursive holders. */
  private readonly openHold = new Map<number, number>();
  private readonly holdDepth = new Map<number, number>();
  private readonly openHoldState = new Map<number, number>();
  /** Open replays: node * 16 + jid → start time. */
  private readonly openReplay = new Map<number, number>();
  /** res → bitmask of nodes holding it in a state other than UN (dlmState). */
  private readonly holders = new Map<number, number>();
  private readonly withdraws: Tracked[] = [];
  readonly observer: (rec: Float64Array, off: number) => void;

  constructor(opts: TraceWriterOptions = {}) {
    this.maxRecords = opts.maxRecords ?? TRACE_RECORDS_DEFAULT;
    this.maxRecoveryRecords = opts.maxRecoveryRecords ?? TRACE_RECOVERY_RECORDS_DEFAULT;
    if (
      !Number.isInteger(this.maxRecords) ||
      this.maxRecords < 1 ||
      !Number.isInteger(this.maxRecoveryRecords) ||
      this.maxRecoveryRecords < 1
    ) {
      throw new RangeError(
        `trace buffer sizes: expected positive integers, received ${this.maxRecords} and ${this.maxRecoveryRecords}`,
      );
    }
    this.buf = new Float64Array((this.maxRecords + this.maxRecoveryRecords) * REC_FIELDS);
    this.observer = (rec, off) => this.observe(rec, off);
  }

  /** Total intervals dropped. */
  droppedTotal(): number {
    let n = 0;
    for (const v of this.dropped.values()) n += v;
    return n;
  }

  private push(
    type: number,
    startNs: number,
    endNs: number,
    node: number,
    pid: number,
    res: number,
    x: number,
    y: number,
  ): void {
    const recovery = type !== RecType.wait && type !== RecType.hold;
    // Holds are the most numerous: they may fill at most 3/4 of the lock budget, so that the
    // waits (what a reader looks for) of a long run are not crowded out by early holds.
    const full = recovery
      ? this.recoveryCount >= this.maxRecoveryRecords
      : this.lockCount >= this.maxRecords ||
        (type === RecType.hold && this.holdCount >= Math.ceil(this.maxRecords * 0.75));
    if (full) {
      this.dropped.set(type, (this.dropped.get(type) ?? 0) + 1);
      return;
    }
    if (recovery) this.recoveryCount++;
    else this.lockCount++;
    if (type === RecType.hold) this.holdCount++;
    const o = this.count++ * REC_FIELDS;
    const b = this.buf;
    b[o] = type;
    b[o + 1] = startNs;
    b[o + 2] = endNs;
    b[o + 3] = node;
    b[o + 4] = pid;
    b[o + 5] = res;
    b[o + 6] = x;
    b[o + 7] = y;
  }

  observe(rec: Float64Array, off: number): void {
    this.eventsSeen++;
    this.timelines.observe(rec, off);
    const kind = rec[off + 1] as number;
    const t = rec[off] as number;
    const node = rec[off + 2] as number;
    const a = rec[off + 3] as number;
    const b = rec[off + 4] as number;
    const c = rec[off + 5] as number;
    const d = rec[off + 6] as number;
    if (t > this.lastNs) this.lastNs = t;
    switch (kind) {
      case Ev.grant: {
        const key = holdKey(node, d, a);
        const depth = this.holdDepth.get(key) ?? 0;
        this.holdDepth.set(key, depth + 1);
        if (depth === 0) {
          this.openHold.set(key, t);
          this.openHoldState.set(key, b);
        }
        return;
      }
      case Ev.release: {
        const key = holdKey(node, d, a);
        const depth = this.holdDepth.get(key) ?? 0;
        if (depth === 0) return; // released a holder granted before the trace began
        this.holdDepth.set(key, depth - 1);
        if (depth === 1) {
          this.push(
            RecType.hold,
            this.openHold.get(key) ?? t,
            t,
            node,
            pidOf(d),
            a,
            this.openHoldState.get(key) ?? b,
            0,
          );
          this.openHold.delete(key);
        }
        return;
      }
      case Ev.waited:
        this.push(RecType.wait, t - b, t, node, pidOf(d), a, c, 0);
        this.noteBlocked(node, d, a, b, t);
        return;
      case Ev.dlmState: {
        const bit = 1 << node;
        const m = this.holders.get(a) ?? 0;
        this.holders.set(a, c === 0 ? m & ~bit : m | bit);
        return;
      }
      case Ev.replayStart:
        this.openReplay.set(node * 16 + a, t);
        return;
      case Ev.replayEnd: {
        const start = this.openReplay.get(node * 16 + a) ?? t;
        this.openReplay.delete(node * 16 + a);
        this.push(RecType.replay, start, t, node, 0, a, b, Math.min(d, 0));
        return;
      }
      case Ev.fault:
        this.push(RecType.fault, t, t, node, 0, a, c, 0);
        return;
      case Ev.withdraw:
        this.onWithdraw(node, a, c, t);
        return;
      default:
    }
  }

  private onWithdraw(node: number, phase: number, count: number, t: number): void {
    if (phase === WithdrawPhase.secondaryWaitEnd) {
      this.push(RecType.secondaryWait, t - count, t, node, 0, -1, count, 0);
    } else if (phase === WithdrawPhase.start && this.withdraws.length < WITHDRAWS_TRACKED_MAX) {
      const held = new Set<number>();
      const bit = 1 << node;
      for (const [res, mask] of this.holders) if ((mask & bit) !== 0) held.add(res);
      this.withdraws.push({ jid: node, startNs: t, endNs: Number.POSITIVE_INFINITY, held });
    } else if (phase === WithdrawPhase.lockspaceReleased) {
      for (const w of this.withdraws) if (w.jid === node && w.endNs === Number.POSITIVE_INFINITY) w.endNs = t;
    }
  }

  /** As WithdrawTimelines decides "blocked request": another node's wait on a resource the withdrawn node held, overlapping the withdraw. */
  private noteBlocked(node: number, pid: number, res: number, waitedNs: number, t: number): void {
    for (const w of this.withdraws) {
      if (w.jid === node || !w.held.has(res) || t - waitedNs > w.endNs || t < w.startNs) continue;
      this.push(RecType.blocked, t - waitedNs, t, node, pidOf(pid), res, w.jid, w.startNs);
    }
  }

  /** Holds and replays still open at the end of the run, closed at `endNs` (y = 1: unfinished). */
  closeOpen(endNs: number): void {
    for (const [key, start] of this.openHold) {
      const res = Math.floor(key / (16 * 1024));
      const node = Math.floor(key / 1024) % 16;
      this.push(
        RecType.hold,
        start,
        Math.max(start, endNs),
        node,
        key % 1024,
        res,
        this.openHoldState.get(key) ?? 0,
        1,
      );
    }
    this.openHold.clear();
    this.holdDepth.clear();
    for (const [key, start] of this.openReplay)
      this.push(RecType.replay, start, Math.max(start, endNs), Math.floor(key / 16), 0, key % 16, 0, 1);
    this.openReplay.clear();
  }
}

function pidOf(pid: number): number {
  return pid >= 0 && pid < PID_MAX ? pid : PID_MAX;
}

/** One number per (node, pid, res): nodes < 16 (limits.nodesMax), pids < 1024. */
function holdKey(node: number, pid: number, res: number): number {
  return (res * 16 + node) * 1024 + pidOf(pid);
}
