// Journal replay (fs/gfs2/recovery.c gfs2_recover_func, lops.c scan callbacks; reference §5.7)
// and a read-only scan of the active region for checkers and tests.
//
// Range: from the head's lh_tail up to (not including) the head's lh_blkno, circularly. Every
// position is linearised as d = (pos − tail) mod N. Log headers in the range are validated and
// stepped over; anything else must be a descriptor and the walk advances by its ld_length, which
// decodeLogDescriptor has checked against ld_data1, and which must not run past the range end,
// so the walk takes at most N steps whatever the disk holds. Pass 0 records, per revoked block,
// the offset of the last block holding a revoke for it; pass 1 writes each METADATA (and JDATA)
// image in place unless that revoke offset lies after the image. Then one clean header at
// head + 1 (sequence + 1, tail 0, UNMOUNT|RECOVERY) marks the journal replayed.

import {
  decodeLogDescriptor,
  decodeLogHeader,
  encodeLogHeader,
  isLogContinuation,
  LdStatus,
  LdType,
  LhStatus,
  type LogDescriptor,
  LogFlag,
  type LogHeader,
  looksLikeLogHeader,
  newLogDescriptor,
  newLogHeader,
  readLdEntry,
  revokeEntryOffset,
  revokesInDescriptor,
  revokesPerContinuation,
} from '../disk/log-format.js';
import { GFS2_MAGIC, metaMagicOk, metaVersion, readBe64, writeBe32 } from '../disk/meta.js';
import { Ev } from '../memory/events.js';
import { type BlockIo, type EventSink, IoStatus } from '../platform/platform.js';
import { BlockMap } from './block-map.js';
import { findHead } from './head.js';
import { assertJournalLoc, type JournalHead, type JournalLoc, JournalStatus, newJournalHead } from './types.js';

/** Buffers and tables a replay needs, allocated once per node and reused. */
export interface ReplayScratch {
  readonly blockSize: number;
  readonly journalBlocks: number;
  readonly desc: Uint8Array;
  readonly img: Uint8Array;
  /** Revoked block → linear offset of the last block holding a revoke for it. */
  readonly revokes: BlockMap;
  readonly head: JournalHead;
  readonly lh: LogHeader;
  readonly ld: LogDescriptor;
}

export function createReplayScratch(journalBlocks: number, blockSize: number): ReplayScratch {
  return {
    blockSize,
    journalBlocks,
    desc: new Uint8Array(blockSize),
    img: new Uint8Array(blockSize),
    // A journal this engine wrote revokes each logged position at most once, so distinct
    // revoked blocks ≤ N; a journal needing more is reported corrupt, not grown into.
    revokes: new BlockMap(journalBlocks),
    head: newJournalHead(),
    lh: newLogHeader(),
    ld: newLogDescriptor(),
  };
}

export interface ReplayResult {
  status: number;
  /** Images written in place. */
  replayed: number;
  /** Images found in the active region (the "of Y" in fsck's "Replayed X of Y"). */
  total: number;
  /** The head was already clean: nothing was replayed or written. */
  clean: boolean;
  headBlkno: number;
  headSequence: number;
}

export function newReplayResult(): ReplayResult {
  return { status: JournalStatus.ok, replayed: 0, total: 0, clean: false, headBlkno: 0, headSequence: 0 };
}

/**
 * Optional BlockIo extension for replay's hot path: copy block srcBlk to dstBlk in one pass (a
 * write of dstBlk as far as faults are concerned) and the first peekBytes of it into peek, so the
 * version stamp can be reported without a second full-block copy. A BlockIo without it is served
 * by read + write through a scratch block.
 */
export interface BlockCopyIo extends BlockIo {
  copyBlock(node: number, srcBlk: number, dstBlk: number, peek: Uint8Array, peekBytes: number): number;
}

function hasCopyBlock(io: BlockIo): io is BlockCopyIo {
  return typeof (io as Partial<BlockCopyIo>).copyBlock === 'function';
}

/** Called once per logged image in the active region, in journal order. */
export type ScanVisitor = (blkno: number, journalPos: number, version: number, revoked: boolean) => void;

export interface ReplayOptions {
  scratch?: ReplayScratch;
  out?: ReplayResult;
  /** Blocks on the disk: an entry at or beyond it is corrupt rather than written. */
  diskBlocks?: number;
}

/** State of one walk (replay or scan): one small object per replay, none per block. */
interface Walk {
  io: BlockIo;
  node: number;
  loc: JournalLoc;
  s: ReplayScratch;
  tail: number;
  span: number;
  diskBlocks: number;
  /** io when it can copy a block in one pass, else null. */
  copyIo: BlockCopyIo | null;
  events: EventSink | null;
  visit: ScanVisitor | null;
  out: ReplayResult;
}

/**
 * Replay journal `loc` as node `node` (the recovering node, whose jid goes into the clean
 * header). Returns the result (status ok, corrupt, noHead or eio). Never throws on disk content.
 */
