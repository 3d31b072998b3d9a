// `--dump-journals`: a journal's raw blocks in logical order, block 0 first, as they are on the
// shared disk (cold path; allocates the result).

import { type BlockIo, IoStatus } from '../platform/platform.js';
import type { JournalLoc } from './types.js';

/** The journal's N blocks concatenated, or null if a read failed. */
export function dumpJournal(io: BlockIo, node: number, loc: JournalLoc): Uint8Array | null {
  const bs = loc.blockSize;
  const out = new Uint8Array(loc.journalBlocks * bs);
  for (let j = 0; j < loc.journalBlocks; j++) {
    if (io.read(node, loc.startBlk + j, out, j * bs) !== IoStatus.ok) return null;
  }
  return out;
}
