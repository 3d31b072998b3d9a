// The per-node in-core log (fs/gfs2/log.c): head, next sequence, tail, the AIL, and the flush
// that commits a transaction. A flush writes `[METADATA LD + images]* [REVOKE LD + LB…]?
// [LOG HEADER]`; the header, written last, is the commit record (reference §5.3). Space is freed
// only when a header has recorded the new tail (the kernel's log_pull_tail): until then the
// blocks between the committed tail and the in-core tail may still be replayed after a crash.
//
// Space rule: positions [diskTail, head) are live; a flush may use at most N − 1 − live blocks
// (so head never catches up with the tail, which would look empty), and every flush keeps one
// block spare, except a header-only flush that moves the tail: so after any write-back a header
// recording the newer tail can always be written.
//
// Blocks a flush takes are handed in a LogBatch (log-batch.ts), re-exported here.

import {
  encodeLogContinuation,
  encodeLogDescriptor,
  encodeLogHeader,
  LdType,
  LogFlag,
  type LogHeader,
  metadataBlocksFor,
  metadataPerDescriptor,
  newLogHeader,
  revokeBlocksFor,
  revokeEntryOffset,
  revokesInDescriptor,
  revokesPerContinuation,
  writeLdEntry,
} from '../disk/log-format.js';
import { metaVersion, writeBe64 } from '../disk/meta.js';
import { Ev } from '../memory/events.js';
import { type BlockIo, type EventSink, IoStatus } from '../platform/platform.js';
import { Ail, inRing, PosState } from './ail.js';
import { findHead } from './head.js';
import type { LogBatch } from './log-batch.js';
import { assertJournalLoc, type JournalHead, type JournalLoc, JournalStatus, newJournalHead } from './types.js';

export { LogBatch } from './log-batch.js';

const NO_REVOKES: ArrayLike<number> = new Float64Array(0);

export class LogManager {
  readonly loc: JournalLoc;
  private readonly io: BlockIo;
  private readonly node: number;
  private readonly events: EventSink | null;
  private readonly clock: { nowNs(): number } | null;
  private readonly n: number;
  private readonly bs: number;
  private readonly ail: Ail;
  private readonly scratch: Uint8Array;
  private readonly lh: LogHeader = newLogHeader();
  private readonly headInfo: JournalHead = newJournalHead();
  /** Revokes queued by revoke(), written by the next flush. */
  private readonly revokeQueue: Float64Array;
  private revokeQueued = 0;
  /** Revokes of the flush being written. */
  private readonly revokeOut: Float64Array;

  mounted = false;
  /** Next position to write. */
  head = 0;
  /** Sequence the next header gets. */
  sequence = 0;
  /** In-core tail: the next header records it. */
  tail = 0;
  /** Tail recorded by the last committed header: space before it is reusable. */
  diskTail = 0;

  blocksLoggedCount = 0;
  flushesCount = 0;
  writeInPlaceBlocksCount = 0;
  revokesCount = 0;

  constructor(
    io: BlockIo,
    node: number,
    loc: JournalLoc,
    events: EventSink | null = null,
    clock: { nowNs(): number } | null = null,
  ) {
    assertJournalLoc(loc);
    this.io = io;
    this.node = node;
    this.loc = loc;
    this.events = events;
    this.clock = clock;
    this.n = loc.journalBlocks;
    this.bs = loc.blockSize;
    this.ail = new Ail(this.n);
    this.scratch = new Uint8Array(this.bs);
    this.revokeQueue = new Float64Array(this.n);
    this.revokeOut = new Float64Array(this.n);
  }

  /** Find the head and continue after it. Returns ok, dirty (replay first), noHead or eio. */
  mount(): number {
    const st = findHead(this.io, this.node, this.loc, this.headInfo, this.scratch);
    if (st !== JournalStatus.ok) return st;
    if (!this.headInfo.clean) return JournalStatus.dirty;
    this.head = (this.headInfo.blkno + 1) % this.n;
    this.sequence = this.headInfo.sequence + 1;
    this.tail = this.head;
    this.diskTail = this.head;
    this.ail.reset();
    this.revokeQueued = 0;
    this.mounted = true;
    return JournalStatus.ok;
  }

