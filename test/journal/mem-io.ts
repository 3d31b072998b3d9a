// Test helper: a BlockIo over a plain Uint8Array disk, with optional write failure and a hook
// that sees every write before it lands (to take crash snapshots). Not a test file itself.

import { MetaType, writeMetaHeader } from '../../src/disk/meta.js';
import { LogManager } from '../../src/journal/log.js';
import { mkfsJournal } from '../../src/journal/mkfs.js';
import type { BlockCopyIo } from '../../src/journal/replay.js';
import type { JournalLoc } from '../../src/journal/types.js';
import { type BlockIo, IoStatus } from '../../src/platform/platform.js';

export interface MemIo extends BlockIo {
  readonly disk: Uint8Array;
  writesCount: number;
  /** Writes to this absolute block fail with EIO (−1: none). */
  failBlock: number;
  /** Called before each write lands, with the write's index (0-based). */
  beforeWrite: ((index: number) => void) | null;
}

/** A MemIo that also offers BlockCopyIo.copyBlock (replay's one-copy path). */
export function memCopyIo(disk: Uint8Array, blockSize: number): MemIo & BlockCopyIo {
  const io = memIo(disk, blockSize) as MemIo & BlockCopyIo;
  io.copyBlock = (_node, srcBlk, dstBlk, peek, peekBytes) => {
    if (dstBlk === io.failBlock || dstBlk < 0 || (dstBlk + 1) * blockSize > disk.length) return IoStatus.eio;
    io.beforeWrite?.(io.writesCount);
    io.writesCount++;
    disk.copyWithin(dstBlk * blockSize, srcBlk * blockSize, (srcBlk + 1) * blockSize);
    peek.set(disk.subarray(dstBlk * blockSize, dstBlk * blockSize + peekBytes));
    return IoStatus.ok;
  };
  return io;
}

export function memIo(disk: Uint8Array, blockSize: number): MemIo {
  const io: MemIo = {
    disk,
    writesCount: 0,
    failBlock: -1,
    beforeWrite: null,
    read(_node, blkno, dst, dstOff) {
      if (blkno < 0 || (blkno + 1) * blockSize > disk.length) return IoStatus.eio;
      dst.set(disk.subarray(blkno * blockSize, (blkno + 1) * blockSize), dstOff);
      return IoStatus.ok;
    },
    write(_node, blkno, src, srcOff) {
      if (blkno === io.failBlock || blkno < 0 || (blkno + 1) * blockSize > disk.length) return IoStatus.eio;
      io.beforeWrite?.(io.writesCount);
      io.writesCount++;
      disk.set(src.subarray(srcOff, srcOff + blockSize), blkno * blockSize);
      return IoStatus.ok;
    },
    lastWriteDelayNs: () => 0,
  };
  return io;
}

/** Events collected as [kind, a, b, c] tuples. */
export function eventLog(): {
  events: number[][];
  emit(kind: number, a: number, b: number, c: number, d: number): void;
} {
  const events: number[][] = [];
  return {
    events,
    emit(kind, a, b, c) {
      events.push([kind, a, b, c]);
    },
  };
}

export const RIG_BS = 512;

/** A disk with blocks [0, startBlk) unused, the journal, then `dataBlocks` in-place blocks. */
export function rig(journalBlocks: number, s0: number, dataBlocks = 64, startBlk = 2) {
  const loc: JournalLoc = { jid: 1, startBlk, journalBlocks, blockSize: RIG_BS };
  const dataStart = startBlk + journalBlocks;
  const io = memIo(new Uint8Array((dataStart + dataBlocks) * RIG_BS), RIG_BS);
  if (mkfsJournal(io, 1, loc, s0) !== 0) throw new Error('mkfs failed');
  const ev = eventLog();
  const log = new LogManager(io, 1, loc, ev);
  if (log.mount() !== 0) throw new Error('mount failed');
  return { io, loc, log, ev, dataStart };
}

/** A metadata block image for `blk` at `version`: meta header + a pattern tied to both. */
export function image(blk: number, version: number): Uint8Array {
  const b = new Uint8Array(RIG_BS);
  writeMetaHeader(b, 0, MetaType.in, version, 0);
  for (let i = 24; i < RIG_BS; i += 7) b[i] = (blk * 31 + version * 17 + i) & 0xff;
  return b;
}

/** The in-place block blk of the disk. */
export function inPlace(disk: Uint8Array, blk: number): Uint8Array {
  return disk.subarray(blk * RIG_BS, (blk + 1) * RIG_BS);
}
