// Acquire and release glocks from a process, with the holder objects preallocated per process
// (like gfs2_holder on the caller's stack), and load an rgrp's bitmaps under its glock.

import { GlockType, LmState } from '../dlm/api.js';
import type { Glock } from '../glock/glock.js';
import { type Holder, holderInit } from '../glock/holder.js';
import { IoStatus } from '../platform/platform.js';
import type { Rgrp } from '../rgrp/rgrp.js';
import { RgrpStatus } from '../rgrp/rgrp.js';
import type { FsContext } from './fs-context.js';
import type { Proc } from './proc.js';

/** gfs2_glock_nq_init + wait: 0 when granted, else GLR_TRYFAILED or a negative errno. */
export function* acquire(
  c: FsContext,
  p: Proc,
  h: Holder,
  gl: Glock,
  state: number,
  flags: number,
): Generator<void, number, void> {
  const r = acquireStart(c, p, h, gl, state, flags);
  if (r === 1) return yield* c.glocks.wait(p, h);
  return r;
}

/**
 * acquire() without the generator, for the workload's hot paths where a grant rarely waits:
 * 1 means "queued: the caller must `yield* c.glocks.wait(p, h)`", else acquire()'s result.
 */
export function acquireStart(c: FsContext, p: Proc, h: Holder, gl: Glock, state: number, flags: number): number {
  holderInit(h, gl, state, flags);
  return c.glocks.nq(p, h);
}

/** gfs2_glock_dq (waits at the withdraw gate when the protocol says so). */
export function* release(c: FsContext, p: Proc, h: Holder): Generator<void, void, void> {
  if (!h.granted) return;
  if (c.glocks.dq(p, h) === 1) yield* c.glocks.dqWait(p, h);
}

/**
 * release() of four holders in this order, as one generator: the end of every operation, where
 * most holders are not held and a dq almost never waits, so four generator objects per
 * operation were mostly allocated for nothing (the sim's hottest allocation site).
 */
export function* releaseAll(
  c: FsContext,
  p: Proc,
  h1: Holder,
  h2: Holder,
  h3: Holder,
  h4: Holder,
): Generator<void, void, void> {
  if (h1.granted && c.glocks.dq(p, h1) === 1) yield* c.glocks.dqWait(p, h1);
  if (h2.granted && c.glocks.dq(p, h2) === 1) yield* c.glocks.dqWait(p, h2);
  if (h3.granted && c.glocks.dq(p, h3) === 1) yield* c.glocks.dqWait(p, h3);
  if (h4.granted && c.glocks.dq(p, h4) === 1) yield* c.glocks.dqWait(p, h4);
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
