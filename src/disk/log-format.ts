// On-disk format of the GFS2 log (include/uapi/linux/gfs2_ondisk.h: struct gfs2_log_header,
// struct gfs2_log_descriptor; fs/gfs2/lops.c, fs/gfs2/recovery.c). Reference §5.2–§5.3.
//
// Checked byte-exact against gfs2-utils 3.5 (see test/disk/crc.test.ts for a real mkfs.gfs2
// header block and its lh_hash / lh_crc):
//   log header (type LH 8, format 800): 120 bytes used, the rest of the block zero;
//     lh_hash = zlib CRC-32 of bytes 0..47 with lh_hash (44..47) taken as zero;
//     lh_crc  = CRC-32C, init ~0, no final xor, of bytes 52..end of block; 0 means "not checked".
//   log descriptor (type LD 9, format 900): 72-byte header, u64 entries from offset 72;
//   revoke continuation block (type LB 12, format 1000): u64 entries from offset 24.
// The checksums themselves live in log-crc.ts (re-exported here).
// Every function works on (buffer, byte offset) and allocates nothing; decoders never throw on
// garbage, they return a status so a corrupt journal is a reported condition, not a crash.

import { logHeaderCrc, logHeaderCrcZeroTail, logHeaderHash } from './log-crc.js';
import {
  MetaType,
  metaJid,
  metaMagicOk,
  metaType,
  readBe32,
  readBe64,
  writeBe32,
  writeBe64,
  writeMetaHeader,
} from './meta.js';

export { logHeaderCrc, logHeaderHash } from './log-crc.js';

/** Bytes of a v2 log header; the rest of its block is zero. */
export const LH_BYTES = 120;
/** offsetofend(lh_hash): the v1 header the hash covers. */
export const LH_V1_BYTES = 48;
/** First byte covered by lh_crc (just after the lh_crc field). */
export const LH_CRC_START = 52;
export const LD_HEADER_BYTES = 72;
export const LB_HEADER_BYTES = 24;
/** mh_format of a revoke continuation block (gfs2_ondisk.h GFS2_FORMAT_LB). */
export const LB_FORMAT = 1000;

/** Byte offsets of struct gfs2_log_header fields. */
export const LhOff = {
  sequence: 24,
  flags: 32,
  tail: 36,
  blkno: 40,
  hash: 44,
  crc: 48,
  nsec: 52,
  sec: 56,
  addr: 64,
  jinode: 72,
  statfsAddr: 80,
  quotaAddr: 88,
  localTotal: 96,
  localFree: 104,
  localDinodes: 112,
} as const;

/** lh_flags (GFS2_LOG_HEAD_* and the GFS2_LFC_* caller bits OR-ed in by the kernel). */
export const LogFlag = {
  unmount: 0x1,
  flushNormal: 0x2,
  flushSync: 0x4,
  flushShutdown: 0x8,
  flushFreeze: 0x10,
  recovery: 0x20,
  userspace: 0x80000000,
  shutdown: 0x100,
  ailEmptyGl: 0x800,
  ailFlush: 0x1000,
  rgrpGoSync: 0x2000,
  inodeGoSync: 0x4000,
  inodeGoInval: 0x8000,
  freezeGoSync: 0x10000,
  doSync: 0x40000,
  makeFsRo: 0x200000,
  transEnd: 0x1000000,
  logdJflushReqd: 0x2000000,
} as const;

/** ld_type values (GFS2_LOG_DESC_*). */
export const LdType = { metadata: 300, revoke: 301, jdata: 302 } as const;

/** Byte offsets of struct gfs2_log_descriptor fields. */
export const LdOff = { type: 24, length: 28, data1: 32, data2: 36, reserved: 40, entries: 72 } as const;

