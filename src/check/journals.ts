// "Every journal is clean after a clean unmount" (reference §5.5): reads each journal's head
// from the disk image. A passive observer: it decides from the bytes only.

import { type FsLayout, journalFirstBlock } from '../disk/fs-layout.js';
import { findHead } from '../journal/head.js';
import { newJournalHead } from '../journal/types.js';
import type { BlockIo } from '../platform/platform.js';

export interface JournalState {
  readonly jid: number;
  readonly clean: boolean;
  readonly head: number;
  readonly sequence: number;
  readonly status: number;
}

export function readJournalStates(io: BlockIo, fs: FsLayout): JournalState[] {
  const out: JournalState[] = [];
  const head = newJournalHead();
  const scratch = new Uint8Array(fs.blockSize);
  for (let jid = 0; jid < fs.journals; jid++) {
    const loc = { jid, startBlk: journalFirstBlock(fs, jid), journalBlocks: fs.journalBlocks, blockSize: fs.blockSize };
    const st = findHead(io, 0, loc, head, scratch);
    out.push({ jid, clean: st === 0 && head.clean, head: head.blkno, sequence: head.sequence, status: st });
  }
  return out;
}
