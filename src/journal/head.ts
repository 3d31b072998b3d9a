// Finding the journal head (fs/gfs2/lops.c gfs2_find_jhead, v5.0+; reference §5.6): read from
// logical block 0 forward; every valid log header whose sequence is ≥ the current head's becomes
// the head; the first valid header with a lower sequence is the wrap point and ends the scan.
// Blocks that are not valid headers (descriptors, images, zeroed or bit-flipped blocks) are
// skipped, so corruption makes the scan stop at the last valid header before it, never throw.
//
// One deliberate difference from the kernel: a header whose lh_blkno is not its own position is
// treated as invalid (the kernel's scan does not check it, gfs2-utils' bisection requires it).
// This engine always writes lh_blkno = position, so the two only differ on misplaced blocks.

import {
  decodeLogHeader,
  LhStatus,
  LogFlag,
  type LogHeader,
  looksLikeLogHeader,
  newLogHeader,
} from '../disk/log-format.js';
import { type BlockIo, IoStatus } from '../platform/platform.js';
import { type JournalHead, type JournalLoc, JournalStatus } from './types.js';

/**
 * Optional BlockIo extension for the scan: copy only the first `bytes` bytes of block `blkno`
 * into dst[0..bytes). The scan then reads a whole block only when it starts like a log header,
 * instead of copying every block of the journal (the scan was half of replay's cost). The fault
 * wrappers do not offer it, so a node with I/O faults armed scans with whole-block reads and its
 * I/O ordinals are unchanged.
 */
export interface BlockPeekIo extends BlockIo {
  peekBlock(node: number, blkno: number, dst: Uint8Array, bytes: number): number;
}

function hasPeekBlock(io: BlockIo): io is BlockPeekIo {
  return typeof (io as Partial<BlockPeekIo>).peekBlock === 'function';
}

/** Bytes that decide looksLikeLogHeader: the magic and the metadata type. */
const HEADER_PEEK_BYTES = 8;

/**
 * Scan the journal for its head into `out`; returns out.status: ok, noHead (no valid header at
 * all) or eio. `scratch` is one block; `lh` receives the head's fields when given.
 */
export function findHead(
  io: BlockIo,
  node: number,
  loc: JournalLoc,
  out: JournalHead,
  scratch?: Uint8Array,
  lh?: LogHeader,
): number {
  const bs = loc.blockSize;
  const buf = scratch ?? new Uint8Array(bs);
  const cur = lh ?? newLogHeader();
  out.status = JournalStatus.noHead;
  out.validHeaders = 0;
  out.corruptHeaders = 0;
  let found = false;
  let headSeq = 0;
  const peekIo = hasPeekBlock(io) ? io : null;
  for (let j = 0; j < loc.journalBlocks; j++) {
    if (peekIo !== null) {
      if (peekIo.peekBlock(node, loc.startBlk + j, buf, HEADER_PEEK_BYTES) !== IoStatus.ok) {
        out.status = JournalStatus.eio;
        return out.status;
      }
      // Not a header: decodeLogHeader would reject it on the same 8 bytes (magic, type).
      if (!looksLikeLogHeader(buf, 0)) continue;
    }
    if (io.read(node, loc.startBlk + j, buf, 0) !== IoStatus.ok) {
      out.status = JournalStatus.eio;
      return out.status;
    }
    const st = decodeLogHeader(buf, 0, bs, j, cur);
    if (st !== LhStatus.ok) {
      if (looksLikeLogHeader(buf, 0)) out.corruptHeaders++;
      continue;
    }
    out.validHeaders++;
    if (found && cur.sequence < headSeq) break;
    found = true;
    headSeq = cur.sequence;
    out.blkno = cur.blkno;
    out.sequence = cur.sequence;
    out.flags = cur.flags;
    out.tail = cur.tail;
    out.clean = (cur.flags & LogFlag.unmount) !== 0;
  }
  // `cur` holds the last decoded header, which may be the wrap point; re-read the head's fields
  // into lh only if the caller asked for them.
  if (found && lh !== undefined && cur.blkno !== out.blkno) {
    if (io.read(node, loc.startBlk + out.blkno, buf, 0) !== IoStatus.ok) {
      out.status = JournalStatus.eio;
      return out.status;
    }
    decodeLogHeader(buf, 0, bs, out.blkno, lh);
  }
  out.status = found ? JournalStatus.ok : JournalStatus.noHead;
  return out.status;
}
