// P5 (journal replay of METADATA blocks vs copyWithin of the same blocks to the same places) and
// the reported log flush figure, both on the real disk region of a cluster memory.
//
// P5 setup: node 0's journal is filled by the real LogManager with flushes of metadata images
// and never written back, so replay has every image to copy. Replay writes one clean header at
// head + 1; an untimed beforeEach puts that one block back so every timed call replays the same
// dirty journal. The baseline copies the same (journal position → in-place block) pairs, in the
// same order, with Uint8Array.copyWithin on the same bytes. Both sides are "higher is better"
// (blocks per second); ratio = replay / copyWithin, target ≥ 0.5×.

import { crc32 } from '../../src/disk/crc.js';
import { MetaType, writeMetaHeader } from '../../src/disk/meta.js';
import { LogBatch, LogManager } from '../../src/journal/log.js';
import { mkfsJournal } from '../../src/journal/mkfs.js';
import { createReplayScratch, newReplayResult, replayJournal, scanJournal } from '../../src/journal/replay.js';
import { JournalStatus } from '../../src/journal/types.js';
import type { ClusterMemory } from '../../src/memory/cluster-memory.js';
import { createClusterMemory } from '../../src/memory/cluster-memory.js';
import { journalLoc } from '../../src/node/journal-loc.js';
import { Prng } from '../../src/platform/prng.js';
import { microConfig } from './cluster.js';
import { type Paired, type PairedOptions, pairedCallMs } from './timing.js';

export interface JournalFigures {
  /** Blocks per second, paired samples. */
  readonly replay: Paired;
  readonly images: number;
  /** CRC-32 of the in-place blocks after one replay, and after one copyWithin pass (must match). */
  readonly replayCrc: number;
  readonly copyCrc: number;
  /** ns per flush of `flushBlocks` images (descriptor + images + header with its CRCs). */
  readonly flushNs: number[];
  readonly flushBlocks: number;
  readonly flushes: number;
}

const FLUSH_BATCH = 64;

export function measureJournal(
  seed: number,
  o: Omit<PairedOptions, 'batch'>,
  journalBlocks: number,
  flushBlocks: number,
): JournalFigures {
  const cfg = microConfig(seed, 1, journalBlocks);
  const mem = createClusterMemory(cfg);
  const disk = mem.disk;
  const bs = cfg.blockSize;
  const loc = journalLoc(mem.layout.fs, 0);
  const rnd = new Prng(seed, 0x6d696372);
  if (mkfsJournal(disk, 0, loc, rnd.below(journalBlocks)) !== JournalStatus.ok)
    throw new Error('P5: mkfs of the journal failed');
  // In-place targets: the blocks after the journals, each logged once (microConfig sizes the
  // disk so there are more of them than journal blocks).
  const firstTarget = mem.layout.fs.dirStart;
  const targets = mem.layout.totalBlocks - firstTarget;
  if (targets < journalBlocks) throw new Error(`P5: ${targets} in-place blocks for a ${journalBlocks}-block journal`);
  const log = new LogManager(disk, 0, loc);
  if (log.mount() !== JournalStatus.ok) throw new Error('P5: mount of the fresh journal failed');
  // Flushes of FLUSH_BATCH images, smaller in a journal too short to hold a few of them.
  const perFlush = Math.min(FLUSH_BATCH, Math.floor(journalBlocks / 4));
  const batch = new LogBatch(perFlush);
  const imgs = new Uint8Array(perFlush * bs);
  let logged = 0;
  // Bounded: the log has room for fewer than journalBlocks / perFlush flushes.
  for (let version = 1; version <= journalBlocks; version++) {
    batch.clear();
    for (let e = 0; e < perFlush; e++) {
      const blk = firstTarget + ((logged + e) % targets);
      const off = e * bs;
      writeMetaHeader(imgs, off, MetaType.in, version, 0);
      for (let i = 24; i < bs; i += 4) imgs[off + i] = rnd.below(256);
      batch.add(blk, imgs, off);
    }
    const st = log.flush(batch);
    if (st === JournalStatus.noSpace) break;
    if (st !== JournalStatus.ok) throw new Error(`P5: filling the journal: flush returned ${st}`);
    logged += perFlush;
  }
  const pairs = imagePairs(mem, loc.startBlk, journalBlocks);
  if (pairs.src.length !== logged) throw new Error(`P5: scan found ${pairs.src.length} images, ${logged} were logged`);

  const bytes = disk.bytes;
  const scratch = createReplayScratch(journalBlocks, bs);
  const result = newReplayResult();
  const replayOpts = { scratch, out: result, diskBlocks: mem.layout.totalBlocks };
  // One untimed replay on a copy of the journal finds the block it overwrites (the clean header).
  const journalBytes = bytes.slice(loc.startBlk * bs, (loc.startBlk + journalBlocks) * bs);
  const targetsStart = firstTarget * bs;
  const targetsEnd = mem.layout.totalBlocks * bs;
  bytes.fill(0, targetsStart, targetsEnd);
  replayJournal(disk, 0, loc, null, replayOpts);
  if (result.status !== JournalStatus.ok || result.replayed !== logged)
    throw new Error(`P5: replay status ${result.status}, replayed ${result.replayed} of ${logged}`);
  const replayCrc = crc32(bytes, targetsStart, targetsEnd);
  const cleanPos = loc.startBlk + ((result.headBlkno + 1) % journalBlocks);
  const saved = journalBytes.slice((cleanPos - loc.startBlk) * bs, (cleanPos - loc.startBlk + 1) * bs);
  const restore = (): void => bytes.set(saved, cleanPos * bs);
  restore();
  bytes.fill(0, targetsStart, targetsEnd);
  const copyAll = (): void => {
    const src = pairs.src;
    const dst = pairs.dst;
    for (let i = 0; i < src.length; i++) {
      const s = (src[i] as number) * bs;
      bytes.copyWithin((dst[i] as number) * bs, s, s + bs);
    }
  };
  copyAll();
  const copyCrc = crc32(bytes, targetsStart, targetsEnd);

  let replays = 0;
  const ms = pairedCallMs(
    o,
    () => {
      replayJournal(disk, 0, loc, null, replayOpts);
      replays += result.replayed;
    },
    copyAll,
    { valueBefore: restore },
  );
  if (replays === 0 || result.status !== JournalStatus.ok)
    throw new Error(`P5: timed replays failed (status ${result.status})`);
  const perSec = (x: number): number => logged / (x / 1000);
  const replay = { value: ms.value.map(perSec), baseline: ms.baseline.map(perSec) };

  const flush = measureFlush(mem, o, flushBlocks, seed);
  return { replay, images: logged, replayCrc, copyCrc, flushNs: flush.ns, flushBlocks, flushes: flush.flushes };
}

