// Public names of the journal: on-disk log format helpers live in src/disk/log-format.ts.

export { mkfsJournal } from './mkfs.js';
export { findHead } from './head.js';
export { LogBatch, LogManager } from './log.js';
export { createReplayScratch, newReplayResult, replayJournal, scanJournal } from './replay.js';
export type { BlockCopyIo, ReplayOptions, ReplayResult, ReplayScratch, ScanVisitor } from './replay.js';
export { dumpJournal } from './dump.js';
export { assertJournalLoc, JournalStatus, newJournalHead } from './types.js';
export type { JournalHead, JournalLoc, JournalStatusCode } from './types.js';