  /** Live blocks [diskTail, head). */
  usedBlocks(): number {
    return (this.head - this.diskTail + this.n) % this.n;
  }
  /** Blocks a flush may still use (before the one-block reserve for a tail-pulling header). */
  freeBlocks(): number {
    return this.n - 1 - this.usedBlocks();
  }
  /** Copies logged but not yet written in place. */
  dirtyBlocks(): number {
    return this.ail.dirtyCount;
  }

  /**
   * Commit a transaction: log batch's blocks, the queued revokes and `revokes` (blocks being
   * freed), then the header. Returns ok, noSpace (write back and flush to pull the tail, then
   * retry), tooBig, notMounted or eio (the log is then unusable; the caller withdraws).
   */
  flush(batch: LogBatch | null, revokes: ArrayLike<number> = NO_REVOKES, flags: number = LogFlag.flushNormal): number {
    if (!this.mounted) return JournalStatus.notMounted;
    const n = this.n;
    const bs = this.bs;
    const blocksCount = batch === null ? 0 : batch.count;
    let revokesMax = revokes.length;
    for (let i = 0; i < this.revokeQueued; i++)
      if (this.revokeValid(this.revokeQueue[i] as number, this.head)) revokesMax++;
    // An upper bound: a queued revoke of a block this flush logs again is cancelled below.
    const need = metadataBlocksFor(blocksCount, bs) + revokeBlocksFor(revokesMax, bs) + 1;
    if (need > n - 2) return JournalStatus.tooBig;
    // Only a header that moves the committed tail may use the reserved block: it frees at least
    // as much as it takes, so the reserve is there again afterwards and the log cannot jam.
    const reserveBlocks = need === 1 && this.tail !== this.diskTail ? 0 : 1;
    if (need > this.freeBlocks() - reserveBlocks) return JournalStatus.noSpace;

    const start = this.head;
    let pos = start;
    const slot = this.ail.beginFlush(start);
    const perLd = metadataPerDescriptor(bs);
    const buf = this.scratch;
    for (let i = 0; i < blocksCount; i += perLd) {
      const k = Math.min(perLd, blocksCount - i);
      encodeLogDescriptor(buf, 0, bs, LdType.metadata, k + 1, k, 0);
      for (let e = 0; e < k; e++) writeLdEntry(buf, 0, e, (batch as LogBatch).blknos[i + e] as number);
      if (this.writeLog(pos, buf, 0) !== IoStatus.ok) return this.fail();
      pos = pos + 1 === n ? 0 : pos + 1;
      for (let e = 0; e < k; e++) {
        const blk = (batch as LogBatch).blknos[i + e] as number;
        const src = (batch as LogBatch).srcs[i + e] as Uint8Array;
        const off = (batch as LogBatch).offs[i + e] as number;
        if (this.writeLog(pos, src, off) !== IoStatus.ok) return this.fail();
        this.ail.logAt(pos, blk, slot);
        this.blocksLoggedCount++;
        this.events?.emit(Ev.logBlock, blk, metaVersion(src, off), pos, 0);
        pos = pos + 1 === n ? 0 : pos + 1;
      }
    }

    const revokesCount = this.collectRevokes(revokes, pos);
    if (revokesCount > 0) pos = this.writeRevokes(pos, revokesCount);
    if (pos < 0) return this.fail();

    // The header records the oldest flush with unwritten copies (this one, if it logged any).
    const tail = this.ail.advanceTail(start);
    const h = this.lh;
    h.sequence = this.sequence;
    h.flags = flags;
    h.tail = tail;
    h.blkno = pos;
    if (this.writeHeader(pos) !== IoStatus.ok) return this.fail();
    this.head = pos + 1 === n ? 0 : pos + 1;
    this.sequence++;
    this.flushesCount++;
    this.events?.emit(Ev.commit, pos, h.sequence, blocksCount, 0);
    this.setTail(this.ail.advanceTail(this.head));
    this.diskTail = tail;
    return JournalStatus.ok;
  }

