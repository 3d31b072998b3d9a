// Where things live on the shared disk (block numbers). Like mkfs.gfs2: the superblock at byte
// 65536, then one journal per node, then the directory blocks of the workload's file slots,
// then the resource groups. The directory is this engine's stand-in for gfs2 directories: a
// fixed table of file slots, each an 8-byte dinode address, grouped into directory blocks
// that each have their own inode glock.

export const DIR_ENTRIES_PER_BLOCK = 16;
/** Byte offset of the first directory entry in a directory block (after the meta header). */
export const DIR_ENTRY_OFFSET = 32;
/** Our dinode: meta header (DI), then u32 data-block count at 24, then u64 block pointers at 32. */
export const DINODE_NDATA_OFFSET = 24;
export const DINODE_PTR_OFFSET = 32;
export const FILE_DATA_BLOCKS_MAX = 16;

export interface FsLayout {
  readonly blockSize: number;
  readonly sbBlock: number;
  readonly journalStart: number;
  readonly journalBlocks: number;
  readonly journals: number;
  readonly dirStart: number;
  readonly dirBlocks: number;
  readonly files: number;
  readonly rgrpStart: number;
}

export function fsLayout(blockSize: number, nodes: number, journalBlocks: number, files: number): FsLayout {
  const sbBlock = Math.ceil(65536 / blockSize);
  const journalStart = sbBlock + 1;
  const dirStart = journalStart + nodes * journalBlocks;
  const dirBlocks = Math.ceil(files / DIR_ENTRIES_PER_BLOCK);
  return {
    blockSize,
    sbBlock,
    journalStart,
    journalBlocks,
    journals: nodes,
    dirStart,
    dirBlocks,
    files,
    rgrpStart: dirStart + dirBlocks,
  };
}

export function journalFirstBlock(l: FsLayout, jid: number): number {
  return l.journalStart + jid * l.journalBlocks;
}

export function dirBlockOf(l: FsLayout, slot: number): number {
  return l.dirStart + Math.floor(slot / DIR_ENTRIES_PER_BLOCK);
}

export function dirEntryOffset(slot: number): number {
  return DIR_ENTRY_OFFSET + (slot % DIR_ENTRIES_PER_BLOCK) * 8;
}
