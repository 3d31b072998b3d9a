// The node's side of its journal (src/node/node-log.ts) over a real LogManager on an in-memory
// disk: a flush commits the in-core log, go_sync (syncGlock) writes a glock's blocks in place
// and revokes them, unmount leaves a clean journal — and once the journal is cleanly unmounted,
// demoting the node's cached glocks (gfs2_gl_hash_clear, which unmount does next) must not
// count as a journal error.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MetaType, metaVersion, writeMetaHeader } from '../../src/disk/meta.js';
import { findHead } from '../../src/journal/head.js';
import { LogManager } from '../../src/journal/log.js';
import { mkfsJournal } from '../../src/journal/mkfs.js';
import { type JournalLoc, JournalStatus, newJournalHead } from '../../src/journal/types.js';
import { BufferCache } from '../../src/node/buffers.js';
import { NodeLog } from '../../src/node/node-log.js';
import { Transaction } from '../../src/node/trans.js';
import type { BlockIo, Platform } from '../../src/platform/platform.js';
import { memIo } from '../journal/mem-io.js';

const BS = 512;
const JOURNAL_BLOCKS = 64;
const DATA_START = 2 + JOURNAL_BLOCKS;

function rig() {
  const disk = new Uint8Array((DATA_START + 64) * BS);
  const io: BlockIo = memIo(disk, BS);
  const loc: JournalLoc = { jid: 0, startBlk: 2, journalBlocks: JOURNAL_BLOCKS, blockSize: BS };
  assert.equal(mkfsJournal(io, 0, loc, 5), JournalStatus.ok);
  const platform: Platform = {
    nowNs: () => 0,
    random: () => 0.5,
    notify: () => {},
    io,
    events: { emit: () => {} },
    log: () => {},
  };
  const log = new LogManager(io, 0, loc, platform.events, platform);
  assert.equal(log.mount(), JournalStatus.ok);
  const cache = new BufferCache(BS, 32);
  const trans = new Transaction(cache, 16);
  const nodeLog = new NodeLog(log, trans, cache, platform, [], 32);
  let version = 0;
  /** Modify in-place block `blk` under glock `res`, as FsBlocks.modify does. */
  const modify = (blk: number, res: number) => {
    const off = cache.insert(blk, res);
    writeMetaHeader(cache.pool, off, MetaType.in, ++version, 0);
    trans.add(blk);
  };
  const inPlaceVersion = (blk: number) => metaVersion(disk, blk * BS);
  const headClean = () => {
    const h = newJournalHead();
    findHead(io, 0, loc, h);
    return h.clean;
  };
  return { nodeLog, trans, cache, modify, inPlaceVersion, headClean, log };
}

describe('NodeLog', () => {
  test('flush commits every pending block and leaves its buffer clean', () => {
    const r = rig();
    r.modify(DATA_START, 1);
    r.modify(DATA_START + 1, 1);
    assert.equal(r.nodeLog.flush(), 2);
    assert.equal(r.trans.size, 0);
    assert.equal(r.nodeLog.glockDirty(1), true, 'logged, not yet written in place');
    assert.equal(r.headClean(), false);
  });

  test("syncGlock writes the glock's logged blocks in place and then it is no longer dirty", () => {
    const r = rig();
    r.modify(DATA_START, 1);
    r.modify(DATA_START + 5, 2);
    assert.equal(r.nodeLog.flush(), 2);
    assert.equal(r.nodeLog.syncGlock(1), 0);
    assert.equal(r.inPlaceVersion(DATA_START), 1);
    assert.equal(r.inPlaceVersion(DATA_START + 5), 0, "the other glock's block was not written");
    assert.equal(r.nodeLog.glockDirty(1), false);
    assert.equal(r.nodeLog.glockDirty(2), true);
  });

  test('syncGlock of a glock with pending, unflushed blocks flushes them first', () => {
    const r = rig();
    r.modify(DATA_START + 3, 4);
    assert.equal(r.nodeLog.glockDirty(4), true);
    assert.equal(r.nodeLog.syncGlock(4), 0);
    assert.equal(r.trans.size, 0);
    assert.equal(r.inPlaceVersion(DATA_START + 3), 1);
  });

  test('unmount writes everything in place and leaves an UNMOUNT head', () => {
    const r = rig();
    r.modify(DATA_START, 1);
    r.modify(DATA_START + 1, 2);
    assert.equal(r.nodeLog.flush(), 2);
    assert.equal(r.nodeLog.unmount(), 0);
    assert.equal(r.headClean(), true);
    assert.equal(r.inPlaceVersion(DATA_START), 1);
    assert.equal(r.inPlaceVersion(DATA_START + 1), 2);
  });

  // Regression: before d14a50e every clean unmount of a real run ended in "fatal: I/O error (-5);
  // withdraw pending" on every node, because unmountNode demotes the cached glocks after the log
  // is shut down and go_sync still found their logged blocks (flush → notMounted → withdraw).
  test('after a clean unmount, syncing a glock whose blocks were logged is a no-op, not an error', () => {
    const r = rig();
    r.modify(DATA_START, 1);
    assert.equal(r.nodeLog.flush(), 1);
    assert.equal(r.nodeLog.unmount(), 0);
    assert.equal(r.nodeLog.glockDirty(1), false, 'everything is in place: nothing left for go_sync');
    assert.equal(r.nodeLog.syncGlock(1), 0);
    assert.equal(r.nodeLog.error, 0);
  });
});