export function replayJournal(
  io: BlockIo,
  node: number,
  loc: JournalLoc,
  events: EventSink | null = null,
  opts: ReplayOptions = {},
): ReplayResult {
  const w = begin(io, node, loc, opts.scratch, opts.out, opts.diskBlocks);
  const out = w.out;
  if (out.status !== JournalStatus.ok) return out;
  events?.emit(Ev.journalState, loc.jid, out.clean ? 1 : 0, 0, 0);
  if (out.clean) return out;
  w.events = events;
  events?.emit(Ev.replayStart, loc.jid, 0, 0, 0);
  out.status = walk(w, 0);
  if (out.status === JournalStatus.ok) out.status = walk(w, 1);
  if (out.status === JournalStatus.ok) out.status = writeCleanHeader(w);
  events?.emit(Ev.replayEnd, loc.jid, out.replayed, out.total, out.status);
  return out;
}

/**
 * List every logged image of the active region without writing anything: (in-place block,
 * journal position, version stamp or −1 without a meta header, revoked by a later revoke?).
 * Returns ok (also for a clean journal, which has nothing to list), corrupt, noHead or eio.
 */
export function scanJournal(
  io: BlockIo,
  node: number,
  loc: JournalLoc,
  visit: ScanVisitor,
  scratch?: ReplayScratch,
): number {
  const w = begin(io, node, loc, scratch, undefined, Number.POSITIVE_INFINITY);
  if (w.out.status !== JournalStatus.ok || w.out.clean) return w.out.status;
  w.visit = visit;
  let st = walk(w, 0);
  if (st === JournalStatus.ok) st = walk(w, 1);
  return st;
}

function begin(
  io: BlockIo,
  node: number,
  loc: JournalLoc,
  scratch?: ReplayScratch,
  outIn?: ReplayResult,
  diskBlocks?: number,
): Walk {
  assertJournalLoc(loc);
  const s = scratch ?? createReplayScratch(loc.journalBlocks, loc.blockSize);
  if (s.blockSize !== loc.blockSize || s.journalBlocks < loc.journalBlocks)
    throw new RangeError('replay scratch does not fit this journal');
  const out = outIn ?? newReplayResult();
  out.replayed = 0;
  out.total = 0;
  out.clean = false;
  s.revokes.clear();
  const copyIo = hasCopyBlock(io) ? io : null;
  const w: Walk = {
    io,
    node,
    loc,
    s,
    tail: 0,
    span: 0,
    diskBlocks: diskBlocks ?? Number.POSITIVE_INFINITY,
    copyIo,
    events: null,
    visit: null,
    out,
  };
  out.status = findHead(io, node, loc, s.head, s.desc);
  if (out.status !== JournalStatus.ok) return w;
  const n = loc.journalBlocks;
  out.headBlkno = s.head.blkno;
  out.headSequence = s.head.sequence;
  out.clean = s.head.clean;
  if (s.head.tail >= n) out.status = JournalStatus.corrupt;
  w.tail = s.head.tail;
  w.span = (s.head.blkno - s.head.tail + n) % n;
  return w;
}

/** One pass over [tail, head): 0 collects revokes, 1 replays or visits images. */
function walk(w: Walk, pass: number): number {
  const { io, node, loc, s } = w;
  const n = loc.journalBlocks;
  const bs = loc.blockSize;
  let d = 0;
  while (d < w.span) {
    const pos = (w.tail + d) % n;
    if (io.read(node, loc.startBlk + pos, s.desc, 0) !== IoStatus.ok) return JournalStatus.eio;
    if (looksLikeLogHeader(s.desc, 0)) {
      // Pass 0 has validated this header (hash and the whole-block CRC-32C) and nothing writes
      // the journal between the two passes (one synchronous call; I/O faults fail reads, they
      // never alter bytes), so pass 1 steps over it: the CRC was a third of replay's overhead.
      if (pass === 0 && decodeLogHeader(s.desc, 0, bs, pos, s.lh) !== LhStatus.ok) return JournalStatus.corrupt;
      d++;
      continue;
    }
    if (decodeLogDescriptor(s.desc, 0, bs, s.ld) !== LdStatus.ok) return JournalStatus.corrupt;
    const length = s.ld.lengthBlocks;
    if (length > w.span - d) return JournalStatus.corrupt;
    let st: number = JournalStatus.ok;
    if (pass === 0 && s.ld.type === LdType.revoke) st = collectRevokes(w, d, length);
    else if (pass === 1 && s.ld.type === LdType.metadata) st = images(w, d, false);
    else if (pass === 1 && s.ld.type === LdType.jdata) st = images(w, d, true);
    if (st !== JournalStatus.ok) return st;
    d += length;
  }
  return JournalStatus.ok;
}

