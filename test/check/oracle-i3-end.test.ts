import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Oracle, type OracleFinishFacts, type OracleOptions } from '../../src/check/oracle.js';
import { Ev } from '../../src/memory/events.js';
import type { Violation } from '../../src/report/result.js';
import { diskWithVersions, EX, History, NOEXP, SH, UN } from './history.js';

const BS = 512;

function run(
  h: History,
  opts: Partial<OracleOptions> = {},
  disk?: Uint8Array,
  dirty: number[] = [],
  facts: OracleFinishFacts = {},
): { vs: Violation[]; o: Oracle } {
  const o = new Oracle({ nodes: 3, journalBlocks: 64, blockSize: BS, ...opts });
  h.feed(o.observe);
  const journals = [0, 1, 2].map((jid) => ({ jid, clean: !dirty.includes(jid) }));
  return { vs: o.finish(disk ?? diskWithVersions(64, BS, new Map()), journals, facts), o };
}

function only(vs: Violation[], invariant: string): Violation[] {
  return vs.filter((v) => v.invariant === invariant);
}

/**
 * Node 1 survives node 0's failure: prep, slot for jid 0, then a DLM grant of resource 5 and a
 * read of block 20 under it (a grant counts for I3 only once used).
 */
function recoveryUpToGrant(flags: number): History {
  return new History().prep(1).slot(1, 0).dlmState(1, 5, UN, EX).grant(1, 5, EX, flags).read(1, 20, 0, 5);
}

describe('I3 recovery freeze', () => {
  test('a non-NOEXP holder granted on a DLM grant made during recovery violates I3', () => {
    const vs = only(run(recoveryUpToGrant(0)).vs, 'I3');
    assert.equal(vs.length, 1);
    assert.deepEqual(vs[0]?.nodes, [1, 0]);
    assert.match(vs[0]?.detail ?? '', /recovery not done yet/);
  });

  test('a NOEXP holder granted during recovery does not violate I3', () => {
    assert.deepEqual(only(run(recoveryUpToGrant(NOEXP)).vs, 'I3'), []);
  });

  test('a grant after done and the replay of every slot jid does not violate I3', () => {
    const h = new History()
      .prep(1)
      .slot(1, 0)
      .done(1)
      .replayStart(2, 0)
      .replayEnd(2, 0)
      .dlmState(1, 5, UN, EX)
      .grant(1, 5, EX, 0)
      .read(1, 20, 0, 5);
    assert.deepEqual(only(run(h).vs, 'I3'), []);
  });

  test('done alone does not end the freeze while a slot jid is still dirty', () => {
    const h = new History().prep(1).slot(1, 0).done(1).dlmState(1, 5, UN, EX).grant(1, 5, EX, 0).read(1, 20, 0, 5);
    const vs = only(run(h).vs, 'I3');
    assert.equal(vs.length, 1);
    assert.match(vs[0]?.detail ?? '', /jid\(s\) 0 not yet replayed/);
  });

  test('a journal found clean by another node ends the freeze like a replay', () => {
    const h = new History()
      .prep(1)
      .slot(1, 0)
      .done(1)
      .journalState(2, 0, true)
      .dlmState(1, 5, UN, EX)
      .grant(1, 5, EX, 0)
      .read(1, 20, 0, 5);
    assert.deepEqual(only(run(h).vs, 'I3'), []);
  });

  test('a slot for a jid another node already recovered after its owner mounted does not hold the freeze', () => {
    // Node 2 replays journal 0 before node 1 even hears of the failure (the control LVB tells it).
    const h = new History().mount(0, true).prep(2).slot(2, 0).replayStart(2, 0).replayEnd(2, 0).done(2);
    h.prep(1).slot(1, 0).done(1).dlmState(1, 5, UN, EX).grant(1, 5, EX, 0).read(1, 20, 0, 5);
    assert.deepEqual(only(run(h).vs, 'I3'), []);
    const stale = new History().replayStart(2, 0).replayEnd(2, 0).mount(0, true).prep(1).slot(1, 0).done(1);
    stale.dlmState(1, 5, UN, EX).grant(1, 5, EX, 0).read(1, 20, 0, 5);
    assert.equal(only(run(stale).vs, 'I3').length, 1, 'a replay before the owner mounted again is not this failure');
  });

  test('a grant from a DLM lock held since before recovery (a cached glock) does not violate I3', () => {
    const h = new History().dlmState(1, 5, UN, SH).prep(1).slot(1, 0).grant(1, 5, SH, 0).read(1, 20, 0, 5);
    assert.deepEqual(only(run(h).vs, 'I3'), []);
  });

  test('a grant made during recovery and released without a read or commit is no violation', () => {
    // Force-withdraw seed 66: a withdrawing node's own request is answered after recover_prep,
    // its gates stop every read, and the holder goes away unused.
    const released = new History().prep(1).slot(1, 0).dlmState(1, 5, UN, EX).grant(1, 5, EX, 0, 7);
    released.ev(1, Ev.release, 5, EX, 0, 7).read(1, 20, 0, 5);
    assert.deepEqual(only(run(released).vs, 'I3'), [], 'a read after the release is no use of the grant');
    const demoted = new History().prep(1).slot(1, 0).dlmState(1, 5, UN, EX).grant(1, 5, EX, 0);
    demoted.ev(1, Ev.demote, 5, UN).dlmState(1, 5, EX, UN).versionCommit(1, 20, 3, 5);
    assert.deepEqual(only(run(demoted).vs, 'I3'), []);
  });

  test('a used suspect grant is reported once, naming the block; a read under another glock is no use', () => {
    const other = new History().prep(1).slot(1, 0).dlmState(1, 5, UN, EX).grant(1, 5, EX, 0).read(1, 20, 0, 6);
    assert.deepEqual(only(run(other).vs, 'I3'), []);
    const h = new History().prep(1).slot(1, 0).dlmState(1, 5, UN, EX).grant(1, 5, EX, 0, 7).grant(1, 5, EX, 0, 8);
    h.ev(1, Ev.release, 5, EX, 0, 7).versionCommit(1, 21, 4, 5).read(1, 22, 0, 5);
    const vs = only(run(h).vs, 'I3');
    assert.equal(vs.length, 1, 'pid 8 still holds it when block 21 is committed');
    assert.equal(vs[0]?.block, 21);
    assert.match(vs[0]?.detail ?? '', /committed block 21/);
  });

  test('a recovery without failed slots ends at done', () => {
    const h = new History().prep(1).done(1).dlmState(1, 5, UN, EX).grant(1, 5, EX, 0).read(1, 20, 0, 5);
    assert.deepEqual(only(run(h).vs, 'I3'), []);
  });
});

