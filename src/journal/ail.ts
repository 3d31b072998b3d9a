// The active items list (fs/gfs2/log.c ail1/ail2), as pure bookkeeping without I/O: which
// journal positions hold the latest logged copy of an in-place block, which of those still
// await write-back, and which flush each belongs to, so the tail can advance to the oldest flush
// that still has unwritten blocks. Everything is sized from journalBlocks (N): a position holds
// at most one copy and a flush occupies at least one position, so no structure can exceed N.

import { BlockMap } from './block-map.js';

/** State of a journal position's logged copy. */
export const PosState = {
  /** Nothing tracked: a descriptor, header, superseded or revoked copy. */
  none: 0,
  /** Latest copy of its block, not yet written in place. */
  dirty: 1,
  /** Latest copy, written in place; may still be in the active region (revokable). */
  clean: 2,
  /** Latest copy, written in place, and a revoke for it is queued for the next flush. */
  revokeQueued: 3,
} as const;

export class Ail {
  readonly journalBlocks: number;
  /** In-place block number logged at each position (valid when posState ≠ none). */
  readonly posBlk: Float64Array;
  readonly posState: Uint8Array;
  /** Flush-ring slot of the flush that logged each position. */
  readonly posFlush: Int32Array;
  /** Block → position of its latest logged copy. */
  readonly latest: BlockMap;
  /** Flush ring, oldest first: start position and count of copies still awaiting write-back. */
  private readonly flushStart: Int32Array;
  private readonly flushPending: Int32Array;
  private flushFirst = 0;
  flushCount = 0;
  /** Copies awaiting write-back, over all flushes. */
  dirtyCount = 0;

  constructor(journalBlocks: number) {
    this.journalBlocks = journalBlocks;
    this.posBlk = new Float64Array(journalBlocks);
    this.posState = new Uint8Array(journalBlocks);
    this.posFlush = new Int32Array(journalBlocks);
    this.latest = new BlockMap(journalBlocks);
    this.flushStart = new Int32Array(journalBlocks);
    this.flushPending = new Int32Array(journalBlocks);
  }

  reset(): void {
    this.posState.fill(PosState.none);
    this.latest.clear();
    this.flushFirst = 0;
    this.flushCount = 0;
    this.dirtyCount = 0;
  }

  /** Open a flush starting at position `start`; returns its ring slot. */
  beginFlush(start: number): number {
    if (this.flushCount >= this.journalBlocks)
      throw new Error('AIL flush ring overflow: more flushes than journal blocks');
    const slot = (this.flushFirst + this.flushCount) % this.journalBlocks;
    this.flushStart[slot] = start;
    this.flushPending[slot] = 0;
    this.flushCount++;
    return slot;
  }

  /** Forget whatever position `pos` held, before the log overwrites it. */
  clearPos(pos: number): void {
    const st = this.posState[pos] as number;
    if (st === PosState.none) return;
    // The space rule keeps the log from overwriting [committed tail, head), and dirty copies
    // lie inside it; overwriting one would lose a committed block, so it is a bug, not a fault.
    if (st === PosState.dirty)
      throw new Error(`AIL: journal position ${pos} overwritten while its copy awaits write-back`);
    const blk = this.posBlk[pos] as number;
    if (this.latest.get(blk) === pos) this.latest.delete(blk);
    this.posState[pos] = PosState.none;
  }

  /** Position of blk's latest tracked copy, or −1. */
  latestPos(blk: number): number {
    const pos = this.latest.get(blk);
    if (pos < 0 || this.posState[pos] === PosState.none || this.posBlk[pos] !== blk) return -1;
    return pos;
  }

  /** Record that flush `slot` logged blk at `pos`; an older copy of blk is superseded. */
  logAt(pos: number, blk: number, slot: number): void {
    this.drop(blk);
    this.posBlk[pos] = blk;
    this.posState[pos] = PosState.dirty;
    this.posFlush[pos] = slot;
    this.flushPending[slot] = (this.flushPending[slot] as number) + 1;
    this.dirtyCount++;
    // Cannot fail: at most N positions are tracked and the map holds N entries.
    this.latest.set(blk, pos);
  }

  /** Stop tracking blk (superseded, revoked): its copy no longer needs write-back. */
  drop(blk: number): void {
    const pos = this.latestPos(blk);
    if (pos < 0) return;
    if (this.posState[pos] === PosState.dirty) this.settle(pos);
    this.posState[pos] = PosState.none;
    this.latest.delete(blk);
  }

  /** The copy at pos was written in place. */
  markWritten(pos: number): void {
    if (this.posState[pos] !== PosState.dirty) return;
    this.settle(pos);
    this.posState[pos] = PosState.clean;
  }

  private settle(pos: number): void {
    const slot = this.posFlush[pos] as number;
    this.flushPending[slot] = (this.flushPending[slot] as number) - 1;
    this.dirtyCount--;
  }

  /** Pop finished flushes; returns the new tail: oldest unfinished flush's start, else `head`. */
  advanceTail(head: number): number {
    while (this.flushCount > 0 && this.flushPending[this.flushFirst] === 0) {
      this.flushFirst = (this.flushFirst + 1) % this.journalBlocks;
      this.flushCount--;
    }
    return this.flushCount > 0 ? (this.flushStart[this.flushFirst] as number) : head;
  }
}

/** Is position p in the circular half-open range [from, to) of a ring of n blocks? */
export function inRing(p: number, from: number, to: number, n: number): boolean {
  const span = (to - from + n) % n;
  return (p - from + n) % n < span;
}
