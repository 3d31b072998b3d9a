// The node's in-core log of modified blocks not yet flushed (sd_log's pending buffers). A
// workload transaction adds blocks with add(); the log flush (log daemon, go_sync, unmount)
// takes them all and writes them to the journal as one commit. Transactions never yield
// between their first add() and their last, so a flush never sees half a transaction.

import { limits } from '../config/limits.js';
import type { BufferCache } from './buffers.js';

export class Transaction {
  private readonly cache: BufferCache;
  private readonly pending = new Set<number>();
  readonly capacity: number;
  /** Glock resource indexes with blocks in the pending set (gl's GLF_DIRTY|GLF_LFLUSH). */
  readonly dirtyGlocks = new Set<number>();

  constructor(cache: BufferCache, capacityBlocks: number) {
    this.cache = cache;
    this.capacity = Math.min(capacityBlocks, limits.bufferCacheBlocksMax);
  }

  add(blkno: number): void {
    if (!this.pending.has(blkno) && this.pending.size >= this.capacity) {
      throw new RangeError(`in-core log full: ${this.capacity} blocks pending a flush`);
    }
    this.pending.add(blkno);
    this.cache.markDirty(blkno, true);
    const res = this.cache.glockOf(blkno);
    if (res >= 0) this.dirtyGlocks.add(res);
  }

  get size(): number {
    return this.pending.size;
  }

  has(blkno: number): boolean {
    return this.pending.has(blkno);
  }

  /** Remove a block (freed before it was flushed: nothing of it must reach the journal). */
  drop(blkno: number): void {
    if (this.pending.delete(blkno)) this.cache.markDirty(blkno, false);
  }

  /** Move the pending block numbers into `out` (sorted, so a flush is deterministic) and clear. */
  take(out: number[]): number {
    out.length = 0;
    for (const b of this.pending) out.push(b);
    out.sort((x, y) => x - y);
    this.pending.clear();
    this.dirtyGlocks.clear();
    return out.length;
  }

  /** Put blocks back after a flush that could not be written (no space): they stay pending. */
  restore(blocks: readonly number[]): void {
    for (const b of blocks) {
      this.pending.add(b);
      const res = this.cache.glockOf(b);
      if (res >= 0) this.dirtyGlocks.add(res);
    }
  }
}
