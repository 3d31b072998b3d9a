// The workload's file operations on a node: stat, create, write (extend or overwrite),
// truncate and delete of file slots, each under the glocks GFS2 would take, in one lock
// order everywhere (directory → inode → rgrp, rgrps ascending) so no two processes deadlock.
// Every modification happens between glock grants with no yield in between, so a log flush
// never sees half an operation. Each returns 0 or a negative errno (the caller withdraws on EIO).

import { readBe64, writeBe32, readBe32, writeBe64, MetaType, metaType } from '../disk/meta.js';
import { BlockState } from '../disk/rgrp-format.js';
import {
  DINODE_NDATA_OFFSET,
  DINODE_PTR_OFFSET,
  FILE_DATA_BLOCKS_MAX,
  dirBlockOf,
  dirEntryOffset,
} from '../disk/fs-layout.js';
import type { Holder } from '../glock/holder.js';
import { rgrpIndexOfData } from '../rgrp/geometry.js';
import type { Rgrp } from '../rgrp/rgrp.js';
import { Errno } from '../glock/lm.js';
import type { FsContext } from './fs-context.js';
import { acquire, addRgrpToTrans, EX, inodeGlock, loadRgrp, release, rgrpGlock, SH } from './op-locks.js';
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

export function* doOp(c: FsContext, p: Proc, h: OpHolders, op: number, slot: number): Generator<void, number, void> {
  switch (op) {
    case Op.stat:
      return yield* opStat(c, p, h, slot);
    case Op.create:
      return yield* opCreate(c, p, h, slot);
    case Op.write:
      return yield* opWrite(c, p, h, slot);
    case Op.truncate:
      return yield* opTruncate(c, p, h, slot);
    default:
      return yield* opDelete(c, p, h, slot);
  }
}

function dinodeOf(c: FsContext, dirOff: number, slot: number): number {
  return readBe64(c.cache.pool, dirOff + dirEntryOffset(slot));
}

function* opStat(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  let r = yield* acquire(c, p, h.dir, dirGl, SH, 0);
  if (r !== 0) return r;
  const dirOff = c.blocks.read(dirBlk, dirGl.res);
  if (dirOff < 0) r = dirOff;
  const ino = r === 0 ? dinodeOf(c, dirOff, slot) : 0;
  if (ino !== 0) {
    const gl = inodeGlock(c, ino);
    r = yield* acquire(c, p, h.inode, gl, SH, 0);
    if (r === 0) {
      const off = c.blocks.read(ino, gl.res);
      if (off < 0) r = off;
      else if (metaType(c.cache.pool, off) !== MetaType.di) r = EUCLEAN;
      yield* release(c, p, h.inode);
    }
  }
  yield* release(c, p, h.dir);
  return r;
}

/** Allocate one block of `kind` from some rgrp, holding that rgrp EX in h.rgrp. Returns block or < 0. */
function* allocBlock(c: FsContext, p: Proc, h: OpHolders, kind: number): Generator<void, number, void> {
  const first = preferredRgrp(c.cfg, c.node, () => c.platform.random());
  for (let k = 0; k < c.geo.count; k++) {
    const index = (first + k) % c.geo.count;
    const gl = rgrpGlock(c, index);
    const r = yield* acquire(c, p, h.rgrp, gl, EX, 0);
    if (r !== 0) return r;
    const rg = loadRgrp(c, index);
    if (typeof rg === 'number') {
      yield* release(c, p, h.rgrp);
      return rg < 0 ? rg : Errno.eio;
    }
    const blk = rg.alloc(kind, Math.floor(c.platform.random() * rg.data));
    if (blk >= 0) return blk;
    yield* release(c, p, h.rgrp);
    if (blk !== -1) return EUCLEAN; // anything but "full" is an inconsistency
  }
  return -28; // ENOSPC
}

