// Capacities derived from the config that both the validator and the nodes need: the in-core
// log must fit in one journal flush, and the operations in flight on a node must fit in it.

import { bitbytesFor, rgrpLengthFor } from '../disk/rgrp-format.js';
import { limits } from './limits.js';

/** The in-core log's capacity for a journal of `journalBlocks` (a flush must fit in it). */
export function inCoreLogBlocks(journalBlocks: number): number {
  return Math.max(8, Math.min(limits.bufferCacheBlocksMax / 2, journalBlocks - 8));
}

/** Worst case blocks one operation step adds: directory, dinode, data, and one rgrp's header and bitmaps. */
export function opReserveBlocksFor(rgrpDataBlocks: number, blockSize: number): number {
  return 3 + rgrpLengthFor(bitbytesFor(rgrpDataBlocks), blockSize);
}
