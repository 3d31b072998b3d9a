// On-disk format of GFS2 resource groups (include/uapi/linux/gfs2_ondisk.h: struct gfs2_rgrp,
// struct gfs2_rindex; fs/gfs2/rgrp.c for the bitmap rules). Reference §6.
//
// Layout checked against gfs2-utils 3.5 (mkfs.gfs2 / gfs2_edit, see test/rgrp/format.test.ts):
//   rgrp header block: meta header (type RG 2, format 200), fields below, rg_crc @64 = zlib
//   CRC-32 of the 128 header bytes with rg_crc zeroed, 60 reserved bytes, then bitmap bytes
//   from offset 128 to the end of the block;
//   bitmap blocks (type RB 3, format 300): meta header, then bitmap bytes from offset 24.
// The version stamp lives in the meta header pad (src/disk/meta.ts); that pad is inside the
// 128 bytes rg_crc covers, so stamping a header block requires recomputing rg_crc.

import { crc32Raw } from './crc.js';
import {
  META_HEADER_BYTES,
  MetaType,
  metaFormat,
  metaMagicOk,
  metaType,
  readBe32,
  readBe64,
  setMetaVersion,
  writeBe32,
  writeBe64,
  writeMetaHeader,
} from './meta.js';

export const RGRP_HEADER_BYTES = 128;
export const RB_HEADER_BYTES = META_HEADER_BYTES;
export const RINDEX_ENTRY_BYTES = 96;

/** Byte offsets of struct gfs2_rgrp fields from the start of the header block. */
export const RgOff = {
  flags: 24,
  free: 28,
  dinodes: 32,
  skip: 36,
  igeneration: 40,
  data0: 48,
  data: 56,
  bitbytes: 60,
  crc: 64,
  reserved: 68,
} as const;

/** Byte offsets of struct gfs2_rindex fields. The pad @12 and reserved @32 are ignored on read. */
export const RiOff = { addr: 0, length: 8, data0: 16, data: 24, bitbytes: 28, reserved: 32 } as const;

/** Two-bit block states (GFS2_BLKST_*). */
export const BlockState = { free: 0, used: 1, unlinked: 2, dinode: 3 } as const;
export type BlockStateValue = (typeof BlockState)[keyof typeof BlockState];

/** Bitmap bits per data block, and data blocks per bitmap byte (GFS2_BIT_SIZE, GFS2_NBBY). */
export const BLOCKS_PER_BITMAP_BYTE = 4;

export interface RgrpHeader {
  flags: number;
  free: number;
  dinodes: number;
  skip: number;
  igeneration: number;
  data0: number;
  data: number;
  bitbytes: number;
  crc: number;
}

export interface RindexEntry {
  addr: number;
  /** Header block plus bitmap blocks. */
  length: number;
  data0: number;
  data: number;
  bitbytes: number;
}

/** Returns a zeroed header record; cold path (tests, checker), hot paths reuse one. */
export function emptyRgrpHeader(): RgrpHeader {
  return { flags: 0, free: 0, dinodes: 0, skip: 0, igeneration: 0, data0: 0, data: 0, bitbytes: 0, crc: 0 };
}

// Four zero bytes stand in for rg_crc while the checksum is computed in place, so the caller's
// block is never modified by a read-only check.
const ZERO4 = new Uint8Array(4);

/** zlib CRC-32 of the 128-byte header at b[off] with the rg_crc field taken as zero. */
export function rgrpHeaderCrc(b: Uint8Array, off: number): number {
  let c = crc32Raw(0xffffffff, b, off, off + RgOff.crc);
  c = crc32Raw(c, ZERO4, 0, 4);
  c = crc32Raw(c, b, off + RgOff.crc + 4, off + RGRP_HEADER_BYTES);
  return (c ^ 0xffffffff) >>> 0;
}

/** Recompute and store rg_crc after any change to the 128 header bytes (fields or version). */
export function updateRgrpHeaderCrc(b: Uint8Array, off: number): number {
  const c = rgrpHeaderCrc(b, off);
  writeBe32(b, off + RgOff.crc, c);
  return c;
}

