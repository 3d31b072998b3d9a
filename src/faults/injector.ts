// One node's fault injector: it sits between the node's platform and the shared disk (wrapIo),
// answers the node's delivery-delay questions (DelayHooks), and tells the driver when to crash
// the node (crashDue). The node never sees it: it only sees I/O statuses and delays (DESIGN
// principle 2). Decisions use the platform clock and per-fault seeded streams only, so in sim
// mode the same seed, plan and schedule give the same faults at the same I/Os.

import type { BlockCopyIo } from '../journal/replay.js';
import { Ev } from '../memory/events.js';
import { type BlockIo, type DelayHooks, type EventSink, IoStatus } from '../platform/platform.js';
import { Prng } from '../platform/prng.js';
import { FaultyCopyIo, FaultyIo } from './faulty-io.js';
import {
  CallbackKindNames,
  type CrashFault,
  FaultCode,
  type FaultPlan,
  faultsOfNode,
  type IoErrorFault,
  isIoErrorFault,
} from './model.js';

/** Where the journals are (FsLayout has these fields): to tell replay I/O from the node's own. */
export interface JournalRanges {
  readonly journalStart: number;
  readonly journalBlocks: number;
  readonly journals: number;
}

export interface InjectorOptions {
  readonly plan: FaultPlan;
  readonly node: number;
  readonly seed: number;
  /** The node's platform clock (virtual in sim mode); fault times count from its zero. */
  readonly nowNs: () => number;
  /** Where Ev.fault goes; may be bound later with bindEvents (the platform builds the sink). */
  readonly events?: EventSink | null;
  readonly journals: JournalRanges;
}

/** What the injector saw and did, for the run's report. */
export interface InjectorCounters {
  logWrites: number;
  inPlaceWrites: number;
  reads: number;
  failedIos: number;
  slowedWrites: number;
}

// Classes of I/O, as a mask, so matching a fault to an I/O is one AND on the hot path.
const OpJournal = 1;
const OpInPlace = 2;
const OpRead = 4;
/** Writes issued by the recovery of another node's journal (replayed blocks, the clean header). */
const OpReplay = 8;
const OpWrites = OpJournal | OpInPlace | OpReplay;

/** Stream numbers of the fault PRNGs: one per fault of the plan, apart from the node streams. */
const FAULT_STREAM_BASE = 0xfa00;
const NS_PER_MS = 1e6;

class ErrorState {
  readonly index: number;
  readonly code: number;
  readonly mask: number;
  readonly atNs: number;
  readonly k: number;
  readonly p: number | null;
  readonly sticky: boolean;
  readonly prng: Prng;
  /** Matching I/Os seen since the fault's start time. */
  count = 0;
  hits = 0;

  constructor(f: IoErrorFault, index: number, seed: number) {
    this.index = index;
    this.code = FaultCode[f.kind];
    this.mask =
      f.kind === 'jerr'
        ? OpJournal
        : f.kind === 'recovery-withdraw'
          ? OpReplay
          : f.op === 'w'
            ? OpInPlace
            : f.op === 'r'
              ? OpRead
              : OpInPlace | OpRead;
    this.atNs = (f.atMs ?? 0) * NS_PER_MS;
    this.k = f.after ?? 1;
    this.p = f.p;
    this.sticky = f.sticky;
    this.prng = new Prng(seed, FAULT_STREAM_BASE + index);
  }
}

class DelayState {
  readonly index: number;
  readonly code: number;
  readonly fromNs: number;
  readonly toNs: number;
  readonly delayNs: number;
  /** CbKind to match, -1 for every kind (and for faults that are not callback delays). */
  readonly cbKind: number;
  acted = false;

  constructor(
    index: number,
    code: number,
    w: { fromMs: number; toMs: number | null },
    delayMs: number,
    cbKind: number,
  ) {
    this.index = index;
    this.code = code;
    this.fromNs = w.fromMs * NS_PER_MS;
    this.toNs = w.toMs === null ? Number.POSITIVE_INFINITY : w.toMs * NS_PER_MS;
    this.delayNs = delayMs * NS_PER_MS;
    this.cbKind = cbKind;
  }

  active(nowNs: number): boolean {
    return nowNs >= this.fromNs && nowNs < this.toNs;
  }
}

