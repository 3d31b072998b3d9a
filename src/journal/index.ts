// Public names of the journal: on-disk log format helpers live in src/disk/log-format.ts.

export { dumpJournal } from './dump.js';
export { findHead } from './head.js';
export { LogBatch, LogManager } from './log.js';
export { mkfsJournal } from './mkfs.js';
export type { BlockCopyIo, ReplayOptions, ReplayResult, ReplayScratch, ScanVisitor } from './replay.js';
export { createReplayScratch, newReplayResult, replayJournal, scanJournal } from './replay.js';
export type { JournalHead, JournalLoc, JournalStatusCode } from './types.js';
export { assertJournalLoc, JournalStatus, newJournalHead } from './types.js';
