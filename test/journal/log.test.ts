import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeLogDescriptor,
  decodeLogHeader,
  LdType,
  LhStatus,
  LogFlag,
  newLogDescriptor,
  newLogHeader,
  readLdEntry,
} from '../../src/disk/log-format.js';
import { readBe64 } from '../../src/disk/meta.js';
import { findHead } from '../../src/journal/head.js';
import { LogBatch, LogManager } from '../../src/journal/log.js';
import { JournalStatus, newJournalHead } from '../../src/journal/types.js';
import { Ev } from '../../src/memory/events.js';
import { image, inPlace, RIG_BS, rig } from './mem-io.js';

const BS = RIG_BS;

function batchOf(entries: [number, number][]): LogBatch {
  const b = new LogBatch(64);
  for (const [blk, v] of entries) b.add(blk, image(blk, v), 0);
  return b;
}

/** Absolute byte offset of journal position pos. */
function jOff(r: ReturnType<typeof rig>, pos: number): number {
  return (r.loc.startBlk + pos) * BS;
}

describe('LogManager.flush', () => {
  test('a flush writes the METADATA descriptor, the images in order, then the header last', () => {
    const r = rig(64, 0); // fresh head at 63: the log starts at position 0
    const written: number[] = [];
    const write = r.io.write;
    r.io.write = (node, blk, src, off, j) => {
      written.push(blk);
      return write(node, blk, src, off, j);
    };
    const d = r.dataStart;
    assert.equal(
      r.log.flush(
        batchOf([
          [d, 1],
          [d + 5, 1],
        ]),
      ),
      JournalStatus.ok,
    );
    assert.deepEqual(written, [2, 3, 4, 5]);
    const ld = newLogDescriptor();
    assert.equal(decodeLogDescriptor(r.io.disk, jOff(r, 0), BS, ld), 0);
    assert.deepEqual(ld, { type: LdType.metadata, lengthBlocks: 3, data1: 2, data2: 0 });
    assert.equal(readLdEntry(r.io.disk, jOff(r, 0), 1), d + 5);
    assert.deepEqual(r.io.disk.subarray(jOff(r, 2), jOff(r, 3)), image(d + 5, 1));
    const h = newLogHeader();
    assert.equal(decodeLogHeader(r.io.disk, jOff(r, 3), BS, 3, h), LhStatus.ok);
    assert.equal(h.sequence, 64);
    assert.equal(h.tail, 0);
    assert.equal(h.jid, 1);
    assert.equal(h.addr, r.loc.startBlk + 3);
    assert.equal(h.flags, LogFlag.flushNormal);
    assert.equal(r.log.head, 4);
  });

  test('write-back copies each image from its journal block in place and moves the tail to the head', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(
      batchOf([
        [d, 3],
        [d + 1, 4],
      ]),
    );
    assert.equal(r.log.tail, 0);
    assert.equal(r.log.writeBack(10), 2);
    assert.deepEqual(inPlace(r.io.disk, d + 1), image(d + 1, 4));
    assert.equal(r.log.tail, r.log.head);
    assert.equal(r.log.writeInPlaceBlocksCount, 2);
  });

  test('the next header records the tail that write-back advanced', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(batchOf([[d, 1]])); // positions 0..2
    r.log.flush(batchOf([[d + 1, 1]])); // positions 3..5
    r.log.writeBackBlocks([d]);
    assert.equal(r.log.tail, 3);
    r.log.flush(null);
    const h = newLogHeader();
    decodeLogHeader(r.io.disk, jOff(r, 6), BS, 6, h);
    assert.equal(h.tail, 3);
  });

  test('a block logged again supersedes its older copy, so the older flush needs no write-back', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(batchOf([[d, 1]]));
    r.log.flush(batchOf([[d, 2]]));
    assert.equal(r.log.dirtyBlocks(), 1);
    assert.equal(r.log.tail, 3);
    assert.equal(r.log.writeBack(10), 1);
    assert.deepEqual(inPlace(r.io.disk, d), image(d, 2));
  });

  test('flush refuses with noSpace when the journal is full and succeeds after write-back and a header', () => {
    const r = rig(32, 5);
    const d = r.dataStart;
    let flushes = 0;
    while (
      r.log.flush(
        batchOf([
          [d + flushes, 1],
          [d + flushes + 1, 1],
        ]),
      ) === JournalStatus.ok
    )
      flushes++;
    assert.ok(flushes >= 6 && flushes <= 8, `${flushes} flushes of 4 blocks fit in 32`);
    assert.equal(r.log.flush(batchOf([[d, 9]])), JournalStatus.noSpace);
    assert.ok(r.log.writeBack(1000) > 0);
    assert.equal(r.log.flush(null), JournalStatus.ok);
    assert.equal(r.log.flush(batchOf([[d, 9]])), JournalStatus.ok);
  });

  test('space behind a tail that no header has recorded yet is not reused', () => {
    // A crash before the next header would replay from the old lh_tail over whatever this flush
    // wrote there, so that space is free only once a header records the new tail.
    const r = rig(32, 0); // the log starts at position 0
    const d = r.dataStart;
    for (let i = 0; i < 6; i++)
      assert.equal(
        r.log.flush(
          batchOf([
            [d + 2 * i, 1],
            [d + 2 * i + 1, 1],
          ]),
        ),
        0,
      ); // 0..23
    assert.equal(r.log.writeBack(100), 12);
    assert.equal(r.log.tail, 24);
    const big = new LogBatch(64);
    for (let i = 0; i < 10; i++) big.add(d + 20 + i, image(d + 20 + i, 2), 0);
    assert.equal(r.log.flush(big), JournalStatus.noSpace);
    assert.equal(r.log.flush(null), JournalStatus.ok);
    assert.equal(r.log.flush(big), JournalStatus.ok);
  });

  test('a flush larger than the whole journal is tooBig', () => {
    const r = rig(32, 5);
    const b = new LogBatch(64);
    for (let i = 0; i < 40; i++) b.add(r.dataStart + i, image(r.dataStart + i, 1), 0);
    assert.equal(r.log.flush(b), JournalStatus.tooBig);
  });

  test('a write error during a flush is returned as eio and the log refuses further work', () => {
    const r = rig(64, 0);
    r.io.failBlock = r.loc.startBlk + 1;
    assert.equal(r.log.flush(batchOf([[r.dataStart, 1]])), JournalStatus.eio);
    r.io.failBlock = -1;
    assert.equal(r.log.flush(null), JournalStatus.notMounted);
  });

  test('a write error during write-back is returned as eio', () => {
    const r = rig(64, 0);
    r.log.flush(batchOf([[r.dataStart, 1]]));
    r.io.failBlock = r.dataStart;
    assert.equal(r.log.writeBack(4), JournalStatus.eio);
  });

  test('events report logged blocks, the commit and the in-place write with version and position', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(batchOf([[d, 7]]));
    r.log.writeBack(1);
    assert.deepEqual(r.ev.events, [
      [Ev.logBlock, d, 7, 1],
      [Ev.commit, 2, 64, 1],
      [Ev.writeInPlace, d, 7, 0],
      [Ev.tail, 3, 3, 0],
    ]);
  });
});

