import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Oracle } from '../../src/check/oracle.js';
import type { Violation } from '../../src/report/result.js';
import { diskWithVersions, EX, History, SH } from './history.js';

const JOURNAL_BLOCKS = 64;
const BS = 512;
const glockName = (res: number) => `n:2/${res}`;

function oracle(): Oracle {
  return new Oracle({ nodes: 3, journalBlocks: JOURNAL_BLOCKS, blockSize: BS, glockName });
}

/** Run a history through a fresh oracle; durability is checked against a disk of committed versions. */
function run(h: History, disk?: Uint8Array): Violation[] {
  const o = oracle();
  h.feed(o.observe);
  return o.finish(
    disk ?? diskWithVersions(64, BS, new Map()),
    [0, 1, 2].map((jid) => ({ jid, clean: true })),
  );
}

function only(vs: Violation[], invariant: string): Violation[] {
  return vs.filter((v) => v.invariant === invariant);
}

describe('I1 stale replay and write-back', () => {
  test('a replay that leaves a version older than another node committed violates I1', () => {
    // A commits block 10 v1 (res 7) and withdraws without revoking; B then commits v3 and writes it
    // back; C replays journal 0 and writes v1 over it.
    const h = new History()
      .flush(0, 0, [[10, 1, 7]])
      .flush(1, 0, [[10, 3, 7]])
      .writeBack(1, 10, 3)
      .replayStart(2, 0)
      .replayWrite(2, 10, 1)
      .replayEnd(2, 0, 1, 1);
    const vs = only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I1');
    assert.equal(vs.length, 1, JSON.stringify(vs));
    const v = vs[0] as Violation;
    assert.equal(v.check, 'stale-replay');
    assert.equal(v.block, 10);
    assert.deepEqual(v.versions, { written: 1, committed: 3 });
    assert.deepEqual(v.nodes, [2, 0, 1]);
    assert.equal(v.glock, 'n:2/7');
    assert.ok((v.trail?.length ?? 0) >= 3, 'the trail shows the commits and the replay write');
  });

  test('a replay that rewrites an older copy and then the newer copy of the same journal does not violate I1', () => {
    // Journal 0 holds v1 and v2 of block 10; replay writes both in journal order, ending at v2.
    const h = new History()
      .flush(0, 0, [[10, 1, 7]])
      .flush(0, 3, [[10, 2, 7]])
      .replayStart(2, 0)
      .replayWrite(2, 10, 1)
      .replayWrite(2, 10, 2)
      .replayEnd(2, 0, 2, 2);
    assert.deepEqual(only(run(h, diskWithVersions(64, BS, new Map([[10, 2]]))), 'I1'), []);
  });

  test('a write-back of a version below the committed one violates I1 and one of the newest does not', () => {
    const bad = new History()
      .flush(0, 0, [[10, 1, 7]])
      .flush(1, 0, [[10, 4, 7]])
      .writeBack(0, 10, 1);
    const vs = only(run(bad, diskWithVersions(64, BS, new Map([[10, 4]]))), 'I1');
    assert.equal(vs.length, 1);
    assert.equal(vs[0]?.check, 'stale-write-back');
    const good = new History()
      .flush(0, 0, [[10, 1, 7]])
      .flush(0, 3, [[10, 4, 7]])
      .writeBack(0, 10, 4);
    assert.deepEqual(only(run(good, diskWithVersions(64, BS, new Map([[10, 4]]))), 'I1'), []);
  });

  test('a read of a version below the committed one is reported as an I1 stale read naming the stale write', () => {
    const h = new History()
      .flush(0, 0, [[10, 3, 7]])
      .replayStart(2, 1)
      .replayWrite(2, 10, 1)
      .read(1, 10, 1, 7);
    const vs = only(run(h, diskWithVersions(64, BS, new Map([[10, 3]]))), 'I1');
    const read = vs.find((v) => v.check === 'stale-read');
    assert.ok(read !== undefined, JSON.stringify(vs));
    assert.deepEqual(read.versions, { read: 1, committed: 3 });
    assert.match(read.detail, /last written by node 2 \(replay of version 1/);
  });

  test('a read of a block freed after its last commit is not a stale read', () => {
    const h = new History()
      .flush(0, 0, [[10, 3, 7]])
      .bitmap(0, 10, 1, 0)
      .read(1, 10, 1, 7);
    assert.deepEqual(only(run(h), 'I1'), []);
  });
});

describe('I2 ownership while un-revoked', () => {
  test('a grant of the glock to another node while the copy is un-revoked violates I2', () => {
    const h = new History().flush(0, 0, [[10, 1, 7]]).grant(1, 7, EX);
    const vs = only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2');
    assert.equal(vs.length, 1);
    const v = vs[0] as Violation;
    assert.equal(v.block, 10);
    assert.deepEqual(v.nodes, [0, 1]);
    assert.equal(v.glock, 'n:2/7');
    assert.deepEqual(v.versions, { unrevoked: 1, committed: 1 });
  });

  test('a grant after the owner committed a revoke of the copy does not violate I2', () => {
    const next = { pos: 0 };
    const h = new History().flush(0, 0, [[10, 1, 7]], [], next);
    h.writeBack(0, 10, 1).flush(0, next.pos, [], [10]).grant(1, 7, SH);
    assert.deepEqual(only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2'), []);
  });

  test('a revoke whose log header was never written does not protect the copy', () => {
    // The revoke reaches the journal but the flush fails before its header (no commit event).
    const h = new History()
      .flush(0, 0, [[10, 1, 7]])
      .revoke(0, 10, 3)
      .grant(1, 7, EX);
    assert.equal(only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2').length, 1);
  });

  test('a grant after another node replayed the owner journal does not violate I2', () => {
    const h = new History()
      .flush(0, 0, [[10, 1, 7]])
      .replayStart(2, 0)
      .replayWrite(2, 10, 1)
      .replayEnd(2, 0, 1, 1)
      .grant(1, 7, EX);
    assert.deepEqual(only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2'), []);
  });

  test('a grant during the replay of the owner journal violates I2 (the S6 window)', () => {
    const h = new History()
      .flush(0, 0, [[10, 1, 7]])
      .replayStart(2, 0)
      .grant(1, 7, EX)
      .replayWrite(2, 10, 1)
      .replayEnd(2, 0, 1, 1);
    assert.equal(only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2').length, 1);
  });

  test('the tail passing a copy protects it only once a log header records the new tail', () => {
    const next = { pos: 0 };
    const before = new History().flush(0, 0, [[10, 1, 7]], [], next);
    before.writeBack(0, 10, 1).tail(0, next.pos, next.pos).grant(1, 7, EX);
    assert.equal(only(run(before, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2').length, 1, 'in-core tail only');
    const after = new History().flush(0, 0, [[10, 1, 7]], [], next);
    after.writeBack(0, 10, 1).tail(0, next.pos, next.pos).commit(0, next.pos).grant(1, 7, EX);
    assert.deepEqual(only(run(after, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2'), [], 'tail committed');
  });

  test('the owner itself may be granted its glock again while its copy is un-revoked', () => {
    const h = new History().flush(0, 0, [[10, 1, 7]]).grant(0, 7, EX);
    assert.deepEqual(only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2'), []);
  });

  test('the copy circles the journal correctly across the wrap point', () => {
    // Copy at position 62 (descriptor at 61), header at 63; then the tail moves to 0 and a header
    // at 1 records it: the copy is out of the region and a grant to node 1 is fine.
    const h = new History()
      .flush(0, 61, [[10, 1, 7]])
      .writeBack(0, 10, 1)
      .tail(0, 0, 0)
      .commit(0, 0)
      .grant(1, 7, EX);
    assert.deepEqual(only(run(h, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2'), []);
    const kept = new History()
      .flush(0, 61, [[10, 1, 7]])
      .tail(0, 61, 0)
      .commit(0, 0)
      .grant(1, 7, EX);
    assert.equal(only(run(kept, diskWithVersions(64, BS, new Map([[10, 1]]))), 'I2').length, 1);
  });
});
