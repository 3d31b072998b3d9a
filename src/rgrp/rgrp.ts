// The in-core resource group of one node (fs/gfs2/rgrp.c: struct gfs2_rgrpd with its rd_bits).
// Valid only while the node holds the rgrp glock EX: the caller loads the header and bitmap
// block images it read (from its buffer cache) with loadBlock/loadDone, allocates and frees,
// then adds the blocks listed by dirtyBlock() to its transaction, copying them out with
// blockImage(). Invalidate on glock release; reload after the next grant.
//
// Rules modelled from the kernel:
// - every bitmap change passes isAllowedTransition; a refused change returns
//   RgrpStatus.inconsistent and changes nothing, and the caller withdraws (gfs2_consist_rgrpd);
// - clone bitmap (bi_clone): a block freed in a transaction is not reallocatable until the
//   log is flushed, because a crash before that flush would replay the old owner's metadata
//   over the new owner's data. onLogFlush() is the caller's signal that the flush is on disk;
// - counts as gfs2_rgrp_verify() checks them: rg_free = FREE bits; rg_dinodes = DINODE +
//   UNLINKED bits (gfs2_unlink_di leaves rd_dinodes alone, gfs2_free_di decrements it).
//
// Version stamps: bumping the version of each dirtied block is the caller's job (it owns the
// version table and the transaction); stampVersion() does it on the in-core image and keeps
// rg_crc right, since the stamp sits inside the 128 bytes the CRC covers.
//
// Hot paths (alloc, free, unlink, stateOf) use only preallocated typed arrays and integer math.

import { MetaType, metaType, readBe32, writeBe32 } from '../disk/meta.js';
import {
  BlockState,
  bitmapBlockOfByte,
  bitmapOffsetOfByte,
  emptyRgrpHeader,
  getBlockState,
  isAllowedTransition,
  isRgrpBitmapHeader,
  isRgrpHeader,
  RgOff,
  readRgrpHeader,
  rgrpHeaderCrcOk,
  setBlockState,
  stampRgrpBlockVersion,
  updateRgrpHeaderCrc,
} from '../disk/rgrp-format.js';
import { Ev } from '../memory/events.js';
import type { EventSink } from '../platform/platform.js';
import type { RgrpGeometry } from './geometry.js';

/** Results of rgrp operations: alloc returns a block number (≥ 0) or one of these. */
export const RgrpStatus = {
  ok: 0,
  /** No block is FREE and reallocatable (some may be waiting for a log flush). */
  full: -1,
  /** The change is not an allowed transition, or counts disagree: the caller withdraws. */
  inconsistent: -2,
  /** A loaded header or bitmap block has a bad magic, type, crc or geometry. */
  corrupt: -3,
  notLoaded: -4,
  /** The block is not a data block of this rgrp. */
  outOfRange: -5,
  /** alloc was asked for a kind other than USED or DINODE. */
  badKind: -6,
} as const;
export type RgrpStatusValue = (typeof RgrpStatus)[keyof typeof RgrpStatus];

export class Rgrp {
  readonly index: number;
  readonly addr: number;
  /** Header + bitmap blocks. */
  readonly length: number;
  readonly data0: number;
  readonly data: number;
  readonly bitbytes: number;
  readonly blockSize: number;
  private readonly events: EventSink | null;
  /** length × blockSize bytes: block i of the rgrp at image[i * blockSize]. */
  private readonly image: Uint8Array;
  private readonly views: Uint8Array[];
  /** Allocation map (the kernel's bi_clone): a non-FREE pair here means "do not allocate". */
  private readonly clone: Uint8Array;
  /** Data offsets freed since the last log flush; at most `data` (a pending block cannot be re-freed). */
  private readonly pending: Uint32Array;
  private pendingN = 0;
  private readonly dirtyFlag: Uint8Array;
  private readonly dirtyList: Uint32Array;
  private dirtyN = 0;
  private freeN = 0;
  private dinodeN = 0;
  private isLoaded = false;

