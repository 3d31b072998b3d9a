// P6's baseline: replay alone (src/journal/replay.ts, nothing else) of the very journal a cluster
// run recovered, in this process, right after that run.
//
// The journal as it was when its node withdrew is rebuilt from the run's --dump-journals image
// (taken after unmount). Between the withdraw and the dump only one journal block changed: the
// clean header replay wrote at head + 1; nothing else writes a withdrawn node's journal (no
// remount in these runs). That block is put back as mkfs wrote it: mkfs is deterministic in the
// seed, and the runs size the journal so the withdrawn node never wrapped onto it. Three checks
// make sure the rebuild is the journal the cluster replayed: the rebuilt head is dirty and sits
// right before the clean header, replay alone replays exactly as many images as the cluster
// did, and the clean header it writes is byte for byte the one on the dumped image.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../src/config/types.js';
import { monotonicNs } from '../../src/driver/mono-clock.js';
import { findHead } from '../../src/journal/head.js';
import { createReplayScratch, replayJournal } from '../../src/journal/replay.js';
import { type JournalHead, type JournalLoc, JournalStatus, newJournalHead } from '../../src/journal/types.js';
import { type ClusterMemory, createClusterMemory } from '../../src/memory/cluster-memory.js';
import { journalLoc } from '../../src/node/journal-loc.js';
import { mkfsCluster } from '../../src/orchestrator/mkfs.js';

export interface ReplayAlone {
  /** Dirty region of the rebuilt journal: blocks from its tail up to its head (headers, descriptors, images). */
  readonly spanBlocks: number;
  readonly imagesReplayed: number;
  /** One replayJournal call each (head search, both passes, clean header), ns. */
  readonly samplesNs: readonly number[];
}

/** One shared disk per layout, reused across samples (a fresh mkfs per seed rewrites it). */
let cached: { key: string; mem: ClusterMemory } | null = null;

function memoryFor(cfg: Config): ClusterMemory {
  const key = `${cfg.nodes}/${cfg.journalBlocks}/${cfg.blockSize}/${cfg.rgrps}/${cfg.rgrpDataBlocks}/${cfg.files}`;
  if (cached === null || cached.key !== key) cached = { key, mem: createClusterMemory(cfg) };
  return cached.mem;
}

function blockOf(img: Uint8Array, pos: number, bs: number): Uint8Array {
  return img.subarray(pos * bs, (pos + 1) * bs);
}

function writeJournal(mem: ClusterMemory, loc: JournalLoc, img: Uint8Array): void {
  mem.disk.bytes.set(img, loc.startBlk * loc.blockSize);
}

function headOf(mem: ClusterMemory, loc: JournalLoc, out: JournalHead): void {
  if (findHead(mem.disk, 0, loc, out) !== JournalStatus.ok)
    throw new Error(`journal ${loc.jid}: no head found in the rebuilt image`);
}

/**
 * Rebuild journal `jid` of the run whose config is `cfg` from `dumpDir`, check it, and time
 * `reps` replays of it as node `replayedBy`. Throws when a check fails (the rebuild would not
 * be the same journal, so no baseline is better than a wrong one).
 */
export function replayAloneFromDump(
  cfg: Config,
  dumpDir: string,
  jid: number,
  replayedBy: number,
  imagesExpected: number,
  reps: number,
): ReplayAlone {
  const mem = memoryFor(cfg);
  mkfsCluster(mem, cfg);
  const loc = journalLoc(mem.layout.fs, jid);
  const bs = loc.blockSize;
  const n = loc.journalBlocks;
  const fresh = mem.disk.bytes.slice(loc.startBlk * bs, (loc.startBlk + n) * bs);
  const dumped = new Uint8Array(readFileSync(join(dumpDir, `journal${jid}.bin`)));
  if (dumped.length !== n * bs)
    throw new Error(`journal ${jid}: dump holds ${dumped.length} bytes, expected ${n * bs}`);

  writeJournal(mem, loc, dumped);
  const head = newJournalHead();
  headOf(mem, loc, head);
  if (!head.clean) throw new Error(`journal ${jid}: the dumped journal is not clean; was it recovered?`);
  const cleanPos = head.blkno;
  const cleanHeader = blockOf(dumped, cleanPos, bs).slice();
  const original = blockOf(fresh, cleanPos, bs);
  const restore = (): void => mem.disk.bytes.set(original, (loc.startBlk + cleanPos) * bs);

  restore();
  headOf(mem, loc, head);
  if (head.clean || head.blkno !== (cleanPos - 1 + n) % n) {
    throw new Error(
      `journal ${jid}: rebuilt head at ${head.blkno} (clean ${head.clean}), expected a dirty head at ${(cleanPos - 1 + n) % n}`,
    );
  }
  const spanBlocks = (head.blkno - head.tail + n) % n;

  const scratch = createReplayScratch(n, bs);
  const opts = { scratch, diskBlocks: mem.layout.totalBlocks };
  const samplesNs: number[] = [];
  let imagesReplayed = 0;
  for (let i = 0; i < reps; i++) {
    restore();
    const t0 = monotonicNs();
    const r = replayJournal(mem.disk, replayedBy, loc, null, opts);
    const dt = monotonicNs() - t0;
    if (r.status !== JournalStatus.ok || r.clean)
      throw new Error(`journal ${jid}: replay alone ended with status ${r.status} (clean ${r.clean})`);
    imagesReplayed = r.replayed;
    samplesNs.push(dt);
  }
  if (imagesReplayed !== imagesExpected) {
    throw new Error(`journal ${jid}: replay alone replayed ${imagesReplayed} images, the cluster ${imagesExpected}`);
  }
  const written = mem.disk.bytes.subarray((loc.startBlk + cleanPos) * bs, (loc.startBlk + cleanPos + 1) * bs);
  if (Buffer.compare(written, cleanHeader) !== 0)
    throw new Error(`journal ${jid}: replay alone wrote a different clean header than the cluster`);
  return { spanBlocks, imagesReplayed, samplesNs };
}
