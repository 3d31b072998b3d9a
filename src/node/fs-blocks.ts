// A node's access to metadata blocks through its buffer cache: read under a held glock, create
// a new block, and modify a block inside the current transaction (which bumps its version
// stamp). The node must hold the covering glock; this layer trusts its caller for that, and
// the checker verifies it from the events.

import { metaVersion, setMetaVersion, writeMetaHeader } from '../disk/meta.js';
import { Ev } from '../memory/events.js';
import { IoStatus, type Platform } from '../platform/platform.js';
import type { BufferCache } from './buffers.js';
import type { Transaction } from './trans.js';

export class FsBlocks {
  private readonly node: number;
  private readonly platform: Platform;
  readonly cache: BufferCache;
  private readonly trans: Transaction;
  private readonly nextVersion: () => number;
  readonly blockSize: number;
  reads = 0;
  private readonly withdrawn: () => boolean;

  constructor(
    node: number,
    platform: Platform,
    cache: BufferCache,
    trans: Transaction,
    nextVersion: () => number,
    withdrawn: () => boolean,
  ) {
    this.withdrawn = withdrawn;
    this.node = node;
    this.platform = platform;
    this.cache = cache;
    this.trans = trans;
    this.nextVersion = nextVersion;
    this.blockSize = cache.blockSize;
  }

  /** Pool offset of `blkno`'s image, reading it from disk if not cached; negative on I/O error. */
  read(blkno: number, res: number): number {
    // Gate (e), gfs2_meta_read: a withdrawn node reads no metadata (its own journal is read
    // through the journal code, not here).
    if (this.withdrawn()) return IoStatus.eio;
    const have = this.cache.lookup(blkno);
    if (have >= 0) return have;
    const off = this.cache.insert(blkno, res);
    const st = this.platform.io.read(this.node, blkno, this.cache.pool, off);
    if (st !== IoStatus.ok) {
      this.cache.invalidateBlock(blkno);
      return st;
    }
    this.reads++;
    this.platform.events.emit(Ev.readBlock, blkno, metaVersion(this.cache.pool, off), res, 0);
    return off;
  }

  /** A fresh block image (gfs2_meta_new): zeroed, with a meta header of `type`; added to the transaction. */
  create(blkno: number, res: number, type: number): number {
    const off = this.cache.insert(blkno, res);
    this.cache.pool.fill(0, off, off + this.blockSize);
    writeMetaHeader(this.cache.pool, off, type, 0, this.node);
    this.modify(blkno, off);
    return off;
  }

  /** Add a cached block to the transaction with a new version stamp (gfs2_trans_add_meta). */
  modify(blkno: number, off: number): void {
    setMetaVersion(this.cache.pool, off, this.nextVersion());
    this.trans.add(blkno);
  }

  /** A new cluster-wide version for a block about to be modified. */
  newVersion(): number {
    return this.nextVersion();
  }
}