describe('durability', () => {
  test('a committed version missing from the disk at the end is a durability violation', () => {
    const h = new History().flush(0, 0, [[10, 5, 7]]);
    const vs = only(run(h, {}, diskWithVersions(64, BS, new Map([[10, 3]]))).vs, 'durability');
    assert.equal(vs.length, 1);
    assert.deepEqual(vs[0]?.versions, { onDisk: 3, committed: 5 });
    assert.equal(vs[0]?.block, 10);
  });

  test('a committed version on disk, or superseded by a higher one there, is durable', () => {
    const h = new History().flush(0, 0, [[10, 5, 7]]);
    assert.deepEqual(only(run(h, {}, diskWithVersions(64, BS, new Map([[10, 5]]))).vs, 'durability'), []);
    assert.deepEqual(only(run(h, {}, diskWithVersions(64, BS, new Map([[10, 9]]))).vs, 'durability'), []);
  });

  test('a block freed after its last commit is exempt and one reallocated after the free is not', () => {
    const freed = new History().flush(0, 0, [[10, 5, 7]]).bitmap(0, 10, 1, 0);
    assert.deepEqual(only(run(freed, {}, diskWithVersions(64, BS, new Map([[10, 3]]))).vs, 'durability'), []);
    const reused = new History()
      .flush(0, 0, [[10, 5, 7]])
      .bitmap(0, 10, 1, 0)
      .bitmap(1, 10, 0, 1)
      .flush(1, 0, [[10, 8, 9]]);
    assert.equal(only(run(reused, {}, diskWithVersions(64, BS, new Map([[10, 5]]))).vs, 'durability').length, 1);
  });

  test('a version whose committer left its journal dirty is deferred to the remount, not lost', () => {
    const h = new History().flush(0, 0, [[10, 5, 7]]);
    const { vs, o } = run(h, {}, diskWithVersions(64, BS, new Map([[10, 3]])), [0]);
    assert.deepEqual(only(vs, 'durability'), []);
    assert.equal(o.summary().durability?.deferredBlocks, 1);
  });
});

