// The independent corruption oracle (DESIGN principle 7, issue #3): composes the passive
// checkers — I1 stale replay / write-back / read (stale-version.ts), I2 ownership while
// un-revoked (unrevoked-ownership.ts), I3 recovery freeze (recovery-freeze.ts), durability
// (durability.ts) and liveness (liveness.ts) — over one shared set of block facts. It decides
// only from event records and, at the end, the disk's bytes and journal states; never from
// protocol flags, and never from Ev.withdraw (reporting only). I4 (bitmaps) is checked on the
// disk image by bitmap.ts, outside this class.
//
// Use: push `oracle.observe` into EventConsumer.observers; at the end call finish(). In threads
// mode pass reorderWindowNs (e.g. 250 ms) so records drained node by node are re-merged by time
// before the checkers see them (see reorder.ts for what that can and cannot guarantee).

import { Ev } from '../memory/events.js';
import type { Violation } from '../report/result.js';
import { BlockFacts, TrailTable } from './block-facts.js';
import { type CheckContext, F } from './context.js';
import { checkDurability, type DurabilitySummary, type JournalCleanness } from './durability.js';
import { defaultGlockName, type GlockNameResolver } from './event-format.js';
import { LivenessChecker, type NodeEndState } from './liveness.js';
import { RecoveryFreezeChecker } from './recovery-freeze.js';
import { ReorderBuffer } from './reorder.js';
import { StaleVersionChecker } from './stale-version.js';
import { UnrevokedOwnershipChecker } from './unrevoked-ownership.js';
import { VIOLATIONS_PER_INVARIANT_MAX_DEFAULT, ViolationSink } from './violations.js';

export interface OracleOptions {
  readonly nodes: number;
  /** Blocks per node journal (positions in Ev.logBlock / revoke / tail are modulo this). */
  readonly journalBlocks: number;
  readonly blockSize: number;
  /** Resource index → `n:<type>/<num>`; defaults to `res#<index>`. */
  readonly glockName?: GlockNameResolver;
  readonly violationsPerInvariantMax?: number;
  /** Events remembered per block (and per node) for violation trails. Default 8. */
  readonly trailEvents?: number;
  /** Threads mode: hold records this long to merge nodes by time. 0 (default): as observed. */
  readonly reorderWindowNs?: number;
  /** Liveness: a blocking callback unanswered this long is reported. Default: off. */
  readonly waitLimitNs?: number;
}

export interface OracleFinishFacts {
  /** Each node's final state (NodeResult.state): down nodes' journals get the liveness check. */
  readonly nodes?: readonly NodeEndState[];
  /** Have faults stopped (so recovery had its chance)? Default true. */
  readonly faultsStopped?: boolean;
  /** Jids deliberately left dirty for a later remount. */
  readonly leftForRemount?: readonly number[];
  /** End of the run, ns (default: the newest event time seen). */
  readonly endNs?: number;
}

export interface OracleSummary {
  readonly events: number;
  readonly blocksTracked: number;
  readonly violationsByInvariant: Readonly<Record<string, number>>;
  readonly violationsDropped: Readonly<Record<string, number>>;
  readonly durability: DurabilitySummary | null;
  /** Records released out of time order because the reorder buffer was full. */
  readonly reorderForcedEarly: number;
  readonly unfinishedReplays: readonly { node: number; jid: number; startNs: number; blocks: number }[];
  readonly openRecoveryWindows: readonly { node: number; done: boolean; pendingJids: number[]; startNs: number }[];
}

/** The invariants the oracle checks (for CheckerResult.checked). */
export const ORACLE_INVARIANTS = ['I1', 'I2', 'I3', 'durability', 'liveness'] as const;

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`oracle ${name}: expected an integer ≥ 1, received ${v}`);
  return v;
}

export class Oracle {
  private readonly opts: OracleOptions;
  private readonly ctx: CheckContext;
  private readonly i1: StaleVersionChecker;
  private readonly i2: UnrevokedOwnershipChecker;
  private readonly i3: RecoveryFreezeChecker;
  private readonly live: LivenessChecker;
  private readonly reorder: ReorderBuffer;
  private newestNs = 0;
  private durability: DurabilitySummary | null = null;
  private finished = false;
  /** Bound so it can be pushed into EventConsumer.observers as is. */
  readonly observe: (rec: Float64Array, off: number) => void;

  constructor(opts: OracleOptions) {
    positiveInt('nodes', opts.nodes);
    positiveInt('journalBlocks', opts.journalBlocks);
    positiveInt('blockSize', opts.blockSize);
    this.opts = opts;
    const depth = positiveInt('trailEvents', opts.trailEvents ?? 8);
    this.ctx = {
      facts: new BlockFacts(depth),
      nodeTrails: new TrailTable(depth),
      sink: new ViolationSink(opts.violationsPerInvariantMax ?? VIOLATIONS_PER_INVARIANT_MAX_DEFAULT),
      glockName: opts.glockName ?? defaultGlockName,
      ord: 0,
    };
    this.i1 = new StaleVersionChecker(this.ctx, opts.journalBlocks);
    this.i2 = new UnrevokedOwnershipChecker(this.ctx, opts.nodes, opts.journalBlocks);
    this.i3 = new RecoveryFreezeChecker(this.ctx, opts.nodes);
    this.live = new LivenessChecker(this.ctx, opts.nodes, opts.waitLimitNs ?? Number.POSITIVE_INFINITY);
    this.reorder = new ReorderBuffer(opts.nodes, opts.reorderWindowNs ?? 0, (rec, off) => this.handle(rec, off));
    // Without a window the buffer passes every record straight to handle(): skip its two
    // calls per record (the sim's case).
    this.observe =
      (opts.reorderWindowNs ?? 0) === 0
        ? (rec, off) => this.handle(rec, off)
        : (rec, off) => this.reorder.push(rec, off);
  }