function* opCreate(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  let r = yield* acquire(c, p, h.dir, dirGl, EX, 0);
  if (r !== 0) return r;
  let dirOff = c.blocks.read(dirBlk, dirGl.res);
  if (dirOff < 0 || dinodeOf(c, dirOff, slot) !== 0) {
    yield* release(c, p, h.dir);
    return dirOff < 0 ? dirOff : 0;
  }
  const ino = yield* allocBlock(c, p, h, BlockState.dinode);
  if (ino < 0) {
    yield* release(c, p, h.dir);
    return ino === -28 ? 0 : ino;
  }
  // The new inode's glock, EX: other nodes may still cache an older inode at this address.
  const gl = inodeGlock(c, ino);
  r = yield* acquire(c, p, h.fresh, gl, EX, 0);
  if (r === 0 && !c.isReadOnly()) {
    const rgIndex = rgrpIndexOfData(c.geo, ino);
    const off = c.blocks.create(ino, gl.res, MetaType.di);
    writeBe32(c.cache.pool, off + DINODE_NDATA_OFFSET, 0);
    c.trans.markGlockDirty(gl.res);
    // The directory block may have been re-read while we waited; look it up again.
    dirOff = c.blocks.read(dirBlk, dirGl.res);
    if (dirOff < 0) r = dirOff;
    else {
      writeBe64(c.cache.pool, dirOff + dirEntryOffset(slot), ino);
      c.blocks.modify(dirBlk, dirOff);
      c.trans.markGlockDirty(dirGl.res);
      addRgrpToTrans(c, c.rgrps[rgIndex] as Rgrp, h.rgrp.gl?.res ?? -1);
    }
  } else if (r === 0) {
    r = Errno.eio;
  }
  yield* release(c, p, h.fresh);
  yield* release(c, p, h.rgrp);
  yield* release(c, p, h.dir);
  return r;
}

/** Lock the slot's directory SH and its inode EX; returns the inode block (> 0), 0 if empty, or < 0. */
function* lockInodeEx(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  const r = yield* acquire(c, p, h.dir, dirGl, SH, 0);
  if (r !== 0) return r;
  const dirOff = c.blocks.read(dirBlk, dirGl.res);
  const ino = dirOff < 0 ? dirOff : dinodeOf(c, dirOff, slot);
  if (ino <= 0) {
    yield* release(c, p, h.dir);
    return ino;
  }
  const r2 = yield* acquire(c, p, h.inode, inodeGlock(c, ino), EX, 0);
  if (r2 !== 0) {
    yield* release(c, p, h.dir);
    return r2;
  }
  return ino;
}

function* opWrite(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const ino = yield* lockInodeEx(c, p, h, slot);
  if (ino <= 0) return ino;
  const gl = inodeGlock(c, ino);
  let r = 0;
  let off = c.blocks.read(ino, gl.res);
  if (off < 0) r = off;
  else if (metaType(c.cache.pool, off) !== MetaType.di) r = EUCLEAN;
  const n = r === 0 ? readBe32(c.cache.pool, off + DINODE_NDATA_OFFSET) : 0;
  if (r === 0 && (n === 0 || (n < FILE_DATA_BLOCKS_MAX && c.platform.random() < 0.5))) {
    // Extend: allocate a data block, log it and the dinode.
    const blk = yield* allocBlock(c, p, h, BlockState.used);
    if (blk >= 0 && !c.isReadOnly()) {
      const rgIndex = rgrpIndexOfData(c.geo, blk);
      c.blocks.create(blk, gl.res, MetaType.jd);
      off = c.blocks.read(ino, gl.res);
      writeBe64(c.cache.pool, off + DINODE_PTR_OFFSET + n * 8, blk);
      writeBe32(c.cache.pool, off + DINODE_NDATA_OFFSET, n + 1);
      c.blocks.modify(ino, off);
      c.trans.markGlockDirty(gl.res);
      addRgrpToTrans(c, c.rgrps[rgIndex] as Rgrp, h.rgrp.gl?.res ?? -1);
    } else if (blk < 0 && blk !== -28) {
      r = blk;
    }
    yield* release(c, p, h.rgrp);
  } else if (r === 0 && !c.isReadOnly()) {
    // Overwrite one data block in place (through the journal).
    const blk = readBe64(c.cache.pool, off + DINODE_PTR_OFFSET + Math.floor(c.platform.random() * n) * 8);
    const doff = c.blocks.read(blk, gl.res);
    if (doff < 0) r = doff;
    else {
      c.blocks.modify(blk, doff);
      c.trans.markGlockDirty(gl.res);
    }
  }
  yield* release(c, p, h.inode);
  yield* release(c, p, h.dir);
  return r;
}

