// Model-based test of the journal: random transactions, write-backs, glock releases (write
// back + revoke + another node's in-place write), frees (explicit revokes), clean remounts and
// crash/recover cycles on journals small enough to wrap many times, against a trivially correct
// model: a map from block to the version that must be in place after any crash and replay.
// Crash images are taken before random individual writes, so torn flushes, crashes between a
// revoke's commit and the foreign write, and crashes in the middle of a replay are all covered.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LogBatch, LogManager } from '../../src/journal/log.js';
import { replayJournal } from '../../src/journal/replay.js';
import { type JournalLoc, JournalStatus } from '../../src/journal/types.js';
import { image, inPlace, memCopyIo, memIo, RIG_BS, rig } from './mem-io.js';

const DATA_BLOCKS = 10;

type Op =
  | { kind: 'tx'; blocks: number[] }
  | { kind: 'wb'; count: number }
  | { kind: 'release'; blocks: number[] }
  | { kind: 'free'; block: number }
  | { kind: 'remount' }
  | { kind: 'crash' };

const blockArb = fc.integer({ min: 0, max: DATA_BLOCKS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('tx' as const),
      blocks: fc.uniqueArray(blockArb, { minLength: 1, maxLength: 5 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wb' as const), count: fc.integer({ min: 1, max: 6 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      blocks: fc.uniqueArray(blockArb, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('free' as const), block: blockArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remount' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const) }) },
);

/** Block → version that must be in place after replay; null = freed (any content); absent = zeros. */
type Model = Map<number, number | null>;

interface Snapshot {
  disk: Uint8Array;
  model: Model;
}

function checkRecovered(
  disk: Uint8Array,
  loc: JournalLoc,
  dataStart: number,
  model: Model,
  what: string,
  oneCopy: boolean,
): void {
  // Alternate the two replay paths: read + write through scratch, and BlockCopyIo.copyBlock.
  const io = oneCopy ? memCopyIo(disk, RIG_BS) : memIo(disk, RIG_BS);
  const res = replayJournal(io, 7, loc, null, { diskBlocks: disk.length / RIG_BS });
  assert.equal(res.status, JournalStatus.ok, `${what}: replay status`);
  const zeros = new Uint8Array(RIG_BS);
  for (let b = 0; b < DATA_BLOCKS; b++) {
    const v = model.get(b);
    if (v === null) continue;
    const expected = v === undefined ? zeros : image(dataStart + b, v);
    assert.deepEqual(inPlace(disk, dataStart + b), expected, `${what}: block ${b} should hold version ${v}`);
  }
  assert.equal(new LogManager(io, 7, loc).mount(), JournalStatus.ok, `${what}: mount after replay`);
}

function runModel(journalBlocks: number, s0: number, ops: Op[], crashWrites: number[]): void {
  const r = rig(journalBlocks, s0, DATA_BLOCKS);
  const d = r.dataStart;
  let log = r.log;
  const model: Model = new Map();
  const snaps: Snapshot[] = [];
  let version = 0;
  let foreignVersion = 1_000_000;
  r.io.beforeWrite = (i) => {
    if (crashWrites.includes(i)) snaps.push({ disk: r.io.disk.slice(), model: new Map(model) });
  };
  const batch = new LogBatch(8);
  const flushRetry = (b: LogBatch | null, revokes: number[] = []) => {
    let st = log.flush(b, revokes);
    if (st === JournalStatus.noSpace) {
      // What logd does when the journal is full: write everything back, pull the tail, retry.
      assert.ok(log.writeBack(journalBlocks) >= 0);
      assert.equal(log.flush(null), JournalStatus.ok);
      st = log.flush(b, revokes);
    }
    assert.equal(st, JournalStatus.ok);
  };
  for (const op of ops) {
    if (op.kind === 'tx') {
      batch.clear();
      const versions: number[] = [];
      for (const b of op.blocks) {
        versions.push(++version);
        batch.add(d + b, image(d + b, version), 0);
      }
      flushRetry(batch);
      op.blocks.forEach((b, i) => {
        model.set(b, versions[i] as number);
      });
    } else if (op.kind === 'wb') {
      assert.ok(log.writeBack(op.count) >= 0);
    } else if (op.kind === 'release') {
      const blks = op.blocks.map((b) => d + b);
      assert.ok(log.writeBackBlocks(blks) >= 0);
      assert.ok(log.revoke(blks) >= 0);
      flushRetry(null);
      // The glock is gone: another node now writes these blocks in place.
      for (const b of op.blocks) {
        foreignVersion++;
        assert.equal(r.io.write(9, d + b, image(d + b, foreignVersion), 0, false), 0);
        model.set(b, foreignVersion);
      }
    } else if (op.kind === 'free') {
      flushRetry(null, [d + op.block]);
      model.set(op.block, null);
    } else if (op.kind === 'remount') {
      assert.ok(log.writeBack(journalBlocks) >= 0);
      assert.equal(log.unmount(), JournalStatus.ok);
      log = new LogManager(r.io, 1, r.loc);
      assert.equal(log.mount(), JournalStatus.ok);
    } else {
      // Crash now, recover on the same disk (a crash image may be taken mid-replay), go on.
      snaps.push({ disk: r.io.disk.slice(), model: new Map(model) });
      assert.equal(replayJournal(r.io, 1, r.loc).status, JournalStatus.ok);
      log = new LogManager(r.io, 1, r.loc);
      assert.equal(log.mount(), JournalStatus.ok);
    }
  }
  snaps.push({ disk: r.io.disk.slice(), model: new Map(model) });
  snaps.forEach((s, i) => {
    checkRecovered(s.disk, r.loc, d, s.model, `crash image ${i}`, i % 2 === 1);
  });
}

describe('journal against an in-memory model', () => {
  test('after a crash at any write, replay leaves every block at its last committed version', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 40, 64),
        fc.nat(),
        fc.array(opArb, { maxLength: 60 }),
        fc.uniqueArray(fc.nat(500), { maxLength: 4 }),
        (n, seed, ops, crashWrites) => runModel(n, seed % n, ops, crashWrites),
      ),
      { numRuns: 300 },
    );
  });

  test('a long run on a 32-block journal wraps the ring many times and still recovers exactly', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 400; i++) {
      ops.push({ kind: 'tx', blocks: [i % DATA_BLOCKS, (i * 3 + 1) % DATA_BLOCKS] });
      if (i % 3 === 0) ops.push({ kind: 'wb', count: 2 });
      if (i % 17 === 0) ops.push({ kind: 'release', blocks: [(i * 7) % DATA_BLOCKS] });
      if (i % 50 === 49) ops.push({ kind: 'crash' });
    }
    runModel(32, 11, ops, [37, 401, 1203, 2999]);
  });
});
