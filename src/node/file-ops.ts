// The workload's file operations on a node: stat, create, write (extend or overwrite),
// truncate and delete of file slots, each under the glocks GFS2 would take, in one lock
// order everywhere (directory → inode → rgrp, rgrps ascending) so no two processes deadlock.
// Every modification happens between glock grants with no yield in between, so a log flush
// never sees half an operation. Each returns 0 or a negative errno (the caller withdraws on EIO).

import {
  DINODE_NDATA_OFFSET,
  DINODE_PTR_OFFSET,
  dirBlockOf,
  dirEntryOffset,
  FILE_DATA_BLOCKS_MAX,
} from '../disk/fs-layout.js';
import { MetaType, metaType, readBe32, readBe64, writeBe32, writeBe64 } from '../disk/meta.js';
import { BlockState } from '../disk/rgrp-format.js';
import type { Holder } from '../glock/holder.js';
import { Errno } from '../glock/lm.js';
import { rgrpIndexOfData } from '../rgrp/geometry.js';
import type { Rgrp } from '../rgrp/rgrp.js';
import type { FsContext } from './fs-context.js';
import {
  acquireStart,
  addRgrpToTrans,
  EX,
  inodeGlock,
  loadRgrp,
  release,
  releaseAll,
  rgrpGlock,
  SH,
} from './op-locks.js';
import type { Proc } from './proc.js';
import { Op, preferredRgrp } from './workload-mix.js';

/** Holders of one process (gfs2_holders on its stack), reused for every operation. */
export interface OpHolders {
  readonly dir: Holder;
  readonly inode: Holder;
  readonly rgrp: Holder;
  readonly fresh: Holder;
}

/** A consistency error found by an operation (a corrupt dinode, an impossible bitmap change). */
export const EUCLEAN = -117;

// Glocks are taken with acquireStart() + wait() rather than `yield* acquire()`: a grant rarely
// waits, and a generator object per lock request was a large share of the sim's garbage.

/** Run one operation. On an error the process reports it (it may withdraw) while it still
 * holds its glocks, as a kernel process would before unwinding; then every holder is released. */
export function* doOp(c: FsContext, p: Proc, h: OpHolders, op: number, slot: number): Generator<void, number, void> {
  // The log reservation comes before any glock, so making room never waits while holding one.
  let r = c.reserveNow() ? 0 : yield* c.reserve(p);
  if (r < 0) {
    yield* c.onOpError(p, r);
    return r;
  }
  switch (op) {
    case Op.stat:
      r = yield* opStat(c, p, h, slot);
      break;
    case Op.create:
      r = yield* opCreate(c, p, h, slot);
      break;
    case Op.write:
      r = yield* opWrite(c, p, h, slot);
      break;
    case Op.truncate:
      r = yield* opTruncate(c, p, h, slot);
      break;
    default:
      r = yield* opDelete(c, p, h, slot);
  }
  c.unreserve();
  if (r < 0) yield* c.onOpError(p, r);
  yield* releaseAll(c, p, h.fresh, h.rgrp, h.inode, h.dir);
  return r;
}

/** gfs2_trans_begin: -EROFS once the journal is no longer live. */
function transBegin(c: FsContext): number {
  return c.isReadOnly() ? EROFS : 0;
}

export const EROFS = -30;

function dinodeOf(c: FsContext, dirOff: number, slot: number): number {
  return readBe64(c.cache.pool, dirOff + dirEntryOffset(slot));
}

/** Read a dinode under its held glock; its pool offset, or < 0 (I/O error or not a dinode). */
function readDinode(c: FsContext, ino: number, res: number): number {
  const off = c.blocks.read(ino, res);
  if (off < 0) return off;
  return metaType(c.cache.pool, off) === MetaType.di ? off : EUCLEAN;
}

function* opStat(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const ino = yield* lockSlot(c, p, h, slot, SH, SH);
  if (ino <= 0) return ino;
  return Math.min(readDinode(c, ino, inodeGlock(c, ino).res), 0);
}

