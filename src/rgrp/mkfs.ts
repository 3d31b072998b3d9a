// mkfs for resource groups: every header and bitmap block written fresh (all data blocks FREE,
// rg_free = data count, rg_dinodes 0, version stamp 0, correct rg_crc), as mkfs.gfs2 does for
// an empty rgrp. Cold path: runs once before the nodes start; allocation here is fine.

import { emptyRgrpHeader, writeRgrpBitmapHeader, writeRgrpHeader } from '../disk/rgrp-format.js';
import { Ev } from '../memory/events.js';
import { type BlockIo, type EventSink, IoStatus } from '../platform/platform.js';
import { type RgrpGeometry, rgrpSkip } from './geometry.js';

/** Source code of Ev.writeInPlace for writes that are neither write-back nor replay. */
const WRITE_SOURCE_MKFS = 2;

/**
 * Build the fresh image of block `blockIndex` (0 = header, 1.. = RB) of rgrp `rgrp` into
 * dst[dstOff .. dstOff + blockSize). The bitmap bytes are all zero, i.e. every block FREE.
 */
export function formatRgrpBlock(
  geo: RgrpGeometry,
  rgrp: number,
  blockIndex: number,
  dst: Uint8Array,
  dstOff: number,
): void {
  dst.fill(0, dstOff, dstOff + geo.blockSize);
  if (blockIndex > 0) {
    writeRgrpBitmapHeader(dst, dstOff, 0);
    return;
  }
  const h = emptyRgrpHeader();
  h.free = geo.data[rgrp] as number;
  h.skip = rgrpSkip(geo, rgrp);
  h.data0 = geo.data0[rgrp] as number;
  h.data = geo.data[rgrp] as number;
  h.bitbytes = geo.bitbytes[rgrp] as number;
  writeRgrpHeader(dst, dstOff, h, 0);
}

/**
 * Write every rgrp header and bitmap block through `io` as node `node`. Returns IoStatus.ok, or
 * the first failing write's status (the rest are not attempted: a half-made file system is
 * reported, not hidden). Emits Ev.writeInPlace(block, version 0, source mkfs) per block.
 */
export function mkfsRgrps(io: BlockIo, node: number, geo: RgrpGeometry, events?: EventSink): number {
  const buf = new Uint8Array(geo.blockSize);
  for (let r = 0; r < geo.count; r++) {
    const addr = geo.addr[r] as number;
    const length = geo.length[r] as number;
    for (let i = 0; i < length; i++) {
      formatRgrpBlock(geo, r, i, buf, 0);
      const st = io.write(node, addr + i, buf, 0, false);
      if (st !== IoStatus.ok) return st;
      events?.emit(Ev.writeInPlace, addr + i, 0, WRITE_SOURCE_MKFS, 0);
    }
  }
  return IoStatus.ok;
}

/** Same as mkfsRgrps, straight into a disk image (block b at disk[b * blockSize]). */
export function mkfsRgrpsInto(disk: Uint8Array, geo: RgrpGeometry): void {
  if (disk.length < geo.endBlock * geo.blockSize) {
    throw new RangeError(`disk of ${disk.length} bytes is smaller than the rgrps' end (${geo.endBlock} blocks)`);
  }
  for (let r = 0; r < geo.count; r++) {
    const addr = geo.addr[r] as number;
    const length = geo.length[r] as number;
    for (let i = 0; i < length; i++) formatRgrpBlock(geo, r, i, disk, (addr + i) * geo.blockSize);
  }
}