/** (journal block, in-place block) of every logged image, in journal order. */
function imagePairs(mem: ClusterMemory, startBlk: number, journalBlocks: number): { src: Int32Array; dst: Int32Array } {
  const src: number[] = [];
  const dst: number[] = [];
  const st = scanJournal(
    mem.disk,
    0,
    journalLoc(mem.layout.fs, 0),
    (blkno, pos, _version, revoked) => {
      if (revoked) throw new Error('P5: the bench journal has no revokes');
      src.push(startBlk + pos);
      dst.push(blkno);
    },
    createReplayScratch(journalBlocks, mem.layout.fs.blockSize),
  );
  if (st !== JournalStatus.ok) throw new Error(`P5: scan status ${st}`);
  return { src: Int32Array.from(src), dst: Int32Array.from(dst) };
}

/**
 * ns per LogManager.flush of `blocks` images on a fresh journal. When the log runs low, an
 * untimed beforeEach writes the logged blocks back and flushes a header to pull the tail.
 */
function measureFlush(
  mem: ClusterMemory,
  o: Omit<PairedOptions, 'batch'>,
  blocks: number,
  seed: number,
): { ns: number[]; flushes: number } {
  const bs = mem.layout.fs.blockSize;
  const loc = journalLoc(mem.layout.fs, 0);
  if (mkfsJournal(mem.disk, 0, loc, seed % loc.journalBlocks) !== JournalStatus.ok)
    throw new Error('log flush: mkfs failed');
  const log = new LogManager(mem.disk, 0, loc);
  if (log.mount() !== JournalStatus.ok) throw new Error('log flush: mount failed');
  const batch = new LogBatch(blocks);
  const imgs = new Uint8Array(blocks * bs);
  const blknos = new Float64Array(blocks);
  for (let e = 0; e < blocks; e++) {
    blknos[e] = mem.layout.fs.dirStart + e;
    writeMetaHeader(imgs, e * bs, MetaType.in, 1, 0);
    batch.add(blknos[e] as number, imgs, e * bs);
  }
  let flushes = 0;
  let bad = 0;
  const makeRoom = (): void => {
    if (log.freeBlocks() > 2 * (blocks + 2)) return;
    log.writeBackBlocks(blknos);
    if (log.flush(null) !== JournalStatus.ok) bad++;
  };
  // The flush is paired with itself only to reuse the paired runner; the baseline side is unused.
  const ms = pairedCallMs(
    o,
    () => {
      if (log.flush(batch) === JournalStatus.ok) flushes++;
      else bad++;
    },
    () => {},
    { valueBefore: makeRoom },
  );
  if (bad > 0) throw new Error(`log flush: ${bad} flushes failed`);
  return { ns: ms.value.map((x) => x * 1e6), flushes };
}
