// The node's side of its journal: turns the in-core log (Transaction) into journal commits,
// keeps the per-glock list of logged blocks that go_sync must write back and revoke (the
// kernel's gl_ail_list), and handles a full journal by writing back and pulling the tail.
// Journal I/O errors come back as negative statuses; the node withdraws on them.

import { LogFlag } from '../disk/log-format.js';
import { metaVersion } from '../disk/meta.js';
import { LogBatch, type LogManager } from '../journal/log.js';
import { JournalStatus } from '../journal/types.js';
import { Ev } from '../memory/events.js';
import type { Platform } from '../platform/platform.js';
import type { Rgrp } from '../rgrp/rgrp.js';
import type { BufferCache } from './buffers.js';
import type { Transaction } from './trans.js';

/** Retries of a flush that found the journal full (write back, pull the tail, try again). */
const FLUSH_RETRIES_MAX = 4;

export class NodeLog {
  readonly log: LogManager;
  private readonly trans: Transaction;
  private readonly cache: BufferCache;
  private readonly platform: Platform;
  private readonly rgrps: readonly Rgrp[];
  private readonly batch: LogBatch;
  private readonly blocks: number[] = [];
  private readonly forgotten: number[] = [];
  /** Glock resource index → blocks logged under it since its last sync. */
  private readonly loggedByGlock = new Map<number, Set<number>>();
  private readonly glockOfBlock = new Map<number, number>();
  private readonly syncList: number[] = [];
  /** The first journal error seen; once set the log is dead (the node must withdraw). */
  error = 0;

  constructor(
    log: LogManager,
    trans: Transaction,
    cache: BufferCache,
    platform: Platform,
    rgrps: readonly Rgrp[],
    capacityBlocks: number,
  ) {
    this.log = log;
    this.trans = trans;
    this.cache = cache;
    this.platform = platform;
    this.rgrps = rgrps;
    this.batch = new LogBatch(capacityBlocks);
  }

  /** A block is being freed: its logged copies must be revoked and it must not be logged. */
  forget(blkno: number): void {
    this.forgotten.push(blkno);
    const res = this.glockOfBlock.get(blkno);
    if (res !== undefined) {
      this.glockOfBlock.delete(blkno);
      this.loggedByGlock.get(res)?.delete(blkno);
    }
  }

  /**
   * Commit everything pending (gfs2_log_flush). Returns the number of blocks committed or a
   * negative JournalStatus. On a full journal, writes back and retries.
   */
  flush(flags: number = LogFlag.flushNormal): number {
    if (this.error !== 0) return this.error;
    const n = this.trans.take(this.blocks);
    if (n === 0 && this.forgotten.length === 0 && flags === LogFlag.flushNormal) return 0;
    this.batch.clear();
    for (let i = 0; i < n; i++) {
      const b = this.blocks[i] as number;
      const off = this.cache.lookup(b);
      if (off < 0) throw new Error(`log flush: pending block ${b} is not in the buffer cache`);
      this.batch.add(b, this.cache.pool, off);
    }
    let st: number = this.log.flush(this.batch, this.forgotten, flags);
    for (let i = 0; st === JournalStatus.noSpace && i < FLUSH_RETRIES_MAX; i++) {
      const w = this.log.writeBack(Number.MAX_SAFE_INTEGER);
      if (w < 0) {
        st = w;
        break;
      }
      // A header-only flush records the new tail so the space really comes free.
      const pull = this.log.flush(null, [], LogFlag.flushNormal | LogFlag.ailFlush);
      if (pull < 0 && pull !== JournalStatus.noSpace) {
        st = pull;
        break;
      }
      st = this.log.flush(this.batch, this.forgotten, flags);
    }
    if (st !== JournalStatus.ok) {
      this.trans.restore(this.blocks);
      this.error = st;
      return st;
    }
    this.forgotten.length = 0;
    const ev = this.platform.events;
    for (let i = 0; i < n; i++) {
      const b = this.blocks[i] as number;
      const off = this.cache.lookup(b);
      this.cache.markDirty(b, false);
      const res = this.cache.glockOf(b);
      ev.emit(Ev.versionCommit, b, metaVersion(this.cache.pool, off), res, 0);
      if (res >= 0) {
        this.glockOfBlock.set(b, res);
        let set = this.loggedByGlock.get(res);
        if (set === undefined) {
          set = new Set();
          this.loggedByGlock.set(res, set);
        }
        set.add(b);
      }
    }
    // Freed blocks become allocatable again only after the flush that logged the free.
    for (const rg of this.rgrps) if (rg.loaded) rg.onLogFlush();
    return n;
  }

