// The shared disk as a block device: plain byte copies between the SharedArrayBuffer's disk
// region and a caller's buffer. Faults are not here: the fault injector wraps this device
// (DESIGN principle 2), and the version seam observes in-place writes through events.

import type { BlockPeekIo } from '../journal/head.js';
import type { BlockCopyIo } from '../journal/replay.js';
import { IoStatus } from '../platform/platform.js';

export class SharedDisk implements BlockCopyIo, BlockPeekIo {
  readonly bytes: Uint8Array;
  readonly blockSize: number;
  readonly blocks: number;

  constructor(sab: SharedArrayBuffer, byteOffset: number, blocks: number, blockSize: number) {
    this.bytes = new Uint8Array(sab, byteOffset, blocks * blockSize);
    this.blockSize = blockSize;
    this.blocks = blocks;
  }

  read(_node: number, blkno: number, dst: Uint8Array, dstOff: number): number {
    if (blkno < 0 || blkno >= this.blocks) return IoStatus.eio;
    const o = blkno * this.blockSize;
    dst.set(this.bytes.subarray(o, o + this.blockSize), dstOff);
    return IoStatus.ok;
  }

  write(_node: number, blkno: number, src: Uint8Array, srcOff: number, _journal: boolean): number {
    if (blkno < 0 || blkno >= this.blocks) return IoStatus.eio;
    this.bytes.set(src.subarray(srcOff, srcOff + this.blockSize), blkno * this.blockSize);
    return IoStatus.ok;
  }

  /**
   * Replay's one-pass copy (BlockCopyIo): block srcBlk to dstBlk inside the disk region, then
   * the first peekBytes of the copy into peek. Halves the bytes replay moves per image compared
   * with read + write through a scratch block. The fault wrapper (FaultyCopyIo) counts it as a
   * read of srcBlk and a write of dstBlk before it reaches here.
   */
  copyBlock(_node: number, srcBlk: number, dstBlk: number, peek: Uint8Array, peekBytes: number): number {
    if (srcBlk < 0 || srcBlk >= this.blocks || dstBlk < 0 || dstBlk >= this.blocks) return IoStatus.eio;
    const bs = this.blockSize;
    const d = dstBlk * bs;
    this.bytes.copyWithin(d, srcBlk * bs, srcBlk * bs + bs);
    const bytes = this.bytes;
    // A byte loop, not set(subarray(...)): peeks are 24 bytes and a subarray would allocate per image.
    for (let i = 0; i < peekBytes; i++) peek[i] = bytes[d + i] as number;
    return IoStatus.ok;
  }

  /** findHead's peek (BlockPeekIo): the first `bytes` bytes of block blkno into dst[0..bytes). */
  peekBlock(_node: number, blkno: number, dst: Uint8Array, bytes: number): number {
    if (blkno < 0 || blkno >= this.blocks || bytes > this.blockSize) return IoStatus.eio;
    const o = blkno * this.blockSize;
    const b = this.bytes;
    for (let i = 0; i < bytes; i++) dst[i] = b[o + i] as number;
    return IoStatus.ok;
  }

  lastWriteDelayNs(_node: number): number {
    return 0;
  }
}
