// The 24-byte GFS2 meta header every metadata block starts with (gfs2_ondisk.h struct
// gfs2_meta_header). All on-disk integers are big-endian. The 8-byte pad at offset 8 is unused
// by the kernel; this engine stores the block's version stamp there (reference §4.8, DESIGN
// principle 7), as a u32 high word (always 0 here) and a u32 low word.

export const GFS2_MAGIC = 0x01161970;

/** Metadata types (mh_type) and their formats (mh_format = type × 100). */
export const MetaType = {
  sb: 1,
  rg: 2,
  rb: 3,
  di: 4,
  in: 5,
  lf: 6,
  jd: 7,
  lh: 8,
  ld: 9,
  ea: 10,
  ed: 11,
  lb: 12,
  qc: 14,
} as const;

export const META_HEADER_BYTES = 24;

/** mh_format per type (gfs2_ondisk.h GFS2_FORMAT_*): type × 100 except LB, EA, ED and QC. */
export function metaFormatOf(type: number): number {
  switch (type) {
    case MetaType.lb:
      return 1000;
    case MetaType.ea:
      return 1600;
    case MetaType.ed:
      return 1700;
    case MetaType.qc:
      return 1400;
    default:
      return type * 100;
  }
}

function be32(b: Uint8Array, off: number): number {
  return (
    (((b[off] as number) << 24) |
      ((b[off + 1] as number) << 16) |
      ((b[off + 2] as number) << 8) |
      (b[off + 3] as number)) >>>
    0
  );
}

function put32(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = v >>> 16;
  b[off + 2] = v >>> 8;
  b[off + 3] = v;
}

export function readBe32(b: Uint8Array, off: number): number {
  return be32(b, off);
}
export function writeBe32(b: Uint8Array, off: number, v: number): void {
  put32(b, off, v >>> 0);
}
/** u64 as a JS number; values above 2^53 do not occur in this engine (block numbers, sequences). */
export function readBe64(b: Uint8Array, off: number): number {
  return be32(b, off) * 0x1_0000_0000 + be32(b, off + 4);
}
export function writeBe64(b: Uint8Array, off: number, v: number): void {
  put32(b, off, Math.floor(v / 0x1_0000_0000) >>> 0);
  put32(b, off + 4, v >>> 0);
}

/** Write a meta header at b[off]: magic, type, pad (version stamp), format (metaFormatOf), jid. */
export function writeMetaHeader(b: Uint8Array, off: number, type: number, version: number, jid: number): void {
  put32(b, off, GFS2_MAGIC);
  put32(b, off + 4, type);
  put32(b, off + 8, 0);
  put32(b, off + 12, version >>> 0);
  put32(b, off + 16, metaFormatOf(type));
  put32(b, off + 20, jid >>> 0);
}

export function metaMagicOk(b: Uint8Array, off: number): boolean {
  return be32(b, off) === GFS2_MAGIC;
}
export function metaType(b: Uint8Array, off: number): number {
  return be32(b, off + 4);
}
export function metaFormat(b: Uint8Array, off: number): number {
  return be32(b, off + 16);
}
export function metaJid(b: Uint8Array, off: number): number {
  return be32(b, off + 20);
}
/** The version stamp carried in the pad (low word). */
export function metaVersion(b: Uint8Array, off: number): number {
  return be32(b, off + 12);
}
export function setMetaVersion(b: Uint8Array, off: number, version: number): void {
  put32(b, off + 12, version >>> 0);
}
