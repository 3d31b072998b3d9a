// Facts about blocks that every checker shares, learned only from the event stream:
// - the highest committed version of each block (Ev.versionCommit; versions come from one
//   cluster-wide counter, so for one block a later commit always carries a higher version),
//   which node committed it and when (in observation order);
// - the glock resource covering each block (versionCommit / readBlock field c);
// - when each block was last freed in its bitmap (Ev.bitmap new state FREE);
// - the last in-place write of each block (who, which version, write-back or replay);
// - a short trail of the last events touching each block, and per node for recovery events.
//
// It decides nothing; it never reads protocol state or the shared version table (the table is
// updated by the producer before the record is even published, so in threads mode it can be
// ahead of the events this oracle has seen, which would make every comparison racy).
//
// Bounded: one entry per block that appears in an event (the file system's own blocks, never
// journal blocks), each with a fixed-size trail ring.

import { EVENT_FIELDS } from '../memory/events.js';
import { describeFields, type GlockNameResolver } from './event-format.js';

/** Fields of a record kept in a trail: timeNs, kind, node, a, b, c, d. */
const TRAIL_FIELDS = EVENT_FIELDS - 1;
/** Rings a TrailTable starts with before it grows. */
const TRAIL_RINGS_INITIAL = 256;

/** Fixed-size rings of recent records, one per key (a block, or a node). */
export class TrailTable {
  private readonly depth: number;
  /**
   * Key → ring index. The rings live side by side in `buf` (depth × TRAIL_FIELDS each) with
   * their counts in `counts`, both grown by doubling: every allocated block becomes a key, and
   * a typed array plus an object per key was the oracle's costliest step.
   */
  private readonly index = new Map<number, number>();
  private buf: Float64Array;
  private counts: Float64Array;

  constructor(depth: number) {
    this.depth = Math.max(1, depth);
    this.buf = new Float64Array(TRAIL_RINGS_INITIAL * this.depth * TRAIL_FIELDS);
    this.counts = new Float64Array(TRAIL_RINGS_INITIAL);
  }

  push(key: number, rec: ArrayLike<number>, off: number): void {
    let r = this.index.get(key);
    if (r === undefined) {
      r = this.index.size;
      if (r >= this.counts.length) this.grow();
      this.index.set(key, r);
    }
    const count = this.counts[r] as number;
    const o = (r * this.depth + (count % this.depth)) * TRAIL_FIELDS;
    for (let i = 0; i < TRAIL_FIELDS; i++) this.buf[o + i] = rec[off + i] as number;
    this.counts[r] = count + 1;
  }

  private grow(): void {
    const counts = new Float64Array(this.counts.length * 2);
    counts.set(this.counts);
    const buf = new Float64Array(this.buf.length * 2);
    buf.set(this.buf);
    this.counts = counts;
    this.buf = buf;
  }

  /** The key's recent records as readable lines, oldest first. */
  lines(key: number, gl: GlockNameResolver): string[] {
    const r = this.index.get(key);
    if (r === undefined) return [];
    const out: string[] = [];
    const count = this.counts[r] as number;
    const n = Math.min(count, this.depth);
    for (let i = count - n; i < count; i++) {
      const o = (r * this.depth + (i % this.depth)) * TRAIL_FIELDS;
      const b = this.buf;
      out.push(
        describeFields(
          b[o] as number,
          b[o + 1] as number,
          b[o + 2] as number,
          b[o + 3] as number,
          b[o + 4] as number,
          b[o + 5] as number,
          b[o + 6] as number,
          gl,
        ),
      );
    }
    return out;
  }
}

/** What the oracle knows about one block. */
export interface BlockFact {
  /** Highest version committed so far (0: never committed, e.g. only written by mkfs). */
  committedMax: number;
  /** Node whose commit set committedMax (-1 none). */
  committedBy: number;
  /** Observation ordinal and time of that commit. */
  commitOrd: number;
  commitNs: number;
  /** Covering glock resource index as last reported (-1 unknown). */
  res: number;
  /** Observation ordinal of the last FREE transition in the bitmap (-1 never). */
  freedOrd: number;
  /** Last in-place write: node, version, source (Ev.writeInPlace c), time; node -1 if none seen. */
  lastWriteNode: number;
  lastWriteVersion: number;
  lastWriteSource: number;
  lastWriteNs: number;
}

export class BlockFacts {
  private readonly blocks = new Map<number, BlockFact>();
  readonly trails: TrailTable;

  constructor(trailDepth: number) {
    this.trails = new TrailTable(trailDepth);
  }

  get(blk: number): BlockFact | undefined {
    return this.blocks.get(blk);
  }

  /** The block's fact, created on first sight. */
  at(blk: number): BlockFact {
    let f = this.blocks.get(blk);
    if (f === undefined) {
      f = {
        committedMax: 0,
        committedBy: -1,
        commitOrd: -1,
        commitNs: 0,
        res: -1,
        freedOrd: -1,
        lastWriteNode: -1,
        lastWriteVersion: 0,
        lastWriteSource: -1,
        lastWriteNs: 0,
      };
      this.blocks.set(blk, f);
    }
    return f;
  }

  committedMax(blk: number): number {
    return this.blocks.get(blk)?.committedMax ?? 0;
  }

  resOf(blk: number): number {
    return this.blocks.get(blk)?.res ?? -1;
  }

  /** Was the block freed after its latest commit (so its committed content is garbage now)? */
  freedSinceCommit(blk: number): boolean {
    const f = this.blocks.get(blk);
    return f !== undefined && f.freedOrd > f.commitOrd;
  }

  noteCommit(blk: number, version: number, node: number, res: number, ord: number, timeNs: number): void {
    const f = this.at(blk);
    if (res >= 0) f.res = res;
    // Versions only grow, but in threads mode two nodes' commits may be observed out of order:
    // the maximum is what matters, and the ordinal of the newest commit decides "freed since".
    if (version >= f.committedMax) {
      f.committedMax = version;
      f.committedBy = node;
      f.commitNs = timeNs;
    }
    f.commitOrd = ord;
  }

  noteRead(blk: number, res: number): void {
    if (res >= 0) this.at(blk).res = res;
  }

  noteFree(blk: number, ord: number): void {
    this.at(blk).freedOrd = ord;
  }

  noteWrite(blk: number, node: number, version: number, source: number, timeNs: number): void {
    const f = this.at(blk);
    f.lastWriteNode = node;
    f.lastWriteVersion = version;
    f.lastWriteSource = source;
    f.lastWriteNs = timeNs;
  }

  /** Every block with a committed version, for the end-of-run durability check. */
  *committed(): IterableIterator<[number, BlockFact]> {
    for (const e of this.blocks) if (e[1].committedMax > 0) yield e;
  }

  get size(): number {
    return this.blocks.size;
  }
}
