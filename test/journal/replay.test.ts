import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  decodeLogHeader,
  encodeLogDescriptor,
  LdOff,
  LdType,
  LhStatus,
  LogFlag,
  newLogHeader,
} from '../../src/disk/log-format.js';
import { GFS2_MAGIC, writeBe32, writeBe64 } from '../../src/disk/meta.js';
import { dumpJournal } from '../../src/journal/dump.js';
import { findHead } from '../../src/journal/head.js';
import { LogBatch, LogManager } from '../../src/journal/log.js';
import { replayJournal, scanJournal } from '../../src/journal/replay.js';
import { JournalStatus, newJournalHead } from '../../src/journal/types.js';
import { Ev } from '../../src/memory/events.js';
import { eventLog, image, inPlace, memCopyIo, RIG_BS, rig } from './mem-io.js';

const BS = RIG_BS;

function flushOf(log: LogManager, entries: [number, number][]): number {
  const b = new LogBatch(64);
  for (const [blk, v] of entries) b.add(blk, image(blk, v), 0);
  return log.flush(b);
}

describe('replayJournal', () => {
  test('replay writes every committed image in place and reports replayed of total', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    flushOf(r.log, [
      [d, 1],
      [d + 1, 1],
    ]);
    flushOf(r.log, [[d + 2, 1]]);
    const res = replayJournal(r.io, 0, r.loc);
    assert.equal(res.status, JournalStatus.ok);
    assert.deepEqual([res.replayed, res.total], [3, 3]);
    assert.deepEqual(inPlace(r.io.disk, d + 2), image(d + 2, 1));
  });

  test('a later revoke skips the earlier image of its block only: "replayed 1 of 2"', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    flushOf(r.log, [
      [d, 1],
      [d + 1, 1],
    ]);
    r.log.writeBackBlocks([d + 1]);
    r.log.revoke([d + 1]);
    r.log.flush(null);
    inPlace(r.io.disk, d + 1).set(image(d + 1, 99)); // another node's newer in-place write
    const res = replayJournal(r.io, 0, r.loc);
    assert.deepEqual([res.replayed, res.total], [1, 2]);
    assert.deepEqual(inPlace(r.io.disk, d + 1), image(d + 1, 99));
  });

  test('an image logged after the revoke of its block is replayed (revokes are positional)', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    flushOf(r.log, [
      [d, 1],
      [d + 1, 1],
    ]);
    r.log.writeBackBlocks([d]);
    r.log.revoke([d]);
    r.log.flush(null);
    flushOf(r.log, [[d, 2]]);
    const res = replayJournal(r.io, 0, r.loc);
    assert.deepEqual([res.replayed, res.total], [2, 3]);
    assert.deepEqual(inPlace(r.io.disk, d), image(d, 2));
  });

  test('replay through BlockCopyIo.copyBlock leaves the same disk and events as read + write', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    flushOf(r.log, [
      [d, 1],
      [d + 1, 1],
    ]);
    r.log.writeBackBlocks([d + 1]);
    r.log.revoke([d + 1]);
    flushOf(r.log, [[d + 2, 3]]);
    const other = r.io.disk.slice();
    const evA = eventLog();
    const evB = eventLog();
    const a = replayJournal(r.io, 0, r.loc, evA);
    const b = replayJournal(memCopyIo(other, BS), 0, r.loc, evB);
    assert.deepEqual([b.status, b.replayed, b.total], [a.status, a.replayed, a.total]);
    assert.deepEqual(other, r.io.disk);
    assert.deepEqual(evB.events, evA.events);
  });

  test('replay follows the active region across the wrap point', () => {
    const r = rig(32, 4); // head at 27: the log starts at 28 and wraps after 3 more blocks
    const d = r.dataStart;
    flushOf(r.log, [
      [d, 1],
      [d + 1, 1],
      [d + 2, 1],
      [d + 3, 1],
      [d + 4, 1],
    ]);
    assert.equal(r.log.head, 3); // 28..31, 0, 1 for LD + images, header at 2
    const res = replayJournal(r.io, 0, r.loc);
    assert.deepEqual([res.status, res.replayed], [JournalStatus.ok, 5]);
    for (let i = 0; i < 5; i++) assert.deepEqual(inPlace(r.io.disk, d + i), image(d + i, 1));
  });

  test('replay writes the clean header at head + 1: sequence + 1, tail 0, UNMOUNT|RECOVERY, replayer jid', () => {
    const r = rig(64, 0);
    flushOf(r.log, [[r.dataStart, 1]]); // header at 2, sequence 64
    replayJournal(r.io, 5, r.loc);
    const h = newLogHeader();
    assert.equal(decodeLogHeader(r.io.disk, (r.loc.startBlk + 3) * BS, BS, 3, h), LhStatus.ok);
    assert.deepEqual([h.sequence, h.tail, h.flags, h.jid], [65, 0, LogFlag.unmount | LogFlag.recovery, 5]);
    const again = replayJournal(r.io, 5, r.loc);
    assert.ok(again.clean);
    assert.equal(again.replayed, 0);
    assert.equal(new LogManager(r.io, 1, r.loc).mount(), JournalStatus.ok);
  });

  test('replay emits journalState, replayStart, one writeInPlace (source 1) per block and replayEnd', () => {
    const r = rig(64, 0);
    flushOf(r.log, [[r.dataStart, 4]]);
    const ev = eventLog();
    replayJournal(r.io, 0, r.loc, ev);
    assert.deepEqual(ev.events, [
      [Ev.journalState, 1, 0, 0],
      [Ev.replayStart, 1, 0, 0],
      [Ev.writeInPlace, r.dataStart, 4, 1],
      [Ev.replayEnd, 1, 1, 1],
    ]);
  });

  test('a descriptor whose length runs past the head stops replay with corrupt and writes nothing', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    flushOf(r.log, [
      [d, 1],
      [d + 1, 1],
    ]); // LD at 0, header at 3
    const ldOff = (r.loc.startBlk + 0) * BS;
    encodeLogDescriptor(r.io.disk, ldOff, BS, LdType.metadata, 41, 40, 0);
    const before = r.io.disk.slice();
    const res = replayJournal(r.io, 0, r.loc);
    assert.equal(res.status, JournalStatus.corrupt);
    assert.deepEqual(r.io.disk, before);
  });

  test('a METADATA entry pointing into the journal itself is reported corrupt', () => {
    const r = rig(64, 0);
    flushOf(r.log, [[r.dataStart, 1]]);
    writeBe64(r.io.disk, (r.loc.startBlk + 0) * BS + LdOff.entries, r.loc.startBlk + 10);
    assert.equal(replayJournal(r.io, 0, r.loc).status, JournalStatus.corrupt);
  });

  test('a JDATA entry marked escaped gets its magic restored in place', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    flushOf(r.log, [[d, 1]]); // LD at 0, image at 1, header at 2
    const ldOff = r.loc.startBlk * BS;
    encodeLogDescriptor(r.io.disk, ldOff, BS, LdType.jdata, 2, 1, 0);
    writeBe64(r.io.disk, ldOff + 72, d + 3);
    writeBe64(r.io.disk, ldOff + 80, 1);
    writeBe32(r.io.disk, (r.loc.startBlk + 1) * BS, 0);
    const res = replayJournal(r.io, 0, r.loc);
    assert.equal(res.replayed, 1);
    const expected = image(d, 1);
    writeBe32(expected, 0, GFS2_MAGIC);
    assert.deepEqual(inPlace(r.io.disk, d + 3), expected);
  });

  test('replay of any corruption of the active region never throws and never writes outside the disk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 30 }),
        (flips) => {
          const r = rig(32, 9);
          const d = r.dataStart;
          flushOf(r.log, [
            [d, 1],
            [d + 1, 1],
            [d + 2, 1],
          ]);
          r.log.writeBackBlocks([d + 1]);
          r.log.revoke([d + 1]);
          flushOf(r.log, [[d + 3, 1]]);
          const span = 12 * BS; // the blocks the two flushes wrote (from position 23)
          for (const [at, x] of flips) {
            const off = (r.loc.startBlk + 23) * BS + (at % span);
            const wrapped = off >= (r.loc.startBlk + 32) * BS ? off - 32 * BS : off;
            r.io.disk[wrapped] = (r.io.disk[wrapped] as number) ^ x;
          }
          const res = replayJournal(r.io, 0, r.loc, null, { diskBlocks: r.io.disk.length / BS });
          assert.ok([JournalStatus.ok, JournalStatus.corrupt].includes(res.status as 0 | -74), `status ${res.status}`);
        },
      ),
    );
  });
});

