// Invariant I4, bitmap consistency (reference §4.8): a passive check of the resource groups on
// a disk image, run when the disk is quiescent (end of run, after recovery, or on a snapshot).
//
// Checks:
// - every rgrp header block has the GFS2 magic, type RG / format 200, a correct rg_crc, and
//   rg_data0 / rg_data / rg_bitbytes equal to the geometry's;
// - every bitmap block has the magic and type RB / format 300;
// - rg_free equals the number of FREE bits;
// - rg_dinodes equals the number of DINODE bits plus UNLINKED bits. That is the kernel's own
//   rule (rgrp.c gfs2_rgrp_verify: "count[2] + count[3] != rd_dinodes"), because an unlinked
//   inode keeps its rg_dinodes slot until gfs2_free_di; with no UNLINKED blocks it is exactly
//   "rg_dinodes = DINODE bits";
// - given an ownership list (the workload's directory of files): every owned dinode block is
//   DINODE, every owned data block is USED (so in particular non-FREE), every owned block is a
//   data block of some rgrp, and no block is owned twice.
//
// Deliberately not checked: blocks that are allocated but owned by nobody (leaks are legal in
// a crashed or withdrawn file system until fsck; the workload's directory may also lag an
// in-flight allocation); bitmap bits past rg_data in the last byte; rg_flags, rg_skip,
// rg_igeneration; version stamps (I1 checks those); whether a state change was an allowed
// transition (the SUT asserts that at each change, and Ev.bitmap records it).
//
// Never throws on bad data: anything unreadable becomes a violation. Output is bounded by
// maxViolations so a wrecked disk produces a report, not an out-of-memory.

import {
  BLOCK_STATE_NAMES,
  BlockState,
  bitmapBlockOfByte,
  bitmapOffsetOfByte,
  emptyRgrpHeader,
  isRgrpBitmapHeader,
  isRgrpHeader,
  readRgrpHeader,
  rgrpHeaderCrc,
} from '../disk/rgrp-format.js';
import { type RgrpGeometry, rgrpIndexOfData } from '../rgrp/geometry.js';

export interface BitmapViolation {
  readonly invariant: 'I4';
  /** The block the violation is about (header, bitmap or data block). */
  readonly block: number;
  /** Index of the rgrp, or -1 when the block lies in none. */
  readonly rgrp: number;
  readonly detail: string;
}

/** One object of the workload: its dinode block (-1 if none) and its data blocks. */
export interface OwnedObject {
  readonly id: number | string;
  readonly dinodeBlock: number;
  readonly dataBlocks: ArrayLike<number>;
}

export const BITMAP_VIOLATIONS_MAX_DEFAULT = 1000;

function stateName(s: number): string {
  return BLOCK_STATE_NAMES[s] ?? `state ${s}`;
}