  constructor(geo: RgrpGeometry, index: number, events: EventSink | null = null) {
    if (!Number.isInteger(index) || index < 0 || index >= geo.count) {
      throw new RangeError(`rgrp index must be in [0, ${geo.count}), received ${index}`);
    }
    this.index = index;
    this.addr = geo.addr[index] as number;
    this.length = geo.length[index] as number;
    this.data0 = geo.data0[index] as number;
    this.data = geo.data[index] as number;
    this.bitbytes = geo.bitbytes[index] as number;
    this.blockSize = geo.blockSize;
    this.events = events;
    this.image = new Uint8Array(this.length * this.blockSize);
    this.views = [];
    for (let i = 0; i < this.length; i++) {
      this.views.push(this.image.subarray(i * this.blockSize, (i + 1) * this.blockSize));
    }
    this.clone = new Uint8Array(this.bitbytes);
    this.pending = new Uint32Array(this.data);
    this.dirtyFlag = new Uint8Array(this.length);
    this.dirtyList = new Uint32Array(this.length);
  }

  get loaded(): boolean {
    return this.isLoaded;
  }
  /** rg_free as held in core (and in the header image). */
  get freeCount(): number {
    return this.freeN;
  }
  /** rg_dinodes as held in core: DINODE plus UNLINKED blocks. */
  get dinodeCount(): number {
    return this.dinodeN;
  }
  /** Blocks freed since the last log flush, not yet reallocatable. */
  get pendingFreeCount(): number {
    return this.pendingN;
  }
  get dirtyCount(): number {
    return this.dirtyN;
  }
  /** Block number of the j-th dirtied header/bitmap block, j < dirtyCount. */
  dirtyBlock(j: number): number {
    return j >= 0 && j < this.dirtyN ? this.addr + (this.dirtyList[j] as number) : -1;
  }
  /** Forget the dirty list once the caller has added those blocks to its transaction. */
  clearDirty(): void {
    for (let j = 0; j < this.dirtyN; j++) this.dirtyFlag[this.dirtyList[j] as number] = 0;
    this.dirtyN = 0;
  }

  /** The in-core image of block i of the rgrp (0 = header); a view, valid until the next change. */
  blockImage(i: number): Uint8Array {
    const v = this.views[i];
    if (v === undefined) throw new RangeError(`block index must be in [0, ${this.length}), received ${i}`);
    return v;
  }

  /** Stamp `version` into block i's meta header pad (and refresh rg_crc for the header). */
  stampVersion(i: number, version: number): void {
    stampRgrpBlockVersion(this.blockImage(i), 0, i, version);
  }

  /** Copy block image i (read by the caller) into core. Call for every i < length, then loadDone. */
  loadBlock(i: number, src: Uint8Array, srcOff: number): void {
    if (i < 0 || i >= this.length) throw new RangeError(`block index must be in [0, ${this.length}), received ${i}`);
    this.isLoaded = false;
    // One view object per block per load (a glock grant), never per allocation or free.
    this.image.set(src.subarray(srcOff, srcOff + this.blockSize), i * this.blockSize);
  }

  /**
   * Validate the loaded images (magic, types, rg_crc, geometry fields) and take the counts from
   * the header, as gfs2_rgrp_in does. Returns RgrpStatus.ok or corrupt (stays unloaded).
   */
  loadDone(): RgrpStatusValue {
    this.resetTransient();
    const img = this.image;
    if (!isRgrpHeader(img, 0) || !rgrpHeaderCrcOk(img, 0)) return RgrpStatus.corrupt;
    const h = readRgrpHeader(img, 0, emptyRgrpHeader());
    if (h.data0 !== this.data0 || h.data !== this.data || h.bitbytes !== this.bitbytes) return RgrpStatus.corrupt;
    if (h.free > this.data || h.dinodes > this.data - h.free) return RgrpStatus.corrupt;
    for (let i = 1; i < this.length; i++) {
      if (!isRgrpBitmapHeader(img, i * this.blockSize)) return RgrpStatus.corrupt;
    }
    for (let byte = 0; byte < this.bitbytes; byte++) this.clone[byte] = img[this.byteAt(byte)] as number;
    this.freeN = h.free;
    this.dinodeN = h.dinodes;
    this.isLoaded = true;
    return RgrpStatus.ok;
  }