  /** Has glock `res` anything the journal or the in-core log still holds? */
  glockDirty(res: number): boolean {
    const set = this.loggedByGlock.get(res);
    return (set !== undefined && set.size > 0) || this.trans.dirtyGlocks.has(res);
  }

  /**
   * go_sync for a disk glock (inode_go_sync / rgrp_go_sync): flush the log, write the glock's
   * blocks in place, revoke their logged copies, and flush again so the revokes are on disk
   * before the lock leaves this node. Returns 0 or a negative status.
   */
  syncGlock(res: number, withdrawn = false): number {
    if (!this.glockDirty(res)) return 0;
    if (withdrawn) return this.syncGlockWithdrawn(res);
    let st = this.flush(LogFlag.flushNormal | LogFlag.rgrpGoSync);
    if (st < 0) return st;
    const set = this.loggedByGlock.get(res);
    this.syncList.length = 0;
    if (set !== undefined) for (const b of set) this.syncList.push(b);
    st = this.log.writeBackBlocks(this.syncList);
    if (st < 0) return this.dead(st);
    st = this.log.revoke(this.syncList);
    if (st < 0) return this.dead(st);
    st = this.flush(LogFlag.flushNormal | LogFlag.ailEmptyGl);
    if (st < 0) return st;
    if (set !== undefined) {
      for (const b of set) this.glockOfBlock.delete(b);
      set.clear();
    }
    return 0;
  }

  /**
   * go_sync on a withdrawn node, as v5.7 behaves: gfs2_log_flush returns at once on a withdrawn
   * file system (no error), the in-place writes of what the log already holds still go out, and
   * no revoke can be written. go_sync thus "succeeds": whether the lock may then leave the node
   * is up to the withdraw gates — which is where S6's window lies.
   */
  private syncGlockWithdrawn(res: number): number {
    const set = this.loggedByGlock.get(res);
    if (set === undefined || this.log.mounted === false) return 0;
    this.syncList.length = 0;
    for (const b of set) this.syncList.push(b);
    // Best effort: a dead write path fails these too, and that is not reported either.
    this.log.writeBackBlocks(this.syncList);
    return 0;
  }

  /** Log daemon work: write back up to maxBlocks and record the new tail. Returns blocks written or < 0. */
  writeBack(maxBlocks: number): number {
    if (this.error !== 0) return this.error;
    const w = this.log.writeBack(maxBlocks);
    if (w < 0) return this.dead(w);
    return w;
  }

  /** Clean unmount: flush, write everything back, record the tail, write the UNMOUNT header. */
  unmount(): number {
    let st = this.flush(LogFlag.flushNormal | LogFlag.shutdown);
    if (st < 0) return st;
    st = this.log.writeBack(Number.MAX_SAFE_INTEGER);
    if (st < 0) return this.dead(st);
    st = this.log.unmount();
    if (st < 0) return this.dead(st);
    // Everything is in place and the head says UNMOUNT: nothing can be replayed, so the glocks
    // that still leave this node have nothing to write back or revoke.
    this.loggedByGlock.clear();
    this.glockOfBlock.clear();
    return 0;
  }

  private dead(st: number): number {
    if (this.error === 0) this.error = st;
    return st;
  }
}
