// Shared shapes of the journal code: where a journal lives, what its operations return.
// A journal is a contiguous range of the shared disk: logical block i ↔ disk block startBlk + i.

/** Where one node's journal lives on the shared disk. */
export interface JournalLoc {
  /** Journal id (= the owning node's id). */
  readonly jid: number;
  /** Absolute disk block of logical journal block 0. */
  readonly startBlk: number;
  /** N: logical blocks 0..N−1. */
  readonly journalBlocks: number;
  readonly blockSize: number;
  /** Block of the journal's dinode, written into lh_jinode as the kernel and mkfs do; 0 if none. */
  readonly jinodeBlk?: number;
}

/**
 * Status codes of journal operations (errno-like; negative = failure). eio equals IoStatus.eio
 * so an I/O error passes through unchanged; the caller withdraws on it.
 */
export const JournalStatus = {
  ok: 0,
  /** A block read or write failed (IoStatus.eio). */
  eio: -5,
  /** A flush would not fit in the journal as a whole. */
  tooBig: -7,
  /** unmount with blocks still awaiting write-back. */
  busy: -16,
  /** Operation on a log that is not mounted (or was withdrawn after an I/O error). */
  notMounted: -22,
  /** Not enough free journal space between head and tail: write back, flush, retry. */
  noSpace: -28,
  /** No valid log header anywhere in the journal. */
  noHead: -61,
  /** A descriptor, continuation or in-range header is corrupt; replay stopped. */
  corrupt: -74,
  /** The journal head is not UNMOUNT: it must be replayed before mounting. */
  dirty: -117,
} as const;

export type JournalStatusCode = (typeof JournalStatus)[keyof typeof JournalStatus];

/** What findHead reports. One instance is reused by its owner (no allocation per scan). */
export interface JournalHead {
  status: number;
  /** Logical block of the head log header. */
  blkno: number;
  sequence: number;
  flags: number;
  /** lh_tail of the head: where replay starts. */
  tail: number;
  /** The head has UNMOUNT set (reference §5.5). */
  clean: boolean;
  /** Valid log headers seen before the scan stopped. */
  validHeaders: number;
  /** Blocks that looked like headers (magic + type LH) but failed hash, crc or lh_blkno. */
  corruptHeaders: number;
}

export function newJournalHead(): JournalHead {
  return {
    status: JournalStatus.noHead,
    blkno: 0,
    sequence: 0,
    flags: 0,
    tail: 0,
    clean: false,
    validHeaders: 0,
    corruptHeaders: 0,
  };
}

/** Validate a JournalLoc up front (programming errors, not disk conditions). */
export function assertJournalLoc(loc: JournalLoc): void {
  if (!Number.isInteger(loc.journalBlocks) || loc.journalBlocks < 2) {
    throw new RangeError(`journalBlocks: expected an integer ≥ 2, received ${loc.journalBlocks}`);
  }
  if (!Number.isInteger(loc.startBlk) || loc.startBlk < 0) {
    throw new RangeError(`startBlk: expected a non-negative integer, received ${loc.startBlk}`);
  }
  if (!Number.isInteger(loc.blockSize) || loc.blockSize < 512 || (loc.blockSize & (loc.blockSize - 1)) !== 0) {
    throw new RangeError(`blockSize: expected a power of two ≥ 512, received ${loc.blockSize}`);
  }
}
