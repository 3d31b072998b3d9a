// Where every resource group sits on the shared disk: header block, bitmap (RB) blocks, data
// blocks. Computed once from the validated config (or from a real rindex) into plain typed
// arrays, so lookups on hot paths (block → rgrp) are integer math and a bounded binary search
// with no allocation. An rgrp occupies [addr, addr+length) for header+bitmaps, then
// [data0, data0+data) for data; data0 = addr + length exactly as mkfs.gfs2 lays it out.

import { limits } from '../config/limits.js';
import { bitbytesFor, type RindexEntry, rgrpLengthFor } from '../disk/rgrp-format.js';

export interface RgrpGeometry {
  readonly blockSize: number;
  /** Number of resource groups. */
  readonly count: number;
  /** First block of the first rgrp (its header). */
  readonly firstBlock: number;
  /** One past the last data block of the last rgrp. */
  readonly endBlock: number;
  /** Blocks owned by rgrps (headers, bitmaps, data), excluding any gaps between them. */
  readonly totalBlocks: number;
  /** Header block of each rgrp (ri_addr), ascending. */
  readonly addr: Float64Array;
  /** Header + bitmap blocks of each rgrp (ri_length). */
  readonly length: Uint32Array;
  /** First data block of each rgrp (ri_data0). */
  readonly data0: Float64Array;
  /** Data blocks of each rgrp (ri_data). */
  readonly data: Uint32Array;
  /** Bitmap bytes of each rgrp (ri_bitbytes). */
  readonly bitbytes: Uint32Array;
}

function checkBlockSize(blockSize: number): void {
  if (
    !Number.isInteger(blockSize) ||
    blockSize < limits.blockSizeMin ||
    blockSize > limits.blockSizeMax ||
    (blockSize & (blockSize - 1)) !== 0
  ) {
    throw new RangeError(
      `blockSize must be a power of two in [${limits.blockSizeMin}, ${limits.blockSizeMax}], received ${blockSize}`,
    );
  }
}

/**
 * Lay out `rgrps` equal resource groups back to back from `firstBlock`, each with
 * `rgrpDataBlocks` data blocks and as many bitmap blocks as those need.
 */
export function computeRgrpGeometry(
  firstBlock: number,
  rgrps: number,
  rgrpDataBlocks: number,
  blockSize: number,
): RgrpGeometry {
  checkBlockSize(blockSize);
  if (!Number.isSafeInteger(firstBlock) || firstBlock < 0) {
    throw new RangeError(`firstBlock must be a non-negative integer, received ${firstBlock}`);
  }
  if (!Number.isInteger(rgrps) || rgrps < 1 || rgrps > limits.rgrpsMax) {
    throw new RangeError(`rgrps must be an integer in [1, ${limits.rgrpsMax}], received ${rgrps}`);
  }
  if (!Number.isInteger(rgrpDataBlocks) || rgrpDataBlocks < 1 || rgrpDataBlocks > limits.rgrpDataBlocksMax) {
    throw new RangeError(
      `rgrpDataBlocks must be an integer in [1, ${limits.rgrpDataBlocksMax}], received ${rgrpDataBlocks}`,
    );
  }
  const bitbytes = bitbytesFor(rgrpDataBlocks);
  const length = rgrpLengthFor(bitbytes, blockSize);
  const addr = new Float64Array(rgrps);
  const lengthArr = new Uint32Array(rgrps).fill(length);
  const data0 = new Float64Array(rgrps);
  const data = new Uint32Array(rgrps).fill(rgrpDataBlocks);
  const bitbytesArr = new Uint32Array(rgrps).fill(bitbytes);
  let next = firstBlock;
  for (let i = 0; i < rgrps; i++) {
    addr[i] = next;
    data0[i] = next + length;
    next += length + rgrpDataBlocks;
  }
  return {
    blockSize,
    count: rgrps,
    firstBlock,
    endBlock: next,
    totalBlocks: next - firstBlock,
    addr,
    length: lengthArr,
    data0,
    data,
    bitbytes: bitbytesArr,
  };
}