/** Allocate one block of `kind` from some rgrp, leaving that rgrp held EX in h.rgrp. Block or < 0. */
function* allocBlock(c: FsContext, p: Proc, h: OpHolders, kind: number): Generator<void, number, void> {
  const first = preferredRgrp(c.cfg, c.node, () => c.platform.random());
  for (let k = 0; k < c.geo.count; k++) {
    const index = (first + k) % c.geo.count;
    let r = acquireStart(c, p, h.rgrp, rgrpGlock(c, index), EX, 0);
    if (r === 1) r = yield* c.glocks.wait(p, h.rgrp);
    if (r !== 0) return r;
    const rg = loadRgrp(c, index);
    if (typeof rg === 'number') return rg < 0 ? rg : Errno.eio;
    const blk = rg.alloc(kind, Math.floor(c.platform.random() * rg.data));
    if (blk >= 0) return blk;
    if (blk !== -1) return EUCLEAN; // anything but "full" is an inconsistency
    yield* release(c, p, h.rgrp);
  }
  return ENOSPC;
}

const ENOSPC = -28;

function* opCreate(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  let r = acquireStart(c, p, h.dir, dirGl, EX, 0);
  if (r === 1) r = yield* c.glocks.wait(p, h.dir);
  if (r !== 0) return r;
  const dirOff = c.blocks.read(dirBlk, dirGl.res);
  if (dirOff < 0) return dirOff;
  if (dinodeOf(c, dirOff, slot) !== 0) return 0;
  const ino = yield* allocBlock(c, p, h, BlockState.dinode);
  if (ino === ENOSPC) return 0;
  if (ino < 0) return ino;
  // The new inode's glock, EX: other nodes may still cache an older inode at this address.
  const gl = inodeGlock(c, ino);
  r = acquireStart(c, p, h.fresh, gl, EX, 0);
  if (r === 1) r = yield* c.glocks.wait(p, h.fresh);
  if (r !== 0) return r;
  r = transBegin(c);
  if (r !== 0) return r;
  // The directory block may have been dropped from the cache while we waited: read it again.
  const d = c.blocks.read(dirBlk, dirGl.res);
  if (d < 0) return d;
  const off = c.blocks.create(ino, gl.res, MetaType.di);
  writeBe32(c.cache.pool, off + DINODE_NDATA_OFFSET, 0);
  writeBe64(c.cache.pool, d + dirEntryOffset(slot), ino);
  c.blocks.modify(dirBlk, d);
  addRgrpToTrans(c, c.rgrps[rgrpIndexOfData(c.geo, ino)] as Rgrp, h.rgrp.gl?.res ?? -1);
  return 0;
}

/**
 * Lock the slot's directory block in `dirState` and, if the slot holds a file, its inode in
 * `inodeState` (directory before inode, as every operation orders them). Returns the inode
 * block (> 0), 0 if the slot is empty, or < 0.
 */
function* lockSlot(
  c: FsContext,
  p: Proc,
  h: OpHolders,
  slot: number,
  dirState: number,
  inodeState: number,
): Generator<void, number, void> {
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  let r = acquireStart(c, p, h.dir, dirGl, dirState, 0);
  if (r === 1) r = yield* c.glocks.wait(p, h.dir);
  if (r !== 0) return r;
  const dirOff = c.blocks.read(dirBlk, dirGl.res);
  const ino = dirOff < 0 ? dirOff : dinodeOf(c, dirOff, slot);
  if (ino <= 0) return ino;
  r = acquireStart(c, p, h.inode, inodeGlock(c, ino), inodeState, 0);
  if (r === 1) r = yield* c.glocks.wait(p, h.inode);
  return r !== 0 ? r : ino;
}

function* opWrite(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const ino = yield* lockSlot(c, p, h, slot, SH, EX);
  if (ino <= 0) return ino;
  const gl = inodeGlock(c, ino);
  const off = readDinode(c, ino, gl.res);
  if (off < 0) return off;
  const n = readBe32(c.cache.pool, off + DINODE_NDATA_OFFSET);
  if (n === 0 || (n < FILE_DATA_BLOCKS_MAX && c.platform.random() < 0.5)) {
    // Extend: allocate a data block, log it and the dinode.
    const blk = yield* allocBlock(c, p, h, BlockState.used);
    if (blk === ENOSPC) return 0;
    if (blk < 0) return blk;
    const r = transBegin(c);
    if (r !== 0) return r;
    c.blocks.create(blk, gl.res, MetaType.jd);
    const o = readDinode(c, ino, gl.res);
    if (o < 0) return o;
    writeBe64(c.cache.pool, o + DINODE_PTR_OFFSET + n * 8, blk);
    writeBe32(c.cache.pool, o + DINODE_NDATA_OFFSET, n + 1);
    c.blocks.modify(ino, o);
    addRgrpToTrans(c, c.rgrps[rgrpIndexOfData(c.geo, blk)] as Rgrp, h.rgrp.gl?.res ?? -1);
    return 0;
  }
  // Overwrite one data block (through the journal).
  const blk = readBe64(c.cache.pool, off + DINODE_PTR_OFFSET + Math.floor(c.platform.random() * n) * 8);
  const r = transBegin(c);
  if (r !== 0) return r;
  const doff = c.blocks.read(blk, gl.res);
  if (doff < 0) return doff;
  c.blocks.modify(blk, doff);
  return 0;
}

