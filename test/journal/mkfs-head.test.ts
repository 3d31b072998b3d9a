import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { SharedDisk } from '../../src/disk/device.js';
import { decodeLogHeader, LhStatus, LogFlag, newLogHeader } from '../../src/disk/log-format.js';
import { findHead } from '../../src/journal/head.js';
import { mkfsJournal } from '../../src/journal/mkfs.js';
import { type JournalLoc, JournalStatus, newJournalHead } from '../../src/journal/types.js';
import { memIo } from './mem-io.js';

const BS = 512;

function fresh(n: number, s0: number, startBlk = 3) {
  const loc: JournalLoc = { jid: 0, startBlk, journalBlocks: n, blockSize: BS, jinodeBlk: 2 };
  const io = memIo(new Uint8Array((startBlk + n + 2) * BS), BS);
  assert.equal(mkfsJournal(io, 0, loc, s0), JournalStatus.ok);
  return { io, loc };
}

describe('mkfsJournal', () => {
  test('block j gets sequence (s0 + j) mod N, flags UNMOUNT|USERSPACE, tail 0 and its own addresses', () => {
    const { io, loc } = fresh(32, 20);
    const h = newLogHeader();
    for (let j = 0; j < 32; j++) {
      assert.equal(decodeLogHeader(io.disk, (3 + j) * BS, BS, j, h), LhStatus.ok);
      assert.equal(h.sequence, (20 + j) % 32);
      assert.equal(h.flags, (LogFlag.unmount | LogFlag.userspace) >>> 0);
      assert.equal(h.tail, 0);
      assert.equal(h.addr, loc.startBlk + j);
      assert.equal(h.jinode, 2);
      assert.equal(h.jid, 0);
    }
  });

  test('the head of a fresh journal is block N − 1 − s0 with sequence N − 1, clean', () => {
    // Same pattern as the real mkfs.gfs2 image of test/disk/crc.test.ts: N = 2048, s0 = 558, so
    // the head is journal block 1489 with sequence 2047.
    const { io, loc } = fresh(2048, 558);
    const head = newJournalHead();
    assert.equal(findHead(io, 0, loc, head), JournalStatus.ok);
    assert.equal(head.blkno, 1489);
    assert.equal(head.sequence, 2047);
    assert.ok(head.clean);
  });

  test('with s0 = 0 the head is the last block', () => {
    const { io, loc } = fresh(32, 0);
    const head = newJournalHead();
    findHead(io, 0, loc, head);
    assert.equal(head.blkno, 31);
  });

  test('a write error is returned as eio', () => {
    const loc: JournalLoc = { jid: 0, startBlk: 0, journalBlocks: 32, blockSize: BS };
    const io = memIo(new Uint8Array(32 * BS), BS);
    io.failBlock = 7;
    assert.equal(mkfsJournal(io, 0, loc, 1), JournalStatus.eio);
  });
});

describe('findHead on damaged journals', () => {
  test('a bit flip in the head header makes the scan stop at the header before it', () => {
    const { io, loc } = fresh(32, 10); // head at 21, sequence 31
    io.disk[(3 + 21) * BS + 30] = (io.disk[(3 + 21) * BS + 30] as number) ^ 0x04;
    const head = newJournalHead();
    assert.equal(findHead(io, 0, loc, head), JournalStatus.ok);
    assert.equal(head.blkno, 20);
    assert.equal(head.sequence, 30);
    assert.equal(head.corruptHeaders, 1);
  });

  test('a wrong lh_crc is skipped like any invalid block', () => {
    const { io, loc } = fresh(32, 10);
    io.disk[(3 + 21) * BS + 49] = (io.disk[(3 + 21) * BS + 49] as number) ^ 0xff; // lh_crc field of the head
    const head = newJournalHead();
    findHead(io, 0, loc, head);
    assert.equal(head.blkno, 20);
  });

  test('zeroed (truncated) blocks are skipped and the last valid header before them wins', () => {
    const { io, loc } = fresh(32, 10);
    io.disk.fill(0, (3 + 15) * BS, (3 + 32) * BS);
    const head = newJournalHead();
    assert.equal(findHead(io, 0, loc, head), JournalStatus.ok);
    assert.equal(head.blkno, 14);
    assert.equal(head.sequence, 24);
  });

  test('a journal without any valid header reports noHead', () => {
    const loc: JournalLoc = { jid: 0, startBlk: 0, journalBlocks: 32, blockSize: BS };
    const io = memIo(new Uint8Array(32 * BS).fill(0x5a), BS);
    assert.equal(findHead(io, 0, loc, newJournalHead()), JournalStatus.noHead);
  });

  test('a read error is reported as eio', () => {
    const loc: JournalLoc = { jid: 0, startBlk: 0, journalBlocks: 32, blockSize: BS };
    const io = memIo(new Uint8Array(16 * BS), BS); // the journal runs off the disk
    assert.equal(findHead(io, 0, loc, newJournalHead()), JournalStatus.eio);
  });

  test('random corruption of a fresh journal never throws and any head found is a real header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 31 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 32 * BS - 1 }), fc.integer({ min: 1, max: 255 })), {
          maxLength: 40,
        }),
        (s0, flips) => {
          const { io, loc } = fresh(32, s0, 0);
          for (const [at, x] of flips) io.disk[at] = (io.disk[at] as number) ^ x;
          const head = newJournalHead();
          const st = findHead(io, 0, loc, head);
          if (st === JournalStatus.noHead) return;
          assert.equal(st, JournalStatus.ok);
          assert.equal(decodeLogHeader(io.disk, head.blkno * BS, BS, head.blkno, newLogHeader()), LhStatus.ok);
          assert.equal(head.sequence, (s0 + head.blkno) % 32);
        },
      ),
    );
  });
});

describe('findHead through a device that can peek (BlockPeekIo)', () => {
  test('the shared disk finds the same head, counts and corrupt headers as whole-block reads', () => {
    const n = 64;
    const { io, loc } = fresh(n, 5);
    // Damage: a flipped bit in one header (corrupt), a zeroed block, and a block that is not a header.
    const flipAt = (loc.startBlk + 20) * BS + 60;
    io.disk[flipAt] = (io.disk[flipAt] as number) ^ 0x10;
    io.disk.fill(0, (loc.startBlk + 30) * BS, (loc.startBlk + 31) * BS);
    io.disk.fill(0x5a, (loc.startBlk + 40) * BS, (loc.startBlk + 41) * BS);
    const sab = new SharedArrayBuffer(io.disk.length);
    new Uint8Array(sab).set(io.disk);
    const disk = new SharedDisk(sab, 0, io.disk.length / BS, BS);
    const viaReads = newJournalHead();
    const viaPeek = newJournalHead();
    findHead(io, 0, loc, viaReads);
    findHead(disk, 0, loc, viaPeek);
    assert.equal(viaReads.corruptHeaders, 1, 'the flipped header is seen as corrupt');
    assert.deepEqual(viaPeek, viaReads);
  });
});