describe('scanJournal and dumpJournal', () => {
  test('scan lists every image of the active region with position, version and revoked flag, writing nothing', () => {
    const r = rig(64, 0);
    const d = r.dataStart;
    flushOf(r.log, [
      [d, 1],
      [d + 1, 1],
      [d + 2, 1],
    ]); // images at 1..3; d + 2 keeps the tail here
    r.log.writeBackBlocks([d]);
    r.log.revoke([d]);
    flushOf(r.log, [[d + 1, 2]]); // LD 5, image 6, revoke 7
    const before = r.io.disk.slice();
    const seen: [number, number, number, boolean][] = [];
    const st = scanJournal(r.io, 0, r.loc, (blk, pos, v, revoked) => seen.push([blk, pos, v, revoked]));
    assert.equal(st, JournalStatus.ok);
    assert.deepEqual(seen, [
      [d, 1, 1, true],
      [d + 1, 2, 1, false],
      [d + 2, 3, 1, false],
      [d + 1, 6, 2, false],
    ]);
    assert.deepEqual(r.io.disk, before);
  });

  test('dumpJournal returns the N journal blocks in logical order', () => {
    const r = rig(32, 3);
    const dump = dumpJournal(r.io, 0, r.loc);
    assert.ok(dump !== null);
    assert.deepEqual(dump, r.io.disk.subarray(r.loc.startBlk * BS, (r.loc.startBlk + 32) * BS));
    const head = newJournalHead();
    findHead(r.io, 0, r.loc, head);
    assert.equal(head.blkno, 28);
  });
});