describe('liveness', () => {
  const withdrawn = {
    nodes: [
      { node: 0, state: 'withdrawn' },
      { node: 1, state: 'unmounted' },
    ],
  };

  test('a withdrawn node whose dirty journal nobody checked is a liveness violation', () => {
    const h = new History()
      .mount(0, true)
      .flush(0, 0, [[10, 5, 7]])
      .lockspace(0, 2);
    const vs = only(run(h, {}, diskWithVersions(64, BS, new Map([[10, 5]])), [0], withdrawn).vs, 'liveness');
    assert.equal(vs.length, 1);
    assert.equal(vs[0]?.check, 'journal-abandoned');
  });

  test('a dirty journal that some node checked is left for remount, not abandoned', () => {
    const h = new History()
      .mount(0, true)
      .flush(0, 0, [[10, 5, 7]])
      .journalState(0, 0, false);
    assert.deepEqual(only(run(h, {}, diskWithVersions(64, BS, new Map([[10, 5]])), [0], withdrawn).vs, 'liveness'), []);
  });

  test('while faults have not stopped an unchecked dirty journal is not judged', () => {
    const h = new History().mount(0, true).flush(0, 0, [[10, 5, 7]]);
    const facts = { ...withdrawn, faultsStopped: false };
    assert.deepEqual(only(run(h, {}, diskWithVersions(64, BS, new Map([[10, 5]])), [0], facts).vs, 'liveness'), []);
  });

  test('a blocking callback unanswered beyond the wait limit is a liveness violation', () => {
    const h = new History(1e6).dlmState(0, 5, UN, EX).callback(0, 5, EX);
    for (let i = 0; i < 20; i++) h.read(2, 40, 0, 9);
    const vs = only(run(h, { waitLimitNs: 5e6 }).vs, 'liveness');
    assert.equal(vs.length, 1);
    assert.equal(vs[0]?.check, 'callback-not-honoured');
    const answered = new History(1e6).dlmState(0, 5, UN, EX).callback(0, 5, EX).dlmState(0, 5, EX, UN);
    for (let i = 0; i < 20; i++) answered.read(2, 40, 0, 9);
    assert.deepEqual(only(run(answered, { waitLimitNs: 5e6 }).vs, 'liveness'), []);
  });
});

describe('liveness hooks', () => {
  test('a log line reporting a -110 wait timeout is a liveness violation and other lines are not', () => {
    const o = new Oracle({ nodes: 3, journalBlocks: 64, blockSize: BS });
    assert.equal(
      o.noteLogMessage(1, 5e9, 'gfs2: fsid=cluster:fs.1: workload: operation 4 on slot 5 failed with -110'),
      true,
    );
    assert.equal(
      o.noteLogMessage(1, 5e9, 'gfs2: fsid=cluster:fs.1: jid=1: Journal head lookup complete at 1101'),
      false,
    );
    const vs = only(o.finish(diskWithVersions(64, BS, new Map()), []), 'liveness');
    assert.equal(vs.length, 1);
    assert.equal(vs[0]?.check, 'wait-timeout');
    assert.match(
      vs[0]?.detail ?? '',
      /^node 1: workload: operation 4 on slot 5 failed with -110 \(a wait that timed out\)$/,
    );
  });
});

describe('oracle bounds and ordering', () => {
  test('violations beyond the cap are counted but not kept', () => {
    const h = new History().flush(0, 0, [[10, 5, 7]]);
    for (let i = 0; i < 30; i++) h.read(1, 10, 1, 7);
    const { vs, o } = run(h, { violationsPerInvariantMax: 4 }, diskWithVersions(64, BS, new Map([[10, 5]])));
    assert.equal(only(vs, 'I1').length, 4);
    assert.equal(o.summary().violationsByInvariant.I1, 30);
    assert.equal(o.summary().violationsDropped.I1, 26);
  });

  test('records drained node by node are re-merged by time within the reorder window', () => {
    // Node 0 commits block 10 at t=1..3 µs, then writes it back, revokes it and commits the revoke
    // at t=10..12 µs; node 1's grant at t=20 µs is observed before that second part, as a
    // threads-mode drain of node 1's ring before node 0's could deliver it.
    const first = new History().flush(0, 0, [[10, 1, 7]]);
    const grantAt20 = new History();
    grantAt20.timeNs = 20_000;
    grantAt20.grant(1, 7, EX);
    const revoke = new History();
    revoke.timeNs = 10_000;
    revoke.writeBack(0, 10, 1).revoke(0, 10, 3).commit(0, 4);
    const feed = (o: Oracle) => {
      first.feed(o.observe);
      grantAt20.feed(o.observe);
      revoke.feed(o.observe);
    };
    const disk = diskWithVersions(64, BS, new Map([[10, 1]]));
    const merged = new Oracle({ nodes: 3, journalBlocks: 64, blockSize: BS, reorderWindowNs: 1e6 });
    feed(merged);
    assert.deepEqual(only(merged.finish(disk, []), 'I2'), []);
    const raw = new Oracle({ nodes: 3, journalBlocks: 64, blockSize: BS });
    feed(raw);
    assert.equal(only(raw.finish(disk, []), 'I2').length, 1, 'without the window the grant is seen before the revoke');
  });
});
