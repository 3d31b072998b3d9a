// Building blocks of scenario scripts: the file operations the random workload uses, with a
// chosen slot, plus sleeps, explicit log flushes, write-back, and holding an rgrp glock across
// a step (what S2's second process does).

import { dirBlockOf, dirEntryOffset } from '../disk/fs-layout.js';
import { readBe64 } from '../disk/meta.js';
import { BlockState } from '../disk/rgrp-format.js';
import { Holder } from '../glock/holder.js';
import { doOp, type OpHolders } from '../node/file-ops.js';
import type { NodeCore } from '../node/node-core.js';
import { acquire, addRgrpToTrans, EX, inodeGlock, loadRgrp, release, rgrpGlock, SH } from '../node/op-locks.js';
import type { Proc } from '../node/proc.js';
import { Op } from '../node/workload-mix.js';

export function holdersFor(p: Proc): OpHolders {
  return {
    dir: new Holder(`${p.name} dir`),
    inode: new Holder(`${p.name} inode`),
    rgrp: new Holder(`${p.name} rgrp`),
    fresh: new Holder(`${p.name} new`),
  };
}

/** Sleep until virtual/real time `ms` (no-op if already past). */
export function* until(n: NodeCore, p: Proc, ms: number): Generator<void, void, void> {
  const dt = ms * 1e6 - n.platform.nowNs();
  if (dt > 0) yield* n.sleep(p, dt);
}

export function* op(
  n: NodeCore,
  p: Proc,
  h: OpHolders,
  kind: keyof typeof Op,
  slot: number,
): Generator<void, number, void> {
  if (n.readOnly) return -30;
  return yield* doOp(n.ctx, p, h, Op[kind], slot);
}

/**
 * Modify a file's dinode under its inode glock (EX) without allocating: a transaction that
 * needs no rgrp. Returns 0 or < 0.
 */
export function* touchInode(n: NodeCore, p: Proc, h: OpHolders, slot: number): Generator<void, number, void> {
  const c = n.ctx;
  const dirBlk = dirBlockOf(c.fs, slot);
  const dirGl = inodeGlock(c, dirBlk);
  let r = yield* acquire(c, p, h.dir, dirGl, SH, 0);
  if (r === 0) {
    const d = c.blocks.read(dirBlk, dirGl.res);
    const ino = d < 0 ? 0 : readBe64(c.cache.pool, d + dirEntryOffset(slot));
    if (ino > 0) {
      const gl = inodeGlock(c, ino);
      r = yield* acquire(c, p, h.inode, gl, EX, 0);
      const off = r === 0 && !n.readOnly ? c.blocks.read(ino, gl.res) : -1;
      if (off >= 0) c.blocks.modify(ino, off);
      yield* release(c, p, h.inode);
    }
  }
  yield* release(c, p, h.dir);
  return r;
}

/** Commit the in-core log now (gfs2_log_flush); a failed journal write withdraws this process. */
export function* flush(n: NodeCore, p: Proc): Generator<void, number, void> {
  const st = n.journal.flush();
  if (st < 0) yield* n.withdraw(p, st);
  else yield* n.ioWait(p);
  return st;
}

/** Write every logged block in place (the log daemon's AIL flush). */
export function* writeBackAll(n: NodeCore, p: Proc): Generator<void, void, void> {
  const st = n.journal.writeBack(Number.MAX_SAFE_INTEGER);
  if (st < 0) yield* n.withdraw(p, st);
  else yield* n.ioWait(p);
}

/**
 * Take rgrp `index` EX, allocate one block in it and commit: the rgrp's header and bitmap are
 * now logged in our journal. The holder stays granted (the caller releases it later).
 */
export function* holdRgrpAfterAlloc(n: NodeCore, p: Proc, h: Holder, index: number): Generator<void, number, void> {
  const gl = rgrpGlock(n.ctx, index);
  const r = yield* acquire(n.ctx, p, h, gl, EX, 0);
  if (r !== 0) return r;
  const rg = loadRgrp(n.ctx, index);
  if (typeof rg === 'number') return rg;
  const blk = rg.alloc(BlockState.used, 0);
  if (blk < 0) return blk;
  addRgrpToTrans(n.ctx, rg, gl.res);
  return yield* flush(n, p);
}

/** The next step of a process that holds glocks: gfs2_trans_begin fails once the fs is read-only. */
export function* nextStepOrWithdraw(n: NodeCore, p: Proc): Generator<void, boolean, void> {
  if (!n.readOnly) return true;
  yield* n.withdraw(p, -30);
  return false;
}

export { release };