/** Free `blk` (data or dinode) in its rgrp, holding the rgrp EX in h.rgrp; 0 or < 0. */
function* freeBlock(c: FsContext, p: Proc, h: OpHolders, blk: number): Generator<void, number, void> {
  const index = rgrpIndexOfData(c.geo, blk);
  if (index < 0) return EUCLEAN;
  const gl = rgrpGlock(c, index);
  let r = acquireStart(c, p, h.rgrp, gl, EX, 0);
  if (r === 1) r = yield* c.glocks.wait(p, h.rgrp);
  if (r !== 0) return r;
  const rg = loadRgrp(c, index);
  if (typeof rg === 'number') return rg < 0 ? rg : Errno.eio;
  const t = transBegin(c);
  if (t !== 0) return t;
  if (rg.free(blk) !== 0) return EUCLEAN;
  // gfs2_meta_wipe: a freed block's logged copies must never be replayed or written back.
  c.trans.drop(blk);
  c.log.forget(blk);
  c.cache.invalidateBlock(blk);
  addRgrpToTrans(c, rg, gl.res);
  yield* release(c, p, h.rgrp);
  return 0;
}

/** Drop the last data block of a held inode; 0, or < 0. */
function* dropLastBlock(
  c: FsContext,
  p: Proc,
  h: OpHolders,
  ino: number,
  res: number,
  n: number,
): Generator<void, number, void> {
  const off = readDinode(c, ino, res);
  if (off < 0) return off;
  const blk = readBe64(c.cache.pool, off + DINODE_PTR_OFFSET + (n - 1) * 8);
  const r = yield* freeBlock(c, p, h, blk);
  if (r !== 0) return r;
  const o = readDinode(c, ino, res);
  if (o < 0) return o;
  writeBe32(c.cache.pool, o + DINODE_NDATA_OFFSET, n - 1);
  c.blocks.modify(ino, o);
  return 0;
}

function* opTruncate(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const ino = yield* lockSlot(c, p, h, slot, SH, EX);
  if (ino <= 0) return ino;
  const gl = inodeGlock(c, ino);
  const off = readDinode(c, ino, gl.res);
  if (off < 0) return off;
  const n = readBe32(c.cache.pool, off + DINODE_NDATA_OFFSET);
  return n > 0 ? yield* dropLastBlock(c, p, h, ino, gl.res, n) : 0;
}

function* opDelete(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const ino = yield* lockSlot(c, p, h, slot, EX, EX);
  if (ino <= 0) return ino;
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  const gl = inodeGlock(c, ino);
  let r = 0;
  const off = readDinode(c, ino, gl.res);
  if (off < 0) return off;
  // Free data blocks last to first, one rgrp glock at a time, then unlink and free the dinode.
  for (let n = readBe32(c.cache.pool, off + DINODE_NDATA_OFFSET); n > 0; n--) {
    r = yield* dropLastBlock(c, p, h, ino, gl.res, n);
    if (r !== 0) return r;
    // Each freed block is a transaction of its own (as gfs2 truncates in chunks): renew the
    // reservation, which flushes the in-core log when it is full.
    c.unreserve();
    r = c.reserveNow() ? 0 : yield* c.reserve(p);
    if (r !== 0) return r;
  }
  const d = c.blocks.read(dirBlk, dirGl.res);
  if (d < 0) return d;
  const t = transBegin(c);
  if (t !== 0) return t;
  writeBe64(c.cache.pool, d + dirEntryOffset(slot), 0);
  c.blocks.modify(dirBlk, d);
  return yield* freeBlock(c, p, h, ino);
}