/** Outcome of decoding a log header; anything but ok means "not a valid header here". */
export const LhStatus = { ok: 0, short: 1, badMagic: 2, badType: 3, badHash: 4, badCrc: 5, badBlkno: 6 } as const;
/** Outcome of decoding a log descriptor. */
export const LdStatus = { ok: 0, short: 1, badMagic: 2, badType: 3, badLdType: 4, badLength: 5 } as const;

/** A decoded (or to-be-encoded) log header. Callers keep one and reuse it: no allocation per call. */
export interface LogHeader {
  sequence: number;
  flags: number;
  tail: number;
  blkno: number;
  hash: number;
  crc: number;
  nsec: number;
  sec: number;
  addr: number;
  jinode: number;
  statfsAddr: number;
  quotaAddr: number;
  localTotal: number;
  localFree: number;
  localDinodes: number;
  /** mh_jid: the writing node's jid (0 for mkfs). */
  jid: number;
}

export function newLogHeader(): LogHeader {
  return {
    sequence: 0,
    flags: 0,
    tail: 0,
    blkno: 0,
    hash: 0,
    crc: 0,
    nsec: 0,
    sec: 0,
    addr: 0,
    jinode: 0,
    statfsAddr: 0,
    quotaAddr: 0,
    localTotal: 0,
    localFree: 0,
    localDinodes: 0,
    jid: 0,
  };
}

/** A decoded log descriptor header. */
export interface LogDescriptor {
  type: number;
  lengthBlocks: number;
  data1: number;
  data2: number;
}

export function newLogDescriptor(): LogDescriptor {
  return { type: 0, lengthBlocks: 0, data1: 0, data2: 0 };
}

// ---- capacities (reference §5.3, §8) -------------------------------------------------------

/** Block numbers one METADATA descriptor can carry: 503 for 4 KiB blocks (buf_limit). */
export function metadataPerDescriptor(blockSize: number): number {
  return ((blockSize - LD_HEADER_BYTES) / 8) | 0;
}
/** (block, escaped) pairs one JDATA descriptor can carry: 251 for 4 KiB blocks. */
export function jdataPerDescriptor(blockSize: number): number {
  return ((blockSize - 80) / 16) | 0;
}
/** Revoke entries in the REVOKE descriptor block itself: 503 for 4 KiB blocks. */
export function revokesInDescriptor(blockSize: number): number {
  return ((blockSize - LD_HEADER_BYTES) / 8) | 0;
}
/** Revoke entries per LB continuation block: 509 for 4 KiB blocks. */
export function revokesPerContinuation(blockSize: number): number {
  return ((blockSize - LB_HEADER_BYTES) / 8) | 0;
}
/** Journal blocks (descriptor + continuations) that n revokes occupy; 0 for none. */
export function revokeBlocksFor(revokesCount: number, blockSize: number): number {
  if (revokesCount <= 0) return 0;
  const first = revokesInDescriptor(blockSize);
  if (revokesCount <= first) return 1;
  const per = revokesPerContinuation(blockSize);
  return 1 + Math.ceil((revokesCount - first) / per);
}
/** Journal blocks that n logged metadata blocks occupy: images plus their descriptors. */
export function metadataBlocksFor(blocksCount: number, blockSize: number): number {
  if (blocksCount <= 0) return 0;
  return blocksCount + Math.ceil(blocksCount / metadataPerDescriptor(blockSize));
}
/** Byte offset (from the block start) of revoke entry i of a chunk's block that holds it. */
export function revokeEntryOffset(indexInBlock: number, inDescriptor: boolean): number {
  return (inDescriptor ? LD_HEADER_BYTES : LB_HEADER_BYTES) + 8 * indexInBlock;
}

// ---- log header -----------------------------------------------------------------------------

function writeBe64Signed(b: Uint8Array, off: number, v: number): void {
  // writeBe64's floor/>>>0 already yields two's complement for negative values.
  writeBe64(b, off, v);
}
function readBe64Signed(b: Uint8Array, off: number): number {
  const hi = readBe32(b, off);
  const lo = readBe32(b, off + 4);
  return hi >= 0x80000000 ? (hi - 0x1_0000_0000) * 0x1_0000_0000 + lo : hi * 0x1_0000_0000 + lo;
}