export function rgrpHeaderCrcOk(b: Uint8Array, off: number): boolean {
  return readBe32(b, off + RgOff.crc) === rgrpHeaderCrc(b, off);
}

/** True when b[off] carries the GFS2 magic, type RG and format 200. */
export function isRgrpHeader(b: Uint8Array, off: number): boolean {
  return metaMagicOk(b, off) && metaType(b, off) === MetaType.rg && metaFormat(b, off) === MetaType.rg * 100;
}

/** True when b[off] carries the GFS2 magic, type RB and format 300. */
export function isRgrpBitmapHeader(b: Uint8Array, off: number): boolean {
  return metaMagicOk(b, off) && metaType(b, off) === MetaType.rb && metaFormat(b, off) === MetaType.rb * 100;
}

/**
 * Write a complete 128-byte rgrp header at b[off]: meta header with `version` in the pad, the
 * fields of `h` (h.crc is ignored), zeroed reserved bytes, and a fresh rg_crc. Returns the crc.
 */
export function writeRgrpHeader(b: Uint8Array, off: number, h: RgrpHeader, version: number): number {
  writeMetaHeader(b, off, MetaType.rg, version, 0);
  writeBe32(b, off + RgOff.flags, h.flags);
  writeBe32(b, off + RgOff.free, h.free);
  writeBe32(b, off + RgOff.dinodes, h.dinodes);
  writeBe32(b, off + RgOff.skip, h.skip);
  writeBe64(b, off + RgOff.igeneration, h.igeneration);
  writeBe64(b, off + RgOff.data0, h.data0);
  writeBe32(b, off + RgOff.data, h.data);
  writeBe32(b, off + RgOff.bitbytes, h.bitbytes);
  b.fill(0, off + RgOff.reserved, off + RGRP_HEADER_BYTES);
  return updateRgrpHeaderCrc(b, off);
}

/** Decode the header fields at b[off] into `out` (no allocation when the caller reuses out). */
export function readRgrpHeader(b: Uint8Array, off: number, out: RgrpHeader = emptyRgrpHeader()): RgrpHeader {
  out.flags = readBe32(b, off + RgOff.flags);
  out.free = readBe32(b, off + RgOff.free);
  out.dinodes = readBe32(b, off + RgOff.dinodes);
  out.skip = readBe32(b, off + RgOff.skip);
  out.igeneration = readBe64(b, off + RgOff.igeneration);
  out.data0 = readBe64(b, off + RgOff.data0);
  out.data = readBe32(b, off + RgOff.data);
  out.bitbytes = readBe32(b, off + RgOff.bitbytes);
  out.crc = readBe32(b, off + RgOff.crc);
  return out;
}

/** Write a bitmap-block meta header (type RB, jid 0) with `version` in the pad. */
export function writeRgrpBitmapHeader(b: Uint8Array, off: number, version: number): void {
  writeMetaHeader(b, off, MetaType.rb, version, 0);
}

/**
 * Stamp `version` into the meta header pad of block image b[off] that is block `blockIndex` of
 * its rgrp (0 = header); for the header the rg_crc is recomputed because it covers the pad.
 */
export function stampRgrpBlockVersion(b: Uint8Array, off: number, blockIndex: number, version: number): void {
  setMetaVersion(b, off, version);
  if (blockIndex === 0) updateRgrpHeaderCrc(b, off);
}

/** Encode a 96-byte rindex entry; the pad and the 64 reserved bytes are written as zero. */
export function writeRindexEntry(b: Uint8Array, off: number, e: RindexEntry): void {
  b.fill(0, off, off + RINDEX_ENTRY_BYTES);
  writeBe64(b, off + RiOff.addr, e.addr);
  writeBe32(b, off + RiOff.length, e.length);
  writeBe64(b, off + RiOff.data0, e.data0);
  writeBe32(b, off + RiOff.data, e.data);
  writeBe32(b, off + RiOff.bitbytes, e.bitbytes);
}