describe('LogManager.revoke', () => {
  test('a revoke of a written-back block goes out in a REVOKE descriptor before the next header', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(
      batchOf([
        [d, 1],
        [d + 1, 1],
      ]),
    ); // 0..3
    // d stays dirty, so the tail stays at this flush and d + 1's copy is still replayable.
    r.log.writeBackBlocks([d + 1]);
    assert.equal(r.log.revoke([d + 1]), 1);
    r.log.flush(null); // revoke at 4, header at 5
    const ld = newLogDescriptor();
    assert.equal(decodeLogDescriptor(r.io.disk, jOff(r, 4), BS, ld), 0);
    assert.deepEqual(ld, { type: LdType.revoke, lengthBlocks: 1, data1: 1, data2: 0 });
    assert.equal(readBe64(r.io.disk, jOff(r, 4) + 72), d + 1);
    assert.equal(r.log.revokesCount, 1);
  });

  test('a revoke of a still-dirty block writes it in place first', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(
      batchOf([
        [d, 5],
        [d + 1, 5],
      ]),
    );
    assert.equal(r.log.revoke([d]), 1);
    assert.deepEqual(inPlace(r.io.disk, d), image(d, 5));
    assert.equal(r.log.dirtyBlocks(), 1);
  });

  test('no revoke is queued once write-back lets the tail pass the copy', () => {
    const r = rig(64, 0);
    r.log.flush(batchOf([[r.dataStart, 5]]));
    assert.equal(r.log.revoke([r.dataStart]), 0);
    assert.deepEqual(inPlace(r.io.disk, r.dataStart), image(r.dataStart, 5));
  });

  test('no revoke is queued for a block whose copy the tail has passed', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(batchOf([[d, 1]]));
    r.log.writeBack(10);
    r.log.flush(batchOf([[d + 1, 1]])); // tail now at this flush: d's copy is behind it
    assert.equal(r.log.revoke([d]), 0);
  });

  test('a queued revoke is dropped when the block is logged again before the flush', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    r.log.flush(batchOf([[d, 1]]));
    r.log.revoke([d]);
    r.log.flush(batchOf([[d, 2]]));
    assert.equal(r.log.revokesCount, 0);
    assert.equal(r.log.dirtyBlocks(), 1);
  });
});