export class FaultInjector implements DelayHooks {
  readonly node: number;
  readonly counters: InjectorCounters = { logWrites: 0, inPlaceWrites: 0, reads: 0, failedIos: 0, slowedWrites: 0 };
  private readonly nowNs: () => number;
  private events: EventSink | null;
  private readonly errors: ErrorState[] = [];
  private readonly slows: DelayState[] = [];
  private readonly cbDelays: DelayState[] = [];
  private readonly ackDelays: DelayState[] = [];
  private readonly crashes: Array<{ fault: CrashFault; index: number }> = [];
  private readonly ownJournalStart: number;
  private readonly journalsStart: number;
  private readonly journalsEnd: number;
  private readonly journalBlocks: number;
  private deadWrites = false;
  private deadReads = false;
  /** The node's previous I/O read another node's journal: the next in-place write is a replay. */
  private afterForeignJournalRead = false;
  private lastDelayNs = 0;
  private crashFired = false;

  constructor(o: InjectorOptions) {
    this.node = o.node;
    this.nowNs = o.nowNs;
    this.events = o.events ?? null;
    const j = o.journals;
    this.journalBlocks = j.journalBlocks;
    this.journalsStart = j.journalStart;
    this.journalsEnd = j.journalStart + j.journals * j.journalBlocks;
    this.ownJournalStart = j.journalStart + o.node * j.journalBlocks;
    for (const { fault: f, index } of faultsOfNode(o.plan, o.node)) {
      if (isIoErrorFault(f)) this.errors.push(new ErrorState(f, index, o.seed));
      else if (f.kind === 'crash') this.crashes.push({ fault: f, index });
      else if (f.kind === 'slow') this.slows.push(new DelayState(index, FaultCode.slow, f, f.writeMs, -1));
      else if (f.kind === 'cbdelay') {
        this.cbDelays.push(
          new DelayState(index, FaultCode.cbdelay, f, f.delayMs, f.cb === null ? -1 : CallbackKindNames[f.cb]),
        );
      } else this.ackDelays.push(new DelayState(index, FaultCode.ackdelay, f, f.delayMs, -1));
    }
  }

  /** Bind the node's event sink once the platform has built it. */
  bindEvents(events: EventSink): void {
    this.events = events;
  }

  /** Whether any fault of the plan concerns this node. */
  get active(): boolean {
    return (
      this.errors.length + this.slows.length + this.cbDelays.length + this.ackDelays.length + this.crashes.length > 0
    );
  }

  /**
   * The node's view of the disk. Without I/O faults for this node it is `io` itself, so an
   * unfaulted node pays nothing. I/O issued in another node's name passes through untouched.
   */
  wrapIo(io: BlockIo): BlockIo {
    if (this.errors.length === 0 && this.slows.length === 0 && this.crashes.every((c) => c.fault.after === null))
      return io;
    const copy = (io as Partial<BlockCopyIo>).copyBlock;
    return typeof copy === 'function' ? new FaultyCopyIo(this, io as BlockCopyIo) : new FaultyIo(this, io);
  }

  /** This injector as the platform's DelayHooks, or null when no delay fault concerns the node. */
  delayHooks(): DelayHooks | null {
    return this.cbDelays.length + this.ackDelays.length > 0 ? this : null;
  }

  callbackDelayNs(node: number, kind: number): number {
    if (node !== this.node || this.cbDelays.length === 0) return 0;
    return this.longestDelayNs(this.cbDelays, kind);
  }

  withdrawAckDelayNs(node: number): number {
    if (node !== this.node || this.ackDelays.length === 0) return 0;
    return this.longestDelayNs(this.ackDelays, -1);
  }

