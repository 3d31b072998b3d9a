// CRC-32C candidates for the "CRC-32C per 4 KiB" row, all computing gfs2's lh_crc form
// (reflected Castagnoli, init ~0, no final xor) over buf[start, end). The project's own
// implementation (src/disk/crc.ts) is measured beside these; the fastest correct one is kept.

function tables(slices: number): Uint32Array {
  const t = new Uint32Array(slices * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i] as number;
    for (let s = 1; s < slices; s++) {
      c = ((t[c & 0xff] as number) ^ (c >>> 8)) >>> 0;
      t[s * 256 + i] = c;
    }
  }
  return t;
}

const T1 = tables(1);
/** Word loads read bytes in the CRC's order only on a little-endian host. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const T16 = tables(16);

/** One table step per byte: the obviously correct reference. */
export function crc32cBytewise(buf: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (T1[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return c >>> 0;
}

/** Slicing-by-8 over bytes: what src/disk/crc.ts used before this benchmark chose slicing-by-16. */
export function crc32cSlice8(buf: Uint8Array, start: number, end: number): number {
  // Rows 0..7 of the 16-slice table are the 8-slice table.
  const t = T16;
  let c = 0xffffffff;
  let i = start;
  while (i + 8 <= end) {
    const lo =
      (c ^
        (buf[i] as number) ^
        ((buf[i + 1] as number) << 8) ^
        ((buf[i + 2] as number) << 16) ^
        ((buf[i + 3] as number) << 24)) >>>
      0;
    c =
      (t[7 * 256 + (lo & 0xff)] as number) ^
      (t[6 * 256 + ((lo >>> 8) & 0xff)] as number) ^
      (t[5 * 256 + ((lo >>> 16) & 0xff)] as number) ^
      (t[4 * 256 + (lo >>> 24)] as number) ^
      (t[3 * 256 + (buf[i + 4] as number)] as number) ^
      (t[2 * 256 + (buf[i + 5] as number)] as number) ^
      (t[256 + (buf[i + 6] as number)] as number) ^
      (t[buf[i + 7] as number] as number);
    i += 8;
  }
  while (i < end) {
    c = (t[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
    i++;
  }
  return c >>> 0;
}

/**
 * Slicing-by-16 reading aligned little-endian 32-bit words through an Int32Array view of the
 * same buffer (4 loads per 16 bytes instead of 16). Falls back to bytes for unaligned edges.
 */
export function crc32cSlice16Words(buf: Uint8Array, start: number, end: number): number {
  const t = T16;
  let c = 0xffffffff;
  let i = start;
  while (i < end && ((buf.byteOffset + i) & 3) !== 0) {
    c = (t[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
    i++;
  }
  if (LITTLE_ENDIAN && i + 16 <= end) {
    const w = wordsOf(buf);
    let k = (buf.byteOffset + i - w.byteOffset) >> 2;
    while (i + 16 <= end) {
      const a = c ^ (w[k] as number);
      const b = w[k + 1] as number;
      const d = w[k + 2] as number;
      const e = w[k + 3] as number;
      c =
        (t[15 * 256 + (a & 0xff)] as number) ^
        (t[14 * 256 + ((a >>> 8) & 0xff)] as number) ^
        (t[13 * 256 + ((a >>> 16) & 0xff)] as number) ^
        (t[12 * 256 + (a >>> 24)] as number) ^
        (t[11 * 256 + (b & 0xff)] as number) ^
        (t[10 * 256 + ((b >>> 8) & 0xff)] as number) ^
        (t[9 * 256 + ((b >>> 16) & 0xff)] as number) ^
        (t[8 * 256 + (b >>> 24)] as number) ^
        (t[7 * 256 + (d & 0xff)] as number) ^
        (t[6 * 256 + ((d >>> 8) & 0xff)] as number) ^
        (t[5 * 256 + ((d >>> 16) & 0xff)] as number) ^
        (t[4 * 256 + (d >>> 24)] as number) ^
        (t[3 * 256 + (e & 0xff)] as number) ^
        (t[2 * 256 + ((e >>> 8) & 0xff)] as number) ^
        (t[256 + ((e >>> 16) & 0xff)] as number) ^
        (t[e >>> 24] as number);
      i += 16;
      k += 4;
    }
  }
  while (i < end) {
    c = (t[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
    i++;
  }
  return c >>> 0;
}

// One Int32Array view per underlying buffer, cached (a block buffer is reused for every call).
let viewBuf: ArrayBufferLike | null = null;
let view: Int32Array = new Int32Array(0);
function wordsOf(buf: Uint8Array): Int32Array {
  if (viewBuf !== buf.buffer) {
    viewBuf = buf.buffer;
    view = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >> 2);
  }
  return view;
}
