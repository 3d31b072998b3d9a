// Where journal `jid` lives, as the journal code wants it.

import { type FsLayout, journalFirstBlock } from '../disk/fs-layout.js';
import type { JournalLoc } from '../journal/types.js';

export function journalLoc(fs: FsLayout, jid: number): JournalLoc {
  return { jid, startBlk: journalFirstBlock(fs, jid), journalBlocks: fs.journalBlocks, blockSize: fs.blockSize };
}
