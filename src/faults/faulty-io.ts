// The device a faulted node sees: each I/O in the node's own name first asks its FaultInjector
// (which counts it, decides and records), then reaches the real device only if allowed.

import type { BlockCopyIo } from '../journal/replay.js';
import { type BlockIo, IoStatus } from '../platform/platform.js';
import type { FaultInjector } from './injector.js';

/**
 * The wrapped device: asks the injector before each I/O of its node, then passes it on. It
 * deliberately has no peekBlock (findHead's BlockPeekIo): a faulted node scans its journal
 * with whole-block reads, each one counted and decided by the injector as before.
 */
export class FaultyIo implements BlockIo {
  protected readonly inj: FaultInjector;
  protected readonly io: BlockIo;

  constructor(inj: FaultInjector, io: BlockIo) {
    this.inj = inj;
    this.io = io;
  }

  read(node: number, blkno: number, dst: Uint8Array, dstOff: number): number {
    if (node !== this.inj.node) return this.io.read(node, blkno, dst, dstOff);
    const st = this.inj.beforeRead(blkno);
    return st !== IoStatus.ok ? st : this.io.read(node, blkno, dst, dstOff);
  }

  write(node: number, blkno: number, src: Uint8Array, srcOff: number, journal: boolean): number {
    if (node !== this.inj.node) return this.io.write(node, blkno, src, srcOff, journal);
    // A failed write never reaches the disk: the block keeps its old contents.
    const st = this.inj.beforeWrite(blkno, journal);
    return st !== IoStatus.ok ? st : this.io.write(node, blkno, src, srcOff, journal);
  }

  lastWriteDelayNs(node: number): number {
    const own = node === this.inj.node ? this.inj.lastDelayOfNodeNs() : 0;
    return own + this.io.lastWriteDelayNs(node);
  }
}

/** For a device with replay's one-pass copy: the copy is a read of src and a write of dst. */
export class FaultyCopyIo extends FaultyIo implements BlockCopyIo {
  copyBlock(node: number, srcBlk: number, dstBlk: number, peek: Uint8Array, peekBytes: number): number {
    const io = this.io as BlockCopyIo;
    if (node !== this.inj.node) return io.copyBlock(node, srcBlk, dstBlk, peek, peekBytes);
    const rd = this.inj.beforeRead(srcBlk);
    if (rd !== IoStatus.ok) return rd;
    const wr = this.inj.beforeWrite(dstBlk, false);
    return wr !== IoStatus.ok ? wr : io.copyBlock(node, srcBlk, dstBlk, peek, peekBytes);
  }
}
