// Checksums of a GFS2 log header block (fs/gfs2/lops.c gfs2_write_log_header, recovery.c
// __get_log_header; reference §5.2), byte-exact with gfs2-utils 3.5 (test/disk/crc.test.ts).

import { Buffer } from 'node:buffer';
import { crc32cGfs2, crc32Raw } from './crc.js';

/** Bytes of a v2 log header (LH_BYTES in log-format.ts). */
const LH_BYTES = 120;
/** Offset of lh_hash; the hash covers bytes 0..47 with this field taken as zero. */
const LH_HASH_OFF = 44;
/** First byte covered by lh_crc (just after the lh_crc field at 48). */
const LH_CRC_START = 52;

const ZERO4 = new Uint8Array(4);

/** lh_hash of the header at b[off]: CRC-32 of bytes 0..47 with the lh_hash field taken as zero. */
export function logHeaderHash(b: Uint8Array, off: number): number {
  const c = crc32Raw(0xffffffff, b, off, off + LH_HASH_OFF);
  return (crc32Raw(c, ZERO4, 0, 4) ^ 0xffffffff) >>> 0;
}

/** lh_crc of the header block at b[off]: CRC-32C (init ~0, no final xor) of bytes 52..end. */
export function logHeaderCrc(b: Uint8Array, off: number, blockSize: number): number {
  // Every header this engine writes has a zero tail, and finding a journal's head checks the
  // CRC of every header in the journal (mkfs writes one per block): comparing the tail with
  // zeros (memcmp) and taking the precomputed zero-tail path gives the same CRC ~30× faster.
  if (tailIsZero(b, off, blockSize)) return logHeaderCrcZeroTail(b, off, blockSize);
  return crc32cGfs2(b, off + LH_CRC_START, off + blockSize);
}

const compareBytes = Buffer.prototype.compare;
/** Zeros to compare header tails with; grows to the largest block size seen (bounded by limits). */
let zeroTail = new Uint8Array(4096);

function tailIsZero(b: Uint8Array, off: number, blockSize: number): boolean {
  const n = blockSize - LH_BYTES;
  if (zeroTail.length < n) zeroTail = new Uint8Array(n);
  // Buffer's compare is a native memcmp and accepts any Uint8Array as `this`.
  return compareBytes.call(b, zeroTail, 0, n, off + LH_BYTES, off + blockSize) === 0;
}

// A header block is zero after byte 120, so its CRC-32C is the register after bytes 52..119
// pushed through (blockSize − 120) zero bytes. That push is a linear map on the 32-bit register
// (GF(2)), precomputed once per block size as 32 columns: encoding a header then costs 68 table
// steps instead of ~4000, which matters for mkfs of a 1 GiB journal (262144 headers).
const CASTAGNOLI_BYTE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();
const zeroOpBlockSizes: number[] = [];
const zeroOpColumns: Uint32Array[] = [];

function zeroOp(blockSize: number): Uint32Array {
  for (let i = 0; i < zeroOpBlockSizes.length; i++)
    if (zeroOpBlockSizes[i] === blockSize) return zeroOpColumns[i] as Uint32Array;
  const zerosCount = blockSize - LH_BYTES;
  const cols = new Uint32Array(32);
  for (let bit = 0; bit < 32; bit++) {
    let c = (1 << bit) >>> 0;
    for (let k = 0; k < zerosCount; k++) c = ((CASTAGNOLI_BYTE[c & 0xff] as number) ^ (c >>> 8)) >>> 0;
    cols[bit] = c;
  }
  // Block sizes are few (512..4096, powers of two), so this cache stays at most 4 entries.
  zeroOpBlockSizes.push(blockSize);
  zeroOpColumns.push(cols);
  return cols;
}

/** lh_crc of a header block whose bytes 120..end are known to be zero (what encode writes). */
export function logHeaderCrcZeroTail(b: Uint8Array, off: number, blockSize: number): number {
  const reg = crc32cGfs2(b, off + LH_CRC_START, off + LH_BYTES);
  const cols = zeroOp(blockSize);
  let out = 0;
  for (let bit = 0; bit < 32; bit++) if ((reg >>> bit) & 1) out ^= cols[bit] as number;
  return out >>> 0;
}