/** Check I4 over `disk` (block b at disk[b * blockSize]). Returns [] when consistent. */
export function checkBitmaps(
  disk: Uint8Array,
  geo: RgrpGeometry,
  owned: readonly OwnedObject[] = [],
  maxViolations: number = BITMAP_VIOLATIONS_MAX_DEFAULT,
): BitmapViolation[] {
  const out: BitmapViolation[] = [];
  const bs = geo.blockSize;
  const add = (block: number, rgrp: number, detail: string): boolean => {
    if (out.length < maxViolations) out.push({ invariant: 'I4', block, rgrp, detail });
    return out.length < maxViolations;
  };
  // Which rgrps have readable bitmaps, so ownership checks do not read through a bad one.
  const readable = new Uint8Array(geo.count);
  const h = emptyRgrpHeader();

  for (let r = 0; r < geo.count; r++) {
    const addr = geo.addr[r] as number;
    const length = geo.length[r] as number;
    const data = geo.data[r] as number;
    if ((addr + length) * bs > disk.length) {
      if (
        !add(addr, r, `header/bitmap blocks ${addr}..${addr + length - 1} lie beyond the disk (${disk.length} bytes)`)
      )
        return out;
      continue;
    }
    const off = addr * bs;
    let metaOk = true;
    if (!isRgrpHeader(disk, off)) {
      metaOk = false;
      if (!add(addr, r, 'rgrp header has a bad magic, type or format (expected RG 2 / 200)')) return out;
    }
    readRgrpHeader(disk, off, h);
    const crcWant = rgrpHeaderCrc(disk, off);
    if (h.crc !== crcWant) {
      if (!add(addr, r, `rg_crc 0x${h.crc.toString(16)} != computed 0x${crcWant.toString(16)}`)) return out;
    }
    if (h.data0 !== geo.data0[r] || h.data !== data || h.bitbytes !== geo.bitbytes[r]) {
      const got = `data0 ${h.data0} data ${h.data} bitbytes ${h.bitbytes}`;
      const want = `data0 ${geo.data0[r]} data ${data} bitbytes ${geo.bitbytes[r]}`;
      if (!add(addr, r, `rgrp header geometry (${got}) differs from the rindex (${want})`)) return out;
    }
    for (let i = 1; i < length; i++) {
      if (!isRgrpBitmapHeader(disk, (addr + i) * bs)) {
        metaOk = false;
        if (!add(addr + i, r, `bitmap block ${i} of rgrp has a bad magic, type or format (expected RB 3 / 300)`))
          return out;
      }
    }
    if (!metaOk) continue;
    readable[r] = 1;

    const count = [0, 0, 0, 0];
    for (let k = 0; k < data; k++) {
      const byte = k >>> 2;
      const at = off + bitmapBlockOfByte(byte, bs) * bs + bitmapOffsetOfByte(byte, bs);
      const s = ((disk[at] as number) >>> ((k & 3) << 1)) & 3;
      count[s] = (count[s] as number) + 1;
    }
    const free = count[BlockState.free] as number;
    const dinodes = (count[BlockState.dinode] as number) + (count[BlockState.unlinked] as number);
    if (h.free !== free) {
      if (!add(addr, r, `rg_free ${h.free} != ${free} FREE bits`)) return out;
    }
    if (h.dinodes !== dinodes) {
      const bits = `${count[BlockState.dinode]} DINODE + ${count[BlockState.unlinked]} UNLINKED bits`;
      if (!add(addr, r, `rg_dinodes ${h.dinodes} != ${bits}`)) return out;
    }
  }

  const ownerOf = new Map<number, number | string>();
  const checkOwned = (id: number | string, blkno: number, want: number): boolean => {
    const r = rgrpIndexOfData(geo, blkno);
    if (!Number.isSafeInteger(blkno) || r < 0) {
      return add(blkno, -1, `object ${id} owns block ${blkno}, which is not a data block of any rgrp`);
    }
    const first = ownerOf.get(blkno);
    if (first !== undefined) {
      if (!add(blkno, r, `block owned twice: by object ${first} and by object ${id}`)) return false;
    } else {
      ownerOf.set(blkno, id);
    }
    if (readable[r] !== 1) return true;
    const k = blkno - (geo.data0[r] as number);
    const byte = k >>> 2;
    const at = (geo.addr[r] as number) * bs + bitmapBlockOfByte(byte, bs) * bs + bitmapOffsetOfByte(byte, bs);
    const s = ((disk[at] as number) >>> ((k & 3) << 1)) & 3;
    if (s === want) return true;
    const role = want === BlockState.dinode ? 'dinode' : 'data block';
    const what = s === BlockState.free ? 'FREE but in use' : `${stateName(s)}, expected ${stateName(want)}`;
    return add(blkno, r, `${role} of object ${id} is ${what}`);
  };

  // Bounded by the ownership list the caller built; each block is looked at once.
  for (const obj of owned) {
    if (obj.dinodeBlock >= 0 && !checkOwned(obj.id, obj.dinodeBlock, BlockState.dinode)) return out;
    const blocks = obj.dataBlocks;
    for (let j = 0; j < blocks.length; j++) {
      if (!checkOwned(obj.id, blocks[j] as number, BlockState.used)) return out;
    }
  }
  return out;
}