  /** Convenience form of loadBlock × length + loadDone for one image per block (cold paths). */
  load(blocks: readonly Uint8Array[]): RgrpStatusValue {
    if (blocks.length !== this.length) return RgrpStatus.corrupt;
    for (let i = 0; i < this.length; i++) this.loadBlock(i, blocks[i] as Uint8Array, 0);
    return this.loadDone();
  }

  /** Drop the in-core state (the glock went away); the next user must load again. */
  invalidate(): void {
    this.resetTransient();
  }

  /** Bitmap state of data block blkno, or RgrpStatus.outOfRange / notLoaded. */
  stateOf(blkno: number): number {
    if (!this.isLoaded) return RgrpStatus.notLoaded;
    const k = blkno - this.data0;
    if (!(k >= 0 && k < this.data && Number.isInteger(k))) return RgrpStatus.outOfRange;
    return this.realState(k);
  }

  /**
   * Allocate one block of `kind` (BlockState.used or .dinode), searching forward from data
   * offset goalOffset and wrapping (rgrp.c gfs2_rbm_find). Returns the block number, or
   * RgrpStatus.full / notLoaded / badKind / inconsistent.
   */
  alloc(kind: number, goalOffset: number): number {
    if (!this.isLoaded) return RgrpStatus.notLoaded;
    if (kind !== BlockState.used && kind !== BlockState.dinode) return RgrpStatus.badKind;
    if (this.freeN === 0) return RgrpStatus.full;
    const goal = goalOffset >= 0 && goalOffset < this.data ? Math.floor(goalOffset) : 0;
    const k = this.findAllocatable(goal);
    if (k < 0) return RgrpStatus.full;
    const old = this.realState(k);
    // The clone is a superset of the real bitmap, so old is FREE unless core is corrupt.
    if (!isAllowedTransition(old, kind)) return RgrpStatus.inconsistent;
    this.setRealState(k, kind);
    setBlockState(this.clone, 0, k, kind);
    this.freeN--;
    if (kind === BlockState.dinode) this.dinodeN++;
    this.afterChange(k, old, kind);
    return this.data0 + k;
  }

  /** Free a USED, UNLINKED or DINODE block (rgblk_free + gfs2_free_di / gfs2_free_meta). */
  free(blkno: number): RgrpStatusValue {
    if (!this.isLoaded) return RgrpStatus.notLoaded;
    const k = blkno - this.data0;
    if (!(k >= 0 && k < this.data && Number.isInteger(k))) return RgrpStatus.outOfRange;
    const old = this.realState(k);
    if (!isAllowedTransition(old, BlockState.free)) return RgrpStatus.inconsistent;
    this.setRealState(k, BlockState.free);
    // The clone keeps the old state until onLogFlush; record the block so the flush can release it.
    if (this.pendingN < this.pending.length) this.pending[this.pendingN++] = k;
    this.freeN++;
    if (old === BlockState.dinode || old === BlockState.unlinked) this.dinodeN--;
    this.afterChange(k, old, BlockState.free);
    return RgrpStatus.ok;
  }

  /** Mark a DINODE block UNLINKED (gfs2_unlink_di); the counts do not change. */
  unlink(blkno: number): RgrpStatusValue {
    if (!this.isLoaded) return RgrpStatus.notLoaded;
    const k = blkno - this.data0;
    if (!(k >= 0 && k < this.data && Number.isInteger(k))) return RgrpStatus.outOfRange;
    const old = this.realState(k);
    if (!isAllowedTransition(old, BlockState.unlinked)) return RgrpStatus.inconsistent;
    this.setRealState(k, BlockState.unlinked);
    this.afterChange(k, old, BlockState.unlinked);
    return RgrpStatus.ok;
  }