describe('mount and unmount', () => {
  test('unmount refuses while copies await write-back', () => {
    const r = rig(64, 0);
    r.log.flush(batchOf([[r.dataStart, 1]]));
    assert.equal(r.log.unmount(), JournalStatus.busy);
  });

  test('unmount writes UNMOUNT|SHUTDOWN with a tail equal to its own position', () => {
    const r = rig(64, 0);
    r.log.flush(batchOf([[r.dataStart, 1]]));
    r.log.writeBack(10);
    assert.equal(r.log.unmount(), JournalStatus.ok);
    const head = newJournalHead();
    findHead(r.io, 1, r.loc, head);
    assert.equal(head.blkno, 3);
    assert.equal(head.tail, 3);
    assert.equal(head.flags, LogFlag.unmount | LogFlag.shutdown);
    assert.ok(head.clean);
  });

  test('mount continues at the block after the head with the head sequence + 1', () => {
    const r = rig(64, 40); // head at 23, sequence 63
    assert.equal(r.log.head, 24);
    assert.equal(r.log.sequence, 64);
    r.log.unmount();
    const again = new LogManager(r.io, 1, r.loc);
    assert.equal(again.mount(), JournalStatus.ok);
    assert.equal(again.head, 25);
    assert.equal(again.sequence, 65);
  });

  test('mount of a journal whose head is not UNMOUNT reports dirty', () => {
    const r = rig(64, 0);
    r.log.flush(batchOf([[r.dataStart, 1]]));
    assert.equal(new LogManager(r.io, 1, r.loc).mount(), JournalStatus.dirty);
  });

  test('a 32-block journal wraps many times and the head stays findable after each flush', () => {
    const r = rig(32, 17);
    const d = r.dataStart;
    const head = newJournalHead();
    for (let i = 0; i < 60; i++) {
      assert.equal(
        r.log.flush(
          batchOf([
            [d + (i % 5), i + 1],
            [d + 10 + (i % 3), i + 1],
          ]),
        ),
        JournalStatus.ok,
      );
      assert.equal(findHead(r.io, 1, r.loc, head), JournalStatus.ok);
      assert.equal(head.blkno, (r.log.head + 31) % 32);
      assert.equal(head.sequence, r.log.sequence - 1);
      if (i % 2 === 1) r.log.writeBack(100);
    }
    assert.equal(r.log.sequence, 32 + 60);
  });
});