  /** Earliest time a crash fault is due by the clock alone (Infinity when none is). */
  crashDueAtNs(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const c of this.crashes) if (c.fault.atMs !== null) at = Math.min(at, c.fault.atMs * NS_PER_MS);
    return at;
  }

  /** Per-step check for the driver: true once a crash fault is due (by time or by log writes). */
  crashDue(): boolean {
    if (this.crashFired) return true;
    if (this.crashes.length === 0) return false;
    const now = this.nowNs();
    for (const { fault: f, index } of this.crashes) {
      const byTime = f.atMs !== null && now >= f.atMs * NS_PER_MS;
      const byWrites = f.after !== null && this.counters.logWrites >= f.after;
      if (byTime || byWrites) {
        this.crashFired = true;
        this.events?.emit(Ev.fault, FaultCode.crash, this.counters.logWrites, index, 0);
        return true;
      }
    }
    return false;
  }

  // ---- the I/O path (called by FaultyIo) ----

  /** Status the read of `blkno` must return, or ok to let it reach the disk. */
  beforeRead(blkno: number): number {
    this.counters.reads++;
    this.afterForeignJournalRead = this.isForeignJournal(blkno);
    if (this.deadReads || this.strikes(OpRead, blkno)) return this.failed();
    return IoStatus.ok;
  }

  /** Status the write of `blkno` must return, or ok to let it reach the disk (then slowed). */
  beforeWrite(blkno: number, journal: boolean): number {
    // Replay writes are the in-place writes that directly follow a read of another node's
    // journal (replay reads the logged image, then writes it home, with no yield between), and
    // recovery's clean header, the one journal write a node makes into a journal not its own.
    const replay = journal ? this.isForeignJournal(blkno) : this.afterForeignJournalRead;
    this.afterForeignJournalRead = false;
    if (journal) this.counters.logWrites++;
    else this.counters.inPlaceWrites++;
    this.lastDelayNs = 0;
    const op = (journal ? OpJournal : OpInPlace) | (replay ? OpReplay : 0);
    if (this.deadWrites || this.strikes(op, blkno)) return this.failed();
    if (this.slows.length > 0) this.lastDelayNs = this.slowDelayNs(blkno);
    return IoStatus.ok;
  }

  /** Extra latency of this node's last write; 0 after a failed write (an error answers at once). */
  lastDelayOfNodeNs(): number {
    return this.lastDelayNs;
  }

  private failed(): number {
    this.counters.failedIos++;
    return IoStatus.eio;
  }

  private isForeignJournal(blkno: number): boolean {
    if (blkno < this.journalsStart || blkno >= this.journalsEnd) return false;
    return blkno < this.ownJournalStart || blkno >= this.ownJournalStart + this.journalBlocks;
  }

  /** Run every error fault that matches this I/O; true if one of them fails it. */
  private strikes(op: number, blkno: number): boolean {
    const list = this.errors;
    if (list.length === 0) return false;
    const now = this.nowNs();
    let fail = false;
    for (let i = 0; i < list.length; i++) {
      const s = list[i] as ErrorState;
      if ((s.mask & op) === 0 || now < s.atNs) continue;
      // A one-shot fault (no p, not sticky) is spent after its hit; stop counting so it stays so.
      if (s.p === null && s.hits > 0) continue;
      s.count++;
      const hit = s.p === null ? s.count === s.k : s.count >= s.k && s.prng.next() < s.p;
      if (!hit) continue;
      fail = true;
      if (s.hits === 0) this.events?.emit(Ev.fault, s.code, blkno, s.index, s.count);
      s.hits++;
      if (s.sticky) {
        if ((s.mask & OpWrites) !== 0) this.deadWrites = true;
        if ((s.mask & OpRead) !== 0) this.deadReads = true;
      }
    }
    return fail;
  }

  private slowDelayNs(blkno: number): number {
    const now = this.nowNs();
    let delay = 0;
    for (const s of this.slows) {
      if (!s.active(now)) continue;
      delay = Math.max(delay, s.delayNs);
      if (!s.acted) {
        s.acted = true;
        this.events?.emit(Ev.fault, s.code, blkno, s.index, s.delayNs);
      }
    }
    if (delay > 0) this.counters.slowedWrites++;
    return delay;
  }

  /** Overlapping delay faults do not add up: the longest one active for this kind wins. */
  private longestDelayNs(list: DelayState[], kind: number): number {
    const now = this.nowNs();
    let delay = 0;
    for (const s of list) {
      if (!s.active(now) || (s.cbKind !== -1 && s.cbKind !== kind)) continue;
      delay = Math.max(delay, s.delayNs);
      if (!s.acted) {
        s.acted = true;
        this.events?.emit(Ev.fault, s.code, kind, s.index, s.delayNs);
      }
    }
    return delay;
  }
}
