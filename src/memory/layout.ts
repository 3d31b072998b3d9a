// The one layout of the SharedArrayBuffer. Every region's offset is computed here from the
// validated config and limits.ts, once; every thread builds its views from the same numbers
// (computeLayout is pure), so no offsets ever travel between threads.
//
//   control    Int32 words named in slots.ts (run state, per-node phase/ops/commands)
//   versions   Int32 per disk block: highest committed version (written by the version seam,
//              read by the checker)
//   nodeStats  Float64 per node × NODE_STAT_FIELDS (see node-stats.ts)
//   glockStats Float64 per node × resource × GLOCK_STAT_FIELDS (glock layer statistics)
//   events     one EventRing per node
//   dlm        the lock table, queues, LVBs and the callback rings (src/dlm/layout.ts)
//   disk       the shared disk: totalBlocks × blockSize bytes (src/disk/fs-layout.ts)

import { limits } from '../config/limits.js';
import type { Config } from '../config/types.js';
import { type FsLayout, fsLayout } from '../disk/fs-layout.js';
import { dlmRegionBytes } from '../dlm/layout.js';
import { glockStatsRegionLength } from '../glock/stats.js';
import { computeRgrpGeometry, type RgrpGeometry } from '../rgrp/geometry.js';
import { eventRingBytes } from './event-ring.js';
import { NODE_STAT_FIELDS } from './node-stats.js';
import { controlWords } from './slots.js';

export interface Layout {
  readonly fs: FsLayout;
  readonly rgrps: RgrpGeometry;
  readonly totalBlocks: number;
  readonly controlOffset: number;
  readonly versionsOffset: number;
  readonly nodeStatsOffset: number;
  readonly glockStatsOffset: number;
  readonly eventsOffset: number;
  readonly eventRingBytes: number;
  readonly dlmOffset: number;
  readonly diskOffset: number;
  readonly totalBytes: number;
}

const align = (n: number) => Math.ceil(n / 64) * 64;

export function computeLayout(cfg: Config): Layout {
  const fs = fsLayout(cfg.blockSize, cfg.nodes, cfg.journalBlocks, cfg.files);
  const rgrps = computeRgrpGeometry(fs.rgrpStart, cfg.rgrps, cfg.rgrpDataBlocks, cfg.blockSize);
  const totalBlocks = rgrps.endBlock;
  let off = 0;
  const controlOffset = off;
  off = align(off + controlWords(cfg.nodes) * 4);
  const versionsOffset = off;
  off = align(off + totalBlocks * 4);
  const nodeStatsOffset = off;
  off = align(off + cfg.nodes * NODE_STAT_FIELDS * 8);
  const glockStatsOffset = off;
  off = align(off + glockStatsRegionLength(cfg.nodes, limits.dlmResourcesMax) * 8);
  const eventsOffset = off;
  const ringBytes = align(eventRingBytes(limits.eventRingEntries));
  off = align(off + cfg.nodes * ringBytes);
  const dlmOffset = off;
  off = align(off + dlmRegionBytes(cfg.nodes));
  const diskOffset = off;
  off = align(off + totalBlocks * cfg.blockSize);
  return {
    fs,
    rgrps,
    totalBlocks,
    controlOffset,
    versionsOffset,
    nodeStatsOffset,
    glockStatsOffset,
    eventsOffset,
    eventRingBytes: ringBytes,
    dlmOffset,
    diskOffset,
    totalBytes: off,
  };
}