  /** One record, in cluster order: facts and trails first, so a violation's trail includes it. */
  private handle(rec: Float64Array, off: number): void {
    const ctx = this.ctx;
    const kind = rec[off + F.kind] as number;
    const node = rec[off + F.node] as number;
    const a = rec[off + F.a] as number;
    const t = rec[off + F.time] as number;
    if (t > this.newestNs) this.newestNs = t;
    const facts = ctx.facts;
    switch (kind) {
      case Ev.logBlock:
      case Ev.revoke:
      case Ev.writeInPlace:
      case Ev.readBlock:
        facts.trails.push(a, rec, off);
        break;
      case Ev.versionCommit:
        facts.noteCommit(a, rec[off + F.b] as number, node, rec[off + F.c] as number, ctx.ord, t);
        facts.trails.push(a, rec, off);
        break;
      case Ev.bitmap:
        if ((rec[off + F.c] as number) === 0) facts.noteFree(a, ctx.ord);
        facts.trails.push(a, rec, off);
        break;
      case Ev.dlmRecovery:
      case Ev.lockspace:
      case Ev.mount:
      case Ev.frozen:
        ctx.nodeTrails.push(node, rec, off);
        break;
      case Ev.replayStart:
      case Ev.replayEnd:
      case Ev.journalState:
        // Both the recovering node's and the journal owner's story include it.
        ctx.nodeTrails.push(node, rec, off);
        if (a !== node && a >= 0 && a < this.opts.nodes) ctx.nodeTrails.push(a, rec, off);
        break;
      default:
        break;
    }
    this.i1.observe(rec, off);
    this.i2.observe(rec, off);
    this.i3.observe(rec, off);
    this.live.observe(rec, off);
    ctx.ord++;
  }

  /** Hook for the glock layer's own wait timeouts (−110). */
  reportWaitTimeout(node: number, res: number, waitedNs: number, timeNs: number, what?: string): void {
    this.live.reportWaitTimeout(node, res, waitedNs, timeNs, what);
  }

  /**
   * Feed a node's kernel-style log line; a wait the glock layer ended with -110 (ETIMEDOUT,
   * e.g. "workload: operation 4 on slot 5 failed with -110") becomes a liveness violation.
   * Returns whether the line was one.
   */
  noteLogMessage(node: number, timeNs: number, text: string): boolean {
    if (!/(^|[^0-9])-110([^0-9]|$)/.test(text)) return false;
    this.live.reportWaitTimeout(node, -1, Number.NaN, timeNs, text.replace(/^gfs2: fsid=[^:]*:[^:]*: /, ''));
    return true;
  }

  /** Violations found so far (for the progress line). */
  get violationCount(): number {
    return this.ctx.sink.total;
  }

  /**
   * End of run: release held records, check durability against `diskBytes` (block b's image at
   * b × blockSize) and liveness against the journals' end states. Call once, when the disk is
   * quiescent. Returns every kept violation, oldest first within each check.
   */
  finish(diskBytes: Uint8Array, journals: readonly JournalCleanness[], facts: OracleFinishFacts = {}): Violation[] {
    if (this.finished) throw new Error('Oracle.finish called twice');
    this.finished = true;
    this.reorder.flush();
    const ctx = this.ctx;
    this.durability = checkDurability(diskBytes, this.opts.blockSize, ctx.facts, journals, ctx.sink, ctx.glockName);
    this.live.finish(
      facts.endNs ?? this.newestNs,
      facts.nodes ?? [],
      journals,
      facts.faultsStopped ?? true,
      facts.leftForRemount ?? [],
    );
    return [...ctx.sink.list()];
  }

  summary(): OracleSummary {
    const sink = this.ctx.sink;
    return {
      events: this.ctx.ord,
      blocksTracked: this.ctx.facts.size,
      violationsByInvariant: sink.totalsByInvariant(),
      violationsDropped: sink.droppedByInvariant(),
      durability: this.durability,
      reorderForcedEarly: this.reorder.forcedEarly,
      unfinishedReplays: this.i1.unfinishedReplays(),
      openRecoveryWindows: this.i3.openWindows(),
    };
  }

  /** Un-revoked copies the oracle believes node `owner`'s journal holds (tests, debugging). */
  unrevokedCopies(owner: number): { blk: number; version: number; pos: number; res: number }[] {
    return this.i2.copiesOf(owner);
  }
}