/**
 * Write a whole log header block at b[off..off+blockSize): zero the block, fill the fields from
 * h, then compute lh_hash and lh_crc (also stored back into h.hash / h.crc).
 */
export function encodeLogHeader(b: Uint8Array, off: number, blockSize: number, h: LogHeader): void {
  b.fill(0, off, off + blockSize);
  writeMetaHeader(b, off, MetaType.lh, 0, h.jid);
  writeBe64(b, off + LhOff.sequence, h.sequence);
  writeBe32(b, off + LhOff.flags, h.flags);
  writeBe32(b, off + LhOff.tail, h.tail);
  writeBe32(b, off + LhOff.blkno, h.blkno);
  writeBe32(b, off + LhOff.nsec, h.nsec);
  writeBe64(b, off + LhOff.sec, h.sec);
  writeBe64(b, off + LhOff.addr, h.addr);
  writeBe64(b, off + LhOff.jinode, h.jinode);
  writeBe64(b, off + LhOff.statfsAddr, h.statfsAddr);
  writeBe64(b, off + LhOff.quotaAddr, h.quotaAddr);
  writeBe64Signed(b, off + LhOff.localTotal, h.localTotal);
  writeBe64Signed(b, off + LhOff.localFree, h.localFree);
  writeBe64Signed(b, off + LhOff.localDinodes, h.localDinodes);
  h.hash = logHeaderHash(b, off);
  writeBe32(b, off + LhOff.hash, h.hash);
  h.crc = logHeaderCrcZeroTail(b, off, blockSize);
  writeBe32(b, off + LhOff.crc, h.crc);
}

/**
 * Decode and validate the header block at b[off] as the kernel's __get_log_header does: magic,
 * type LH, lh_hash, lh_crc when non-zero, and lh_blkno = expectBlkno unless expectBlkno < 0.
 * Fills out only when the result is LhStatus.ok. Never throws.
 */
export function decodeLogHeader(
  b: Uint8Array,
  off: number,
  blockSize: number,
  expectBlkno: number,
  out: LogHeader,
): number {
  if (off < 0 || blockSize < LH_BYTES || off + blockSize > b.length) return LhStatus.short;
  if (!metaMagicOk(b, off)) return LhStatus.badMagic;
  if (metaType(b, off) !== MetaType.lh) return LhStatus.badType;
  const hash = readBe32(b, off + LhOff.hash);
  if (logHeaderHash(b, off) !== hash) return LhStatus.badHash;
  const crc = readBe32(b, off + LhOff.crc);
  if (crc !== 0 && logHeaderCrc(b, off, blockSize) !== crc) return LhStatus.badCrc;
  const blkno = readBe32(b, off + LhOff.blkno);
  if (expectBlkno >= 0 && blkno !== expectBlkno) return LhStatus.badBlkno;
  out.sequence = readBe64(b, off + LhOff.sequence);
  out.flags = readBe32(b, off + LhOff.flags);
  out.tail = readBe32(b, off + LhOff.tail);
  out.blkno = blkno;
  out.hash = hash;
  out.crc = crc;
  out.nsec = readBe32(b, off + LhOff.nsec);
  out.sec = readBe64(b, off + LhOff.sec);
  out.addr = readBe64(b, off + LhOff.addr);
  out.jinode = readBe64(b, off + LhOff.jinode);
  out.statfsAddr = readBe64(b, off + LhOff.statfsAddr);
  out.quotaAddr = readBe64(b, off + LhOff.quotaAddr);
  out.localTotal = readBe64Signed(b, off + LhOff.localTotal);
  out.localFree = readBe64Signed(b, off + LhOff.localFree);
  out.localDinodes = readBe64Signed(b, off + LhOff.localDinodes);
  out.jid = metaJid(b, off);
  return LhStatus.ok;
}

