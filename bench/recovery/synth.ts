// Replay throughput against dirty-journal size and revoke density, on journals written by the
// engine's own LogManager (src/journal/log.ts) onto a SharedDisk (the cluster's block device),
// so the sizes and the share of revoked images are exact rather than whatever a workload left.
//
// A journal is built flush by flush, up to 32 metadata images each (flushImagesFor), until its dirty
// region reaches the target; after each flush a `revokeDensity` share of the previous flush's
// blocks is revoked (the next flush carries the revokes). The first flush is never revoked, so
// the tail stays put and everything logged stays in the dirty region. Timed: replayJournal
// alone (head search over the whole journal, revoke pass, replay pass, clean header).

import { SharedDisk } from '../../src/disk/device.js';
import { MetaType, writeMetaHeader } from '../../src/disk/meta.js';
import { monotonicNs } from '../../src/driver/mono-clock.js';
import { LogBatch, LogManager } from '../../src/journal/log.js';
import { mkfsJournal } from '../../src/journal/mkfs.js';
import { createReplayScratch, replayJournal } from '../../src/journal/replay.js';
import { type JournalLoc, JournalStatus } from '../../src/journal/types.js';

/** Images per flush: a busy node's flush at kernel timing carries tens of blocks; small journals get smaller flushes so they still hold several (and revokes). */
function flushImagesFor(spanBlocks: number): number {
  return Math.max(4, Math.min(32, Math.floor(spanBlocks / 8)));
}

export interface SynthJournal {
  readonly disk: SharedDisk;
  readonly loc: JournalLoc;
  readonly diskBlocks: number;
  /** Dirty region, tail to head, blocks. */
  readonly spanBlocks: number;
  readonly images: number;
  readonly revoked: number;
  /** Position of the block replay overwrites with its clean header, and what was there. */
  readonly cleanPos: number;
  readonly cleanPosBlock: Uint8Array;
}

/** The journal size the suite uses for a dirty region of `spanBlocks` (room for 2×, like the cluster runs). */
export function journalBlocksFor(spanBlocks: number): number {
  return Math.max(1024, 2 * spanBlocks + 64);
}

export function buildSynthJournal(spanBlocks: number, revokeDensity: number, blockSize = 4096): SynthJournal {
  const n = journalBlocksFor(spanBlocks);
  const flushImages = flushImagesFor(spanBlocks);
  // In-place targets after the journal: one distinct block per image, so nothing is logged twice.
  const dataBlocks = spanBlocks + flushImages;
  const diskBlocks = n + dataBlocks;
  const disk = new SharedDisk(new SharedArrayBuffer(diskBlocks * blockSize), 0, diskBlocks, blockSize);
  const loc: JournalLoc = { jid: 0, startBlk: 0, journalBlocks: n, blockSize };
  if (mkfsJournal(disk, 0, loc, 0) !== JournalStatus.ok) throw new Error('synth: mkfs failed');
  const log = new LogManager(disk, 0, loc);
  if (log.mount() !== JournalStatus.ok) throw new Error('synth: mount failed');
  const pool = new Uint8Array(flushImages * blockSize);
  const batch = new LogBatch(flushImages);
  const prev: number[] = [];
  const revokes: number[] = [];
  let next = n;
  let images = 0;
  let revoked = 0;
  let version = 1;
  for (;;) {
    // The flush that would cross the target is not written: the region stays at or under it.
    const flushBlocks = 1 + flushImages + 2 + 1;
    if (log.usedBlocks() + flushBlocks > spanBlocks || next + flushImages > diskBlocks) break;
    batch.clear();
    const cur: number[] = [];
    for (let i = 0; i < flushImages; i++) {
      writeMetaHeader(pool, i * blockSize, MetaType.in, version++, 0);
      batch.add(next, pool, i * blockSize);
      cur.push(next++);
    }
    revokes.length = 0;
    if (prev.length > 0 && images > flushImages) {
      const k = Math.round(revokeDensity * prev.length);
      for (let i = 0; i < k; i++) revokes.push(prev[i] as number);
      const q = log.revoke(revokes);
      if (q < 0) throw new Error(`synth: revoke failed (${q})`);
      revoked += q;
    }
    const st = log.flush(batch);
    if (st !== JournalStatus.ok) throw new Error(`synth: flush failed (${st})`);
    images += flushImages;
    prev.length = 0;
    prev.push(...cur);
  }
  const cleanPos = log.head;
  return {
    disk,
    loc,
    diskBlocks,
    spanBlocks: log.usedBlocks(),
    images,
    revoked,
    cleanPos,
    cleanPosBlock: disk.bytes.slice(cleanPos * blockSize, (cleanPos + 1) * blockSize),
  };
}

/** Time `reps` replays of `j` (each starts from the same dirty journal). Returns ns per replay. */
export function timeSynthReplay(j: SynthJournal, reps: number): { samplesNs: number[]; imagesReplayed: number } {
  const bs = j.loc.blockSize;
  const scratch = createReplayScratch(j.loc.journalBlocks, bs);
  const opts = { scratch, diskBlocks: j.diskBlocks };
  const samplesNs: number[] = [];
  let imagesReplayed = 0;
  for (let i = 0; i < reps; i++) {
    j.disk.bytes.set(j.cleanPosBlock, j.cleanPos * bs);
    const t0 = monotonicNs();
    const r = replayJournal(j.disk, 1, j.loc, null, opts);
    const dt = monotonicNs() - t0;
    if (r.status !== JournalStatus.ok || r.clean)
      throw new Error(`synth: replay ended with status ${r.status} (clean ${r.clean})`);
    imagesReplayed = r.replayed;
    samplesNs.push(dt);
  }
  return { samplesNs, imagesReplayed };
}