  /** Is blk's latest copy tracked and inside the region the next header will cover? */
  private revokeValid(blk: number, head: number): boolean {
    const pos = this.ail.latestPos(blk);
    return pos >= 0 && this.ail.posState[pos] !== PosState.none && inRing(pos, this.tail, head, this.n);
  }

  /** Gather this flush's revokes into revokeOut, dropping their blocks from the AIL. */
  private collectRevokes(revokes: ArrayLike<number>, head: number): number {
    let count = 0;
    for (let i = 0; i < this.revokeQueued; i++) {
      const blk = this.revokeQueue[i] as number;
      const pos = this.ail.latestPos(blk);
      // Skip if logged again since revoke() (state back to dirty): the new copy must replay.
      if (pos < 0 || this.ail.posState[pos] !== PosState.revokeQueued || !inRing(pos, this.tail, head, this.n))
        continue;
      this.ail.drop(blk);
      this.revokeOut[count++] = blk;
    }
    this.revokeQueued = 0;
    for (let i = 0; i < revokes.length && count < this.n; i++) {
      const blk = revokes[i] as number;
      if (!this.revokeValid(blk, head)) continue;
      this.ail.drop(blk);
      this.revokeOut[count++] = blk;
    }
    return count;
  }

  /** Write the REVOKE descriptor and continuations from `pos`; returns the next position or −1. */
  private writeRevokes(startPos: number, revokesCount: number): number {
    const bs = this.bs;
    const n = this.n;
    const buf = this.scratch;
    let pos = startPos;
    let done = 0;
    const lengthBlocks = revokeBlocksFor(revokesCount, bs);
    for (let b = 0; b < lengthBlocks; b++) {
      const first = b === 0;
      if (first) encodeLogDescriptor(buf, 0, bs, LdType.revoke, lengthBlocks, revokesCount, 0);
      else encodeLogContinuation(buf, 0, bs);
      const per = first ? revokesInDescriptor(bs) : revokesPerContinuation(bs);
      for (let e = 0; e < per && done < revokesCount; e++, done++) {
        const blk = this.revokeOut[done] as number;
        writeBe64(buf, revokeEntryOffset(e, first), blk);
        this.events?.emit(Ev.revoke, blk, 0, pos, 0);
      }
      if (this.writeLog(pos, buf, 0) !== IoStatus.ok) return -1;
      pos = pos + 1 === n ? 0 : pos + 1;
    }
    this.revokesCount += revokesCount;
    return pos;
  }

  /**
   * Queue revokes for blocks whose logged copies are still in the active region [tail, head),
   * so a replay cannot put an old copy over what another node writes after our glock is gone.
   * A copy still awaiting write-back is written in place first (the kernel's gfs2_ail_empty_gl
   * requires that), so a committed revoke never hides the only copy. Returns the number of
   * revokes queued (≥ 0) or a negative JournalStatus.
   */
  revoke(blknos: ArrayLike<number>): number {
    if (!this.mounted) return JournalStatus.notMounted;
    let queued = 0;
    for (let i = 0; i < blknos.length; i++) {
      const blk = blknos[i] as number;
      const pos = this.ail.latestPos(blk);
      if (pos < 0 || !inRing(pos, this.tail, this.head, this.n)) continue;
      const st = this.ail.posState[pos] as number;
      if (st === PosState.revokeQueued) continue;
      if (st === PosState.dirty) {
        if (this.writeBackPos(pos) !== IoStatus.ok) return this.fail();
        // The write-back may have finished the copy's flush; then the tail passes it and the
        // next header puts it out of replay's reach without a revoke.
        this.setTail(this.ail.advanceTail(this.head));
        if (!inRing(pos, this.tail, this.head, this.n)) continue;
      }
      this.ail.posState[pos] = PosState.revokeQueued;
      this.revokeQueue[this.revokeQueued++] = blk;
      queued++;
    }
    return queued;
  }

