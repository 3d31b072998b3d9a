// mkfs for the shared disk, run once on the main thread before any node starts (like running
// mkfs.gfs2 before mounting): a superblock, one journal per node (every block an UNMOUNT
// header, mkfs style), the directory blocks of the file slots, and the resource groups.

import type { Config } from '../config/types.js';
import { MetaType, writeMetaHeader } from '../disk/meta.js';
import { mkfsJournal } from '../journal/mkfs.js';
import type { ClusterMemory } from '../memory/cluster-memory.js';
import { journalLoc } from '../node/journal-loc.js';
import { Prng } from '../platform/prng.js';
import { mkfsRgrpsInto } from '../rgrp/mkfs.js';

export function mkfsCluster(mem: ClusterMemory, cfg: Config): void {
  const { fs, rgrps } = mem.layout;
  const disk = mem.disk;
  const bs = cfg.blockSize;
  const scratch = new Uint8Array(bs);
  writeMetaHeader(scratch, 0, MetaType.sb, 0, 0);
  disk.write(0, fs.sbBlock, scratch, 0, false);
  const rnd = new Prng(cfg.seed, 0x6d6b6673);
  for (let jid = 0; jid < fs.journals; jid++) {
    // mkfs.gfs2 starts each journal's sequence at a random value (reference §5.4).
    const s0 = rnd.below(fs.journalBlocks);
    const st = mkfsJournal(disk, 0, journalLoc(fs, jid), s0);
    if (st !== 0) throw new Error(`mkfs: journal ${jid} could not be written (status ${st})`);
  }
  for (let i = 0; i < fs.dirBlocks; i++) {
    scratch.fill(0);
    writeMetaHeader(scratch, 0, MetaType.di, 0, 0);
    disk.write(0, fs.dirStart + i, scratch, 0, false);
  }
  mkfsRgrpsInto(disk.bytes, rgrps);
}
