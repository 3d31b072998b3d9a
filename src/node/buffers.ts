// A node's buffer cache: block images it read or modified, in one node-local pool (like the
// page cache of a kernel node). Every buffer is tagged with the resource index of the glock
// that covers it, so go_inval can drop exactly that glock's buffers and go_sync can find the
// blocks to write back and revoke. Bounded: when full, clean buffers are evicted FIFO.

import { limits } from '../config/limits.js';

/** Buffers the pool starts with before it grows. */
const POOL_BLOCKS_INITIAL = 64;

export class BufferCache {
  readonly blockSize: number;
  /**
   * The buffers' bytes. It grows (doubling, up to capacity blocks) as slots are first used:
   * a node touches a few hundred blocks in a short run, and zeroing 16 MiB per node up front
   * was a large part of a short sim seed's cost. Callers must not keep it across insert().
   */
  pool: Uint8Array;
  private readonly capacity: number;
  private readonly slotOf = new Map<number, number>();
  /** Per slot: block number (-1 free), glock resource index, dirty flag. */
  private readonly blk: Float64Array;
  private readonly resOfSlot: Int32Array;
  private readonly dirty: Uint8Array;
  private readonly free: number[] = [];
  private clock = 0;

  constructor(blockSize: number, capacity: number = limits.bufferCacheBlocksMax) {
    this.blockSize = blockSize;
    this.capacity = capacity;
    this.pool = new Uint8Array(blockSize * Math.min(capacity, POOL_BLOCKS_INITIAL));
    this.blk = new Float64Array(capacity).fill(-1);
    this.resOfSlot = new Int32Array(capacity).fill(-1);
    this.dirty = new Uint8Array(capacity);
    for (let i = capacity - 1; i >= 0; i--) this.free.push(i);
  }

  /** Pool offset of a cached block, or -1. */
  lookup(blkno: number): number {
    const s = this.slotOf.get(blkno);
    return s === undefined ? -1 : s * this.blockSize;
  }

  /**
   * A slot for `blkno` tagged with glock `res`; the caller fills it (read from disk or
   * initialises a new block). Evicts a clean buffer when full; throws if every buffer is dirty.
   */
  insert(blkno: number, res: number): number {
    const have = this.slotOf.get(blkno);
    if (have !== undefined) {
      this.resOfSlot[have] = res;
      return have * this.blockSize;
    }
    let s = this.free.pop();
    if (s === undefined) s = this.evictOne();
    if ((s + 1) * this.blockSize > this.pool.length) this.grow(s + 1);
    this.slotOf.set(blkno, s);
    this.blk[s] = blkno;
    this.resOfSlot[s] = res;
    this.dirty[s] = 0;
    return s * this.blockSize;
  }

  /** Make room for at least `slots` buffers (new bytes are zero, as they were up front). */
  private grow(slots: number): void {
    let blocks = this.pool.length / this.blockSize;
    while (blocks < slots) blocks *= 2;
    const pool = new Uint8Array(Math.min(blocks, this.capacity) * this.blockSize);
    pool.set(this.pool);
    this.pool = pool;
  }

  private evictOne(): number {
    for (let tries = 0; tries < this.capacity; tries++) {
      const s = this.clock;
      this.clock = (this.clock + 1) % this.capacity;
      if (this.dirty[s] === 0) {
        this.slotOf.delete(this.blk[s] as number);
        this.blk[s] = -1;
        this.resOfSlot[s] = -1;
        return s;
      }
    }
    throw new RangeError(`buffer cache: all ${this.capacity} buffers are dirty`);
  }

  /** Glock resource index a cached block is tagged with, or -1. */
  glockOf(blkno: number): number {
    const s = this.slotOf.get(blkno);
    return s === undefined ? -1 : (this.resOfSlot[s] as number);
  }

  markDirty(blkno: number, dirty: boolean): void {
    const s = this.slotOf.get(blkno);
    if (s !== undefined) this.dirty[s] = dirty ? 1 : 0;
  }

  /** Block numbers cached under glock `res` (into `out`, returns count). */
  blocksOf(res: number, out: number[]): number {
    out.length = 0;
    // keys() + get() rather than entries(): the same order without an [key, value] array per
    // cached block (these scans run on every glock sync and invalidate).
    for (const b of this.slotOf.keys()) if (this.resOfSlot[this.slotOf.get(b) as number] === res) out.push(b);
    return out.length;
  }

  /** Drop every buffer of glock `res` (go_inval). Dirty buffers must have been synced first. */
  invalidate(res: number): number {
    let n = 0;
    // Deleting the current key while iterating a Map is safe: iteration goes on after it.
    for (const b of this.slotOf.keys()) {
      const s = this.slotOf.get(b) as number;
      if (this.resOfSlot[s] === res) {
        this.slotOf.delete(b);
        this.blk[s] = -1;
        this.resOfSlot[s] = -1;
        this.dirty[s] = 0;
        this.free.push(s);
        n++;
      }
    }
    return n;
  }

  /** Drop one block (a failed read, or a freed block). */
  invalidateBlock(blkno: number): void {
    const s = this.slotOf.get(blkno);
    if (s === undefined) return;
    this.slotOf.delete(blkno);
    this.blk[s] = -1;
    this.resOfSlot[s] = -1;
    this.dirty[s] = 0;
    this.free.push(s);
  }

  size(): number {
    return this.slotOf.size;
  }
}