function collectRevokes(w: Walk, d: number, length: number): number {
  const { io, node, loc, s } = w;
  const n = loc.journalBlocks;
  let left = s.ld.data1;
  for (let b = 0; b < length && left > 0; b++) {
    const first = b === 0;
    let buf = s.desc;
    if (!first) {
      buf = s.img;
      if (io.read(node, loc.startBlk + ((w.tail + d + b) % n), buf, 0) !== IoStatus.ok) return JournalStatus.eio;
      if (!isLogContinuation(buf, 0)) return JournalStatus.corrupt;
    }
    const per = first ? revokesInDescriptor(loc.blockSize) : revokesPerContinuation(loc.blockSize);
    for (let e = 0; e < per && left > 0; e++, left--) {
      // A later revoke of the same block replaces the earlier offset (walk order = d order).
      if (!w.s.revokes.set(readBe64(buf, revokeEntryOffset(e, first)), d + b)) return JournalStatus.corrupt;
    }
  }
  return JournalStatus.ok;
}

/** Pass 1 over one METADATA (pairs = false) or JDATA (pairs = true) descriptor at offset d. */
function images(w: Walk, d: number, pairs: boolean): number {
  const { io, node, loc, s, out } = w;
  const n = loc.journalBlocks;
  const count = s.ld.data1;
  const img = s.img;
  for (let e = 0; e < count; e++) {
    const blk = pairs ? readBe64(s.desc, 72 + 16 * e) : readLdEntry(s.desc, 0, e);
    const escaped = pairs && readBe64(s.desc, 80 + 16 * e) !== 0;
    const dImg = d + 1 + e;
    const pos = (w.tail + dImg) % n;
    out.total++;
    const revoked = s.revokes.get(blk) > dImg;
    if (w.visit === null && revoked) continue;
    if (w.visit === null && !escaped && w.copyIo !== null) {
      const st = copyInPlace(w, blk, pos, pairs);
      if (st !== JournalStatus.ok) return st;
      continue;
    }
    if (io.read(node, loc.startBlk + pos, img, 0) !== IoStatus.ok) return JournalStatus.eio;
    // JDATA: a data block that began with the magic was logged with it zeroed; restore it.
    if (escaped) writeBe32(img, 0, GFS2_MAGIC);
    const hasMeta = metaMagicOk(img, 0);
    if (w.visit !== null) {
      w.visit(blk, pos, hasMeta ? metaVersion(img, 0) : -1, revoked);
      continue;
    }
    // Like buf_lo_scan_elements: a logged metadata image must carry the magic; and an entry
    // pointing off the disk or into the journal being replayed cannot be a real block.
    if (!pairs && !hasMeta) return JournalStatus.corrupt;
    if (blk >= w.diskBlocks || (blk >= loc.startBlk && blk < loc.startBlk + n)) return JournalStatus.corrupt;
    if (io.write(node, blk, img, 0, false) !== IoStatus.ok) return JournalStatus.eio;
    out.replayed++;
    w.events?.emit(Ev.writeInPlace, blk, hasMeta ? metaVersion(img, 0) : 0, 1, 0);
  }
  return JournalStatus.ok;
}

/** One image in place through BlockCopyIo.copyBlock: one full-block copy instead of two. */
function copyInPlace(w: Walk, blk: number, pos: number, pairs: boolean): number {
  const { node, loc, s, out } = w;
  if (blk >= w.diskBlocks || (blk >= loc.startBlk && blk < loc.startBlk + loc.journalBlocks))
    return JournalStatus.corrupt;
  const copyIo = w.copyIo as BlockCopyIo;
  if (copyIo.copyBlock(node, loc.startBlk + pos, blk, s.img, 24) !== IoStatus.ok) return JournalStatus.eio;
  const hasMeta = metaMagicOk(s.img, 0);
  // The kernel also copies first and checks the meta header after (buf_lo_scan_elements).
  if (!pairs && !hasMeta) return JournalStatus.corrupt;
  out.replayed++;
  w.events?.emit(Ev.writeInPlace, blk, hasMeta ? metaVersion(s.img, 0) : 0, 1, 0);
  return JournalStatus.ok;
}

function writeCleanHeader(w: Walk): number {
  const { io, node, loc, s } = w;
  const n = loc.journalBlocks;
  const pos = (s.head.blkno + 1) % n;
  const h = s.lh;
  h.sequence = s.head.sequence + 1;
  h.flags = LogFlag.unmount | LogFlag.recovery;
  h.tail = 0;
  h.blkno = pos;
  h.hash = 0;
  h.crc = 0;
  h.nsec = 0;
  h.sec = 0;
  h.addr = loc.startBlk + pos;
  h.jinode = loc.jinodeBlk ?? 0;
  h.statfsAddr = 0;
  h.quotaAddr = 0;
  h.localTotal = 0;
  h.localFree = 0;
  h.localDinodes = 0;
  h.jid = node;
  encodeLogHeader(s.img, 0, loc.blockSize, h);
  return io.write(node, loc.startBlk + pos, s.img, 0, true) === IoStatus.ok ? JournalStatus.ok : JournalStatus.eio;
}