/** Free `blk` (data or dinode) in its rgrp, taking the rgrp EX in h.rgrp; 0 or < 0. */
function* freeBlock(c: FsContext, p: Proc, h: OpHolders, blk: number): Generator<void, number, void> {
  const index = rgrpIndexOfData(c.geo, blk);
  if (index < 0) return EUCLEAN;
  const gl = rgrpGlock(c, index);
  let r = yield* acquire(c, p, h.rgrp, gl, EX, 0);
  if (r !== 0) return r;
  const rg = loadRgrp(c, index);
  if (typeof rg === 'number') r = rg < 0 ? rg : Errno.eio;
  else if (c.isReadOnly()) r = Errno.eio;
  else if (rg.free(blk) !== 0) r = EUCLEAN;
  else {
    // gfs2_meta_wipe: a freed block's logged copies must never be replayed or written back.
    c.trans.drop(blk);
    c.log.forget(blk);
    c.cache.invalidateBlock(blk);
    addRgrpToTrans(c, rg, gl.res);
  }
  yield* release(c, p, h.rgrp);
  return r;
}

function* opTruncate(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const ino = yield* lockInodeEx(c, p, h, slot);
  if (ino <= 0) return ino;
  const gl = inodeGlock(c, ino);
  let r = 0;
  const off = c.blocks.read(ino, gl.res);
  if (off < 0) r = off;
  else if (metaType(c.cache.pool, off) !== MetaType.di) r = EUCLEAN;
  const n = r === 0 ? readBe32(c.cache.pool, off + DINODE_NDATA_OFFSET) : 0;
  if (r === 0 && n > 0) {
    const blk = readBe64(c.cache.pool, off + DINODE_PTR_OFFSET + (n - 1) * 8);
    r = yield* freeBlock(c, p, h, blk);
    if (r === 0) {
      const o = c.blocks.read(ino, gl.res);
      if (o < 0) r = o;
      else {
        writeBe32(c.cache.pool, o + DINODE_NDATA_OFFSET, n - 1);
        c.blocks.modify(ino, o);
        c.trans.markGlockDirty(gl.res);
      }
    }
  }
  yield* release(c, p, h.inode);
  yield* release(c, p, h.dir);
  return r;
}

function* opDelete(c: FsContext, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  let r = yield* acquire(c, p, h.dir, dirGl, EX, 0);
  if (r !== 0) return r;
  const dirOff = c.blocks.read(dirBlk, dirGl.res);
  const ino = dirOff < 0 ? dirOff : dinodeOf(c, dirOff, slot);
  if (ino <= 0) {
    yield* release(c, p, h.dir);
    return ino;
  }
  const gl = inodeGlock(c, ino);
  r = yield* acquire(c, p, h.inode, gl, EX, 0);
  if (r === 0) {
    const off = c.blocks.read(ino, gl.res);
    if (off < 0) r = off;
    else if (metaType(c.cache.pool, off) !== MetaType.di) r = EUCLEAN;
    // Free data blocks last to first, one rgrp glock at a time, then the dinode, then unlink.
    let n = r === 0 ? readBe32(c.cache.pool, off + DINODE_NDATA_OFFSET) : 0;
    while (r === 0 && n > 0) {
      const o = c.blocks.read(ino, gl.res);
      if (o < 0) {
        r = o;
        break;
      }
      const blk = readBe64(c.cache.pool, o + DINODE_PTR_OFFSET + (n - 1) * 8);
      r = yield* freeBlock(c, p, h, blk);
      if (r !== 0) break;
      const o2 = c.blocks.read(ino, gl.res);
      if (o2 < 0) {
        r = o2;
        break;
      }
      n--;
      writeBe32(c.cache.pool, o2 + DINODE_NDATA_OFFSET, n);
      c.blocks.modify(ino, o2);
      c.trans.markGlockDirty(gl.res);
    }
    if (r === 0) {
      const d = c.blocks.read(dirBlk, dirGl.res);
      if (d < 0) r = d;
      else {
        writeBe64(c.cache.pool, d + dirEntryOffset(slot), 0);
        c.blocks.modify(dirBlk, d);
        c.trans.markGlockDirty(dirGl.res);
        r = yield* freeBlock(c, p, h, ino);
      }
    }
    yield* release(c, p, h.inode);
  }
  yield* release(c, p, h.dir);
  return r;
}
