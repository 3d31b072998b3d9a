// Acquire and release glocks from a process, with the holder objects preallocated per process
// (like gfs2_holder on the caller's stack), and load an rgrp's bitmaps under its glock.

import { GlockType, LmState } from '../dlm/api.js';
import type { Glock } from '../glock/glock.js';
import { type Holder, holderInit } from '../glock/holder.js';
import { IoStatus } from '../platform/platform.js';
import { RgrpStatus } from '../rgrp/rgrp.js';
import type { Rgrp } from '../rgrp/rgrp.js';
import type { Proc } from './proc.js';
import type { FsContext } from './fs-context.js';

/** gfs2_glock_nq_init + wait: 0 when granted, else GLR_TRYFAILED or a negative errno. */
export function* acquire(c: FsContext, p: Proc, h: Holder, gl: Glock, state: number, flags: number): Generator<void, number, void> {
  holderInit(h, gl, state, flags);
  const r = c.glocks.nq(p, h);
  if (r === 1) return yield* c.glocks.wait(p, h);
  return r;
}

/** gfs2_glock_dq (waits at the withdraw gate when the protocol says so). */
export function* release(c: FsContext, p: Proc, h: Holder): Generator<void, void, void> {
  if (!h.granted) return;
  if (c.glocks.dq(p, h) === 1) yield* c.glocks.dqWait(p, h);
}

export function inodeGlock(c: FsContext, blkno: number): Glock {
  return c.glocks.get(GlockType.inode, blkno);
}

export function rgrpGlock(c: FsContext, index: number): Glock {
  return c.glocks.get(GlockType.rgrp, c.geo.addr[index] as number);
}

/** The in-core rgrp, loaded from disk if needed (gfs2_rgrp_go_lock). Caller holds its glock. */
export function loadRgrp(c: FsContext, index: number): Rgrp | number {
  const rg = c.rgrps[index] as Rgrp;
  if (rg.loaded) return rg;
  for (let i = 0; i < rg.length; i++) {
    const st = c.platform.io.read(c.node, rg.addr + i, c.scratch, 0);
    if (st !== IoStatus.ok) return st;
    rg.loadBlock(i, c.scratch, 0);
  }
  const st = rg.loadDone();
  if (st !== RgrpStatus.ok) return st;
  return rg;
}

/** Copy an rgrp's dirtied header/bitmap blocks into the buffer cache and the transaction. */
export function addRgrpToTrans(c: FsContext, rg: Rgrp, res: number): void {
  const bs = c.cache.blockSize;
  for (let j = 0; j < rg.dirtyCount; j++) {
    const blk = rg.dirtyBlock(j);
    const i = blk - rg.addr;
    // Stamp in core first: for the header the stamp is inside the bytes rg_crc covers.
    rg.stampVersion(i, c.blocks.newVersion());
    const off = c.cache.insert(blk, res);
    c.cache.pool.set(rg.blockImage(i).subarray(0, bs), off);
    c.trans.add(blk);
  }
  rg.clearDirty();
}

export const SH = LmState.sh;
export const EX = LmState.ex;