/** Decode a rindex entry. mkfs.gfs2 3.5 leaves stack garbage in the pad, so it is not checked. */
export function readRindexEntry(b: Uint8Array, off: number): RindexEntry {
  return {
    addr: readBe64(b, off + RiOff.addr),
    length: readBe32(b, off + RiOff.length),
    data0: readBe64(b, off + RiOff.data0),
    data: readBe32(b, off + RiOff.data),
    bitbytes: readBe32(b, off + RiOff.bitbytes),
  };
}

// ---- bitmap layout -----------------------------------------------------------------------

/** Bitmap bytes that fit in the header block after the 128-byte rgrp header. */
export function bitmapBytesInHeader(blockSize: number): number {
  return blockSize - RGRP_HEADER_BYTES;
}

/** Bitmap bytes that fit in one RB block after its 24-byte meta header. */
export function bitmapBytesPerRb(blockSize: number): number {
  return blockSize - RB_HEADER_BYTES;
}

/** Bitmap bytes for `dataBlocks` blocks (= data/4 when, as mkfs.gfs2 makes it, data % 4 = 0). */
export function bitbytesFor(dataBlocks: number): number {
  return Math.ceil(dataBlocks / BLOCKS_PER_BITMAP_BYTE);
}

/** Header block plus RB blocks needed to hold `bitbytes` bitmap bytes (ri_length). */
export function rgrpLengthFor(bitbytes: number, blockSize: number): number {
  const inHeader = bitmapBytesInHeader(blockSize);
  if (bitbytes <= inHeader) return 1;
  return 1 + Math.ceil((bitbytes - inHeader) / bitmapBytesPerRb(blockSize));
}

/** Which block of the rgrp (0 = header, 1.. = RB blocks) holds bitmap byte `byteIndex`. */
export function bitmapBlockOfByte(byteIndex: number, blockSize: number): number {
  const inHeader = bitmapBytesInHeader(blockSize);
  if (byteIndex < inHeader) return 0;
  return 1 + Math.floor((byteIndex - inHeader) / bitmapBytesPerRb(blockSize));
}

/** Offset inside its block of bitmap byte `byteIndex` (pair with bitmapBlockOfByte). */
export function bitmapOffsetOfByte(byteIndex: number, blockSize: number): number {
  const inHeader = bitmapBytesInHeader(blockSize);
  if (byteIndex < inHeader) return RGRP_HEADER_BYTES + byteIndex;
  return RB_HEADER_BYTES + ((byteIndex - inHeader) % bitmapBytesPerRb(blockSize));
}

/** State of data block k in a contiguous bitmap that starts at bits[start]. */
export function getBlockState(bits: Uint8Array, start: number, k: number): number {
  return ((bits[start + (k >>> 2)] as number) >>> ((k & 3) << 1)) & 3;
}

/** Set data block k's state in a contiguous bitmap that starts at bits[start]. */
export function setBlockState(bits: Uint8Array, start: number, k: number, state: number): void {
  const i = start + (k >>> 2);
  const shift = (k & 3) << 1;
  bits[i] = ((bits[i] as number) & ~(3 << shift)) | ((state & 3) << shift);
}

// ---- transitions ---------------------------------------------------------------------------

// ALLOWED[old * 4 + new] = 1 for the six transitions fs/gfs2/rgrp.c performs; everything else
// (including old = new, i.e. a double free or double allocation) is a consistency error.
const ALLOWED = new Uint8Array(16);
ALLOWED[BlockState.free * 4 + BlockState.used] = 1;
ALLOWED[BlockState.free * 4 + BlockState.dinode] = 1;
ALLOWED[BlockState.used * 4 + BlockState.free] = 1;
ALLOWED[BlockState.unlinked * 4 + BlockState.free] = 1;
ALLOWED[BlockState.dinode * 4 + BlockState.free] = 1;
ALLOWED[BlockState.dinode * 4 + BlockState.unlinked] = 1;

/** Whether a bitmap change old → next is legal; false means the caller must withdraw. */
export function isAllowedTransition(old: number, next: number): boolean {
  if ((old & 3) !== old || (next & 3) !== next) return false;
  return ALLOWED[old * 4 + next] === 1;
}

export const BLOCK_STATE_NAMES = ['FREE', 'USED', 'UNLINKED', 'DINODE'] as const;