/** True if the block at b[off] starts like a log header (magic + type LH), valid or not. */
export function looksLikeLogHeader(b: Uint8Array, off: number): boolean {
  return off >= 0 && off + 8 <= b.length && metaMagicOk(b, off) && metaType(b, off) === MetaType.lh;
}

// ---- log descriptor and continuation --------------------------------------------------------

/** Write a descriptor block header at b[off] (whole block zeroed first; entries follow at 72). */
export function encodeLogDescriptor(
  b: Uint8Array,
  off: number,
  blockSize: number,
  type: number,
  lengthBlocks: number,
  data1: number,
  data2: number,
): void {
  b.fill(0, off, off + blockSize);
  writeMetaHeader(b, off, MetaType.ld, 0, 0);
  writeBe32(b, off + LdOff.type, type);
  writeBe32(b, off + LdOff.length, lengthBlocks);
  writeBe32(b, off + LdOff.data1, data1);
  writeBe32(b, off + LdOff.data2, data2);
}

/** Write a revoke continuation block header at b[off] (whole block zeroed; entries from 24). */
export function encodeLogContinuation(b: Uint8Array, off: number, blockSize: number): void {
  b.fill(0, off, off + blockSize);
  writeMetaHeader(b, off, MetaType.lb, 0, 0);
  // GFS2_FORMAT_LB is 1000, not type × 100 (= 1200) as writeMetaHeader assumes.
  writeBe32(b, off + 16, LB_FORMAT);
}

/** Entry i of a METADATA or REVOKE descriptor block (u64 at 72 + 8i). */
export function writeLdEntry(b: Uint8Array, off: number, i: number, blkno: number): void {
  writeBe64(b, off + LdOff.entries + 8 * i, blkno);
}
export function readLdEntry(b: Uint8Array, off: number, i: number): number {
  return readBe64(b, off + LdOff.entries + 8 * i);
}

/**
 * Decode and validate the descriptor header at b[off]: magic, type LD, a known ld_type, and an
 * ld_length consistent with ld_data1 and the per-block capacities (so a walk driven by it stays
 * bounded). Fills out only when the result is LdStatus.ok. Never throws.
 */
export function decodeLogDescriptor(b: Uint8Array, off: number, blockSize: number, out: LogDescriptor): number {
  if (off < 0 || blockSize < LD_HEADER_BYTES + 8 || off + blockSize > b.length) return LdStatus.short;
  if (!metaMagicOk(b, off)) return LdStatus.badMagic;
  if (metaType(b, off) !== MetaType.ld) return LdStatus.badType;
  const type = readBe32(b, off + LdOff.type);
  const lengthBlocks = readBe32(b, off + LdOff.length);
  const data1 = readBe32(b, off + LdOff.data1);
  if (type === LdType.metadata) {
    if (data1 > metadataPerDescriptor(blockSize) || lengthBlocks !== data1 + 1) return LdStatus.badLength;
  } else if (type === LdType.jdata) {
    if (data1 > jdataPerDescriptor(blockSize) || lengthBlocks !== data1 + 1) return LdStatus.badLength;
  } else if (type === LdType.revoke) {
    if (data1 === 0 || lengthBlocks !== revokeBlocksFor(data1, blockSize)) return LdStatus.badLength;
  } else {
    return LdStatus.badLdType;
  }
  out.type = type;
  out.lengthBlocks = lengthBlocks;
  out.data1 = data1;
  out.data2 = readBe32(b, off + LdOff.data2);
  return LdStatus.ok;
}

/** True if b[off] is a revoke continuation block (magic + type LB). */
export function isLogContinuation(b: Uint8Array, off: number): boolean {
  return off >= 0 && off + LB_HEADER_BYTES <= b.length && metaMagicOk(b, off) && metaType(b, off) === MetaType.lb;
}