/**
 * Geometry from rindex entries (e.g. decoded from a real mkfs.gfs2 image). Entries must be in
 * ascending order, non-overlapping, with data0 = addr + length and a bitmap large enough.
 */
export function geometryFromRindex(entries: readonly RindexEntry[], blockSize: number): RgrpGeometry {
  checkBlockSize(blockSize);
  const n = entries.length;
  if (n < 1 || n > limits.rgrpsMax)
    throw new RangeError(`rindex must have 1..${limits.rgrpsMax} entries, received ${n}`);
  const addr = new Float64Array(n);
  const length = new Uint32Array(n);
  const data0 = new Float64Array(n);
  const data = new Uint32Array(n);
  const bitbytes = new Uint32Array(n);
  let prevEnd = -1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i] as RindexEntry;
    if (e.addr < prevEnd)
      throw new RangeError(`rindex entry ${i} at ${e.addr} overlaps the previous rgrp (ends ${prevEnd})`);
    if (e.data0 !== e.addr + e.length) throw new RangeError(`rindex entry ${i}: data0 ${e.data0} != addr + length`);
    if (e.bitbytes < bitbytesFor(e.data) || rgrpLengthFor(e.bitbytes, blockSize) > e.length) {
      throw new RangeError(`rindex entry ${i}: ${e.length} blocks / ${e.bitbytes} bytes cannot map ${e.data} blocks`);
    }
    addr[i] = e.addr;
    length[i] = e.length;
    data0[i] = e.data0;
    data[i] = e.data;
    bitbytes[i] = e.bitbytes;
    prevEnd = e.data0 + e.data;
    total += e.length + e.data;
  }
  const first = addr[0] as number;
  return {
    blockSize,
    count: n,
    firstBlock: first,
    endBlock: prevEnd,
    totalBlocks: total,
    addr,
    length,
    data0,
    data,
    bitbytes,
  };
}

/** The rindex entry of rgrp i (cold path: mkfs, tests). */
export function rindexEntryOf(geo: RgrpGeometry, i: number): RindexEntry {
  return {
    addr: geo.addr[i] as number,
    length: geo.length[i] as number,
    data0: geo.data0[i] as number,
    data: geo.data[i] as number,
    bitbytes: geo.bitbytes[i] as number,
  };
}

/** rg_skip as mkfs.gfs2 writes it: blocks from this header to the next one; 0 for the last. */
export function rgrpSkip(geo: RgrpGeometry, i: number): number {
  if (i + 1 >= geo.count) return 0;
  return (geo.addr[i + 1] as number) - (geo.addr[i] as number);
}

/**
 * Index of the rgrp whose span [addr, data0 + data) contains blkno, or -1. Binary search over
 * the ascending headers: at most log2(rgrpsMax) + 1 = 9 iterations.
 */
export function rgrpIndexOfBlock(geo: RgrpGeometry, blkno: number): number {
  const addr = geo.addr;
  let lo = 0;
  let hi = geo.count - 1;
  if (geo.count === 0 || blkno < (addr[0] as number)) return -1;
  // Invariant: addr[lo] <= blkno; find the last header at or before blkno.
  for (let iter = 0; iter < 32 && lo < hi; iter++) {
    const mid = (lo + hi + 1) >>> 1;
    if ((addr[mid] as number) <= blkno) lo = mid;
    else hi = mid - 1;
  }
  return blkno < (geo.data0[lo] as number) + (geo.data[lo] as number) ? lo : -1;
}

/** Index of the rgrp for which blkno is a data block, or -1 (header, bitmap, or outside). */
export function rgrpIndexOfData(geo: RgrpGeometry, blkno: number): number {
  const i = rgrpIndexOfBlock(geo, blkno);
  if (i < 0 || blkno < (geo.data0[i] as number)) return -1;
  return i;
}

/** Whether blkno is a header or bitmap block of some rgrp. */
export function isRgrpMetaBlock(geo: RgrpGeometry, blkno: number): boolean {
  const i = rgrpIndexOfBlock(geo, blkno);
  return i >= 0 && blkno < (geo.data0[i] as number);
}
