// Reads the workload's directory from a quiescent disk image: every file slot's dinode and its
// data blocks, as the I4 checker's ownership list. A passive reader: it trusts nothing it
// reads (a pointer outside the disk or a non-dinode block is reported, not followed).

import {
  DINODE_NDATA_OFFSET,
  DINODE_PTR_OFFSET,
  DIR_ENTRIES_PER_BLOCK,
  dirEntryOffset,
  FILE_DATA_BLOCKS_MAX,
  type FsLayout,
} from '../disk/fs-layout.js';
import { MetaType, metaMagicOk, metaType, readBe32, readBe64 } from '../disk/meta.js';
import type { OwnedObject } from './bitmap.js';

export interface OwnershipScan {
  readonly owned: OwnedObject[];
  readonly problems: { slot: number; block: number; detail: string }[];
}

export function scanOwnership(disk: Uint8Array, fs: FsLayout, totalBlocks: number): OwnershipScan {
  const bs = fs.blockSize;
  const owned: OwnedObject[] = [];
  const problems: { slot: number; block: number; detail: string }[] = [];
  for (let slot = 0; slot < fs.files; slot++) {
    const dirBlk = fs.dirStart + Math.floor(slot / DIR_ENTRIES_PER_BLOCK);
    const ino = readBe64(disk, dirBlk * bs + dirEntryOffset(slot));
    if (ino === 0) continue;
    if (ino >= totalBlocks) {
      problems.push({ slot, block: ino, detail: `directory entry points outside the disk (${totalBlocks} blocks)` });
      continue;
    }
    const o = ino * bs;
    if (!metaMagicOk(disk, o) || metaType(disk, o) !== MetaType.di) {
      problems.push({ slot, block: ino, detail: 'directory entry points to a block that is not a dinode' });
      owned.push({ id: slot, dinodeBlock: ino, dataBlocks: [] });
      continue;
    }
    const n = Math.min(readBe32(disk, o + DINODE_NDATA_OFFSET), FILE_DATA_BLOCKS_MAX);
    const data: number[] = [];
    for (let i = 0; i < n; i++) data.push(readBe64(disk, o + DINODE_PTR_OFFSET + i * 8));
    owned.push({ id: slot, dinodeBlock: ino, dataBlocks: data });
  }
  return { owned, problems };
}