  /** The log flush that carried this node's frees is on disk: freed blocks become allocatable. */
  onLogFlush(): void {
    for (let j = 0; j < this.pendingN; j++) {
      const k = this.pending[j] as number;
      setBlockState(this.clone, 0, k, this.realState(k));
    }
    this.pendingN = 0;
  }

  /**
   * gfs2_rgrp_verify: count the bitmap and compare with rg_free and rg_dinodes (DINODE +
   * UNLINKED). O(data); for assertions, not hot paths.
   */
  verifyCounts(): RgrpStatusValue {
    if (!this.isLoaded) return RgrpStatus.notLoaded;
    let free = 0;
    let dinodes = 0;
    for (let k = 0; k < this.data; k++) {
      const s = this.realState(k);
      if (s === BlockState.free) free++;
      else if (s === BlockState.dinode || s === BlockState.unlinked) dinodes++;
    }
    const img = this.image;
    const ok =
      free === this.freeN &&
      dinodes === this.dinodeN &&
      readBe32(img, RgOff.free) === free &&
      readBe32(img, RgOff.dinodes) === dinodes &&
      metaType(img, 0) === MetaType.rg;
    return ok ? RgrpStatus.ok : RgrpStatus.inconsistent;
  }

  // ---- internals ----------------------------------------------------------------------------

  private resetTransient(): void {
    this.isLoaded = false;
    this.pendingN = 0;
    this.clearDirty();
  }

  /** Offset in `image` of bitmap byte `byte`. */
  private byteAt(byte: number): number {
    const bs = this.blockSize;
    return bitmapBlockOfByte(byte, bs) * bs + bitmapOffsetOfByte(byte, bs);
  }

  private realState(k: number): number {
    return getBlockState(this.image, this.byteAt(k >>> 2), k & 3);
  }

  private setRealState(k: number, state: number): void {
    setBlockState(this.image, this.byteAt(k >>> 2), k & 3, state);
  }

  /** First data offset ≥ goal (wrapping) whose clone pair is FREE, or -1. Visits each byte once. */
  private findAllocatable(goal: number): number {
    const clone = this.clone;
    const nBytes = this.bitbytes;
    const goalByte = goal >>> 2;
    // nBytes + 1 visits: the goal byte is revisited last for the pairs below the goal.
    for (let step = 0; step <= nBytes; step++) {
      let byte = goalByte + step;
      if (byte >= nBytes) byte -= nBytes;
      const b = clone[byte] as number;
      // Some pair is 00 iff, after folding each pair's high bit onto its low bit, a low bit is 0.
      if (((b | (b >>> 1)) & 0x55) === 0x55) continue;
      for (let p = 0; p < 4; p++) {
        const k = byte * 4 + p;
        if (k >= this.data) break;
        if (step === 0 && k < goal) continue;
        if (step === nBytes && k >= goal) break;
        if (((b >>> (p << 1)) & 3) === 0) return k;
      }
    }
    return -1;
  }

  private afterChange(k: number, old: number, next: number): void {
    const img = this.image;
    writeBe32(img, RgOff.free, this.freeN);
    writeBe32(img, RgOff.dinodes, this.dinodeN);
    updateRgrpHeaderCrc(img, 0);
    this.markDirty(0);
    this.markDirty(bitmapBlockOfByte(k >>> 2, this.blockSize));
    this.events?.emit(Ev.bitmap, this.data0 + k, old, next, 0);
  }

  private markDirty(i: number): void {
    if (this.dirtyFlag[i] === 1) return;
    this.dirtyFlag[i] = 1;
    this.dirtyList[this.dirtyN++] = i;
  }
}