  /**
   * Write up to maxBlocks awaiting copies in place, oldest journal position first, copying each
   * from its journal block; the tail advances past flushes with nothing left to write. Returns
   * the number written (≥ 0) or a negative JournalStatus.
   */
  writeBack(maxBlocks: number): number {
    if (!this.mounted) return JournalStatus.notMounted;
    let written = 0;
    const n = this.n;
    let pos = this.tail;
    const span = (this.head - this.tail + n) % n;
    for (let i = 0; i < span && written < maxBlocks && this.ail.dirtyCount > 0; i++) {
      if (this.ail.posState[pos] === PosState.dirty) {
        if (this.writeBackPos(pos) !== IoStatus.ok) return this.fail();
        written++;
      }
      pos = pos + 1 === n ? 0 : pos + 1;
    }
    this.setTail(this.ail.advanceTail(this.head));
    return written;
  }

  /** Write these blocks' awaiting copies in place (glock go_sync). Returns count or status. */
  writeBackBlocks(blknos: ArrayLike<number>): number {
    if (!this.mounted) return JournalStatus.notMounted;
    let written = 0;
    for (let i = 0; i < blknos.length; i++) {
      const pos = this.ail.latestPos(blknos[i] as number);
      if (pos < 0 || this.ail.posState[pos] !== PosState.dirty) continue;
      if (this.writeBackPos(pos) !== IoStatus.ok) return this.fail();
      written++;
    }
    this.setTail(this.ail.advanceTail(this.head));
    return written;
  }

  /** Clean unmount: one UNMOUNT|SHUTDOWN header whose tail is itself. Needs the AIL empty. */
  unmount(flags: number = LogFlag.unmount | LogFlag.shutdown): number {
    if (!this.mounted) return JournalStatus.notMounted;
    if (this.ail.dirtyCount > 0) return JournalStatus.busy;
    // Queued revokes are moot: the header's tail equals its own position, so nothing replays.
    this.revokeQueued = 0;
    const pos = this.head;
    const h = this.lh;
    h.sequence = this.sequence;
    h.flags = flags;
    h.tail = pos;
    h.blkno = pos;
    if (this.writeHeader(pos) !== IoStatus.ok) return this.fail();
    this.events?.emit(Ev.commit, pos, h.sequence, 0, 0);
    this.head = pos + 1 === this.n ? 0 : pos + 1;
    this.sequence++;
    this.flushesCount++;
    this.mounted = false;
    return JournalStatus.ok;
  }

  /** Copy the journal block at pos to its in-place block, through the scratch block. */
  private writeBackPos(pos: number): number {
    const blk = this.ail.posBlk[pos] as number;
    const buf = this.scratch;
    if (this.io.read(this.node, this.loc.startBlk + pos, buf, 0) !== IoStatus.ok) return IoStatus.eio;
    if (this.io.write(this.node, blk, buf, 0, false) !== IoStatus.ok) return IoStatus.eio;
    this.ail.markWritten(pos);
    this.writeInPlaceBlocksCount++;
    this.events?.emit(Ev.writeInPlace, blk, metaVersion(buf, 0), 0, 0);
    return IoStatus.ok;
  }

  private writeLog(pos: number, src: Uint8Array, off: number): number {
    this.ail.clearPos(pos);
    return this.io.write(this.node, this.loc.startBlk + pos, src, off, true);
  }

  /** Encode this.lh (sequence, flags, tail, blkno already set) and write it at pos. */
  private writeHeader(pos: number): number {
    const h = this.lh;
    const t = this.clock === null ? 0 : this.clock.nowNs();
    h.sec = Math.floor(t / 1e9);
    h.nsec = Math.floor(t - h.sec * 1e9);
    h.addr = this.loc.startBlk + pos;
    h.jinode = this.loc.jinodeBlk ?? 0;
    h.jid = this.node;
    encodeLogHeader(this.scratch, 0, this.bs, h);
    return this.writeLog(pos, this.scratch, 0);
  }

  private setTail(tail: number): void {
    if (tail === this.tail) return;
    this.tail = tail;
    this.events?.emit(Ev.tail, tail, this.head, 0, 0);
  }

  /** After an I/O error the in-core log no longer matches the disk: refuse further work. */
  private fail(): number {
    this.mounted = false;
    return JournalStatus.eio;
  }
}
