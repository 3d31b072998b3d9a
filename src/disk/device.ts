// The shared disk as a block device: plain byte copies between the SharedArrayBuffer's disk
// region and a caller's buffer. Faults are not here: the fault injector wraps this device
// (DESIGN principle 2), and the version seam observes in-place writes through events.

import { IoStatus } from '../platform/platform.js';
import type { BlockIo } from '../platform/platform.js';

export class SharedDisk implements BlockIo {
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

  lastWriteDelayNs(_node: number): number {
    return 0;
  }
}
