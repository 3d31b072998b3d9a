import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  decodeLogDescriptor,
  decodeLogHeader,
  encodeLogContinuation,
  encodeLogDescriptor,
  encodeLogHeader,
  isLogContinuation,
  jdataPerDescriptor,
  LdStatus,
  LdType,
  LhOff,
  LhStatus,
  LogFlag,
  logHeaderCrc,
  metadataBlocksFor,
  metadataPerDescriptor,
  newLogDescriptor,
  newLogHeader,
  readLdEntry,
  revokeBlocksFor,
  revokeEntryOffset,
  revokesInDescriptor,
  revokesPerContinuation,
  writeLdEntry,
} from '../../src/disk/log-format.js';
import { MetaType, metaFormat, metaType, readBe32, readBe64, writeBe32, writeBe64 } from '../../src/disk/meta.js';

function sampleHeader() {
  const h = newLogHeader();
  h.sequence = 2 ** 40 + 7;
  h.flags = LogFlag.flushNormal | LogFlag.transEnd;
  h.tail = 1234;
  h.blkno = 2000;
  h.nsec = 999_999_999;
  h.sec = 1_700_000_000;
  h.addr = 2 ** 33 + 5;
  h.jinode = 18;
  h.statfsAddr = 77;
  h.quotaAddr = 78;
  h.localTotal = -5;
  h.localFree = 2 ** 40;
  h.localDinodes = -(2 ** 35);
  h.jid = 3;
  return h;
}

describe('log header', () => {
  test('every field survives an encode/decode round trip, including negative local counters', () => {
    const b = new Uint8Array(4096);
    const h = sampleHeader();
    encodeLogHeader(b, 0, 4096, h);
    const out = newLogHeader();
    assert.equal(decodeLogHeader(b, 0, 4096, 2000, out), LhStatus.ok);
    assert.deepEqual(out, h);
  });

  test('the encoded header is type LH 8 / format 800 and zero after byte 120', () => {
    const b = new Uint8Array(4096).fill(0xff);
    encodeLogHeader(b, 0, 4096, sampleHeader());
    assert.equal(metaType(b, 0), MetaType.lh);
    assert.equal(metaFormat(b, 0), 800);
    assert.ok(b.subarray(120).every((x) => x === 0));
  });

  test('the fast lh_crc of encode equals a full CRC-32C for every block size', () => {
    fc.assert(
      fc.property(fc.constantFrom(512, 1024, 2048, 4096), fc.nat(), fc.nat(), (bs, seq, blkno) => {
        const b = new Uint8Array(bs + 16);
        const h = newLogHeader();
        h.sequence = seq;
        h.blkno = blkno;
        encodeLogHeader(b, 16, bs, h);
        assert.equal(readBe32(b, 16 + LhOff.crc), logHeaderCrc(b, 16, bs));
      }),
    );
  });

  test('a flipped bit in bytes 0..47 fails the hash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 47 * 8 - 1 }), (bit) => {
        const b = new Uint8Array(512);
        encodeLogHeader(b, 0, 512, sampleHeader());
        b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
        assert.notEqual(decodeLogHeader(b, 0, 512, -1, newLogHeader()), LhStatus.ok);
      }),
    );
  });

  test('a flipped bit after byte 52 fails the crc', () => {
    fc.assert(
      fc.property(fc.integer({ min: 52 * 8, max: 512 * 8 - 1 }), (bit) => {
        const b = new Uint8Array(512);
        encodeLogHeader(b, 0, 512, sampleHeader());
        b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
        assert.equal(decodeLogHeader(b, 0, 512, -1, newLogHeader()), LhStatus.badCrc);
      }),
    );
  });

  test('an lh_crc of zero is not checked, as in the kernel', () => {
    const b = new Uint8Array(512);
    encodeLogHeader(b, 0, 512, sampleHeader());
    writeBe32(b, LhOff.crc, 0);
    b[300] = 1;
    assert.equal(decodeLogHeader(b, 0, 512, -1, newLogHeader()), LhStatus.ok);
  });

  test('a header at the wrong position is rejected when the position is checked', () => {
    const b = new Uint8Array(512);
    encodeLogHeader(b, 0, 512, sampleHeader());
    assert.equal(decodeLogHeader(b, 0, 512, 1999, newLogHeader()), LhStatus.badBlkno);
  });

  test('a buffer shorter than the block is reported, not read past', () => {
    assert.equal(decodeLogHeader(new Uint8Array(600), 200, 512, -1, newLogHeader()), LhStatus.short);
  });

  test('decoding random bytes as a header never throws and never accepts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), fc.boolean(), (b, magic) => {
        if (magic) {
          writeBe32(b, 0, 0x01161970);
          writeBe32(b, 4, 8);
        }
        assert.notEqual(decodeLogHeader(b, 0, 512, -1, newLogHeader()), LhStatus.ok);
      }),
    );
  });

  test('the flag constants carry the kernel values', () => {
    assert.equal((LogFlag.unmount | LogFlag.userspace) >>> 0, 0x80000001);
    assert.equal(LogFlag.unmount | LogFlag.shutdown, 0x101);
    assert.equal(LogFlag.unmount | LogFlag.recovery, 0x21);
    assert.equal(LogFlag.logdJflushReqd, 0x2000000);
  });
});

describe('log descriptors', () => {
  test('a 4 KiB block holds 503 metadata pointers, 251 jdata pairs, 503 + 509 per LB revokes', () => {
    assert.equal(metadataPerDescriptor(4096), 503);
    assert.equal(jdataPerDescriptor(4096), 251);
    assert.equal(revokesInDescriptor(4096), 503);
    assert.equal(revokesPerContinuation(4096), 509);
  });

  test('revoke chunk length counts the descriptor and each continuation block', () => {
    assert.equal(revokeBlocksFor(0, 4096), 0);
    assert.equal(revokeBlocksFor(503, 4096), 1);
    assert.equal(revokeBlocksFor(504, 4096), 2);
    assert.equal(revokeBlocksFor(503 + 509, 4096), 2);
    assert.equal(revokeBlocksFor(503 + 509 + 1, 4096), 3);
  });

  test('metadata of n blocks takes n images plus one descriptor per 503', () => {
    assert.equal(metadataBlocksFor(1, 4096), 2);
    assert.equal(metadataBlocksFor(503, 4096), 504);
    assert.equal(metadataBlocksFor(504, 4096), 506);
  });

  test('a METADATA descriptor round-trips: ld_length = n + 1, entries from offset 72', () => {
    const b = new Uint8Array(4096);
    encodeLogDescriptor(b, 0, 4096, LdType.metadata, 4, 3, 0);
    for (let i = 0; i < 3; i++) writeLdEntry(b, 0, i, 1000 + i);
    const ld = newLogDescriptor();
    assert.equal(decodeLogDescriptor(b, 0, 4096, ld), LdStatus.ok);
    assert.deepEqual(ld, { type: 300, lengthBlocks: 4, data1: 3, data2: 0 });
    assert.equal(metaType(b, 0), MetaType.ld);
    assert.equal(metaFormat(b, 0), 900);
    assert.equal(readBe64(b, 72), 1000);
    assert.equal(readLdEntry(b, 0, 2), 1002);
  });

  test('a REVOKE of 600 entries spans the descriptor and one LB block with entries from offset 24', () => {
    const bs = 4096;
    const blocks = new Uint8Array(2 * bs);
    encodeLogDescriptor(blocks, 0, bs, LdType.revoke, revokeBlocksFor(600, bs), 600, 0);
    encodeLogContinuation(blocks, bs, bs);
    for (let i = 0; i < 600; i++) {
      const inFirst = i < 503;
      writeBe64(blocks, (inFirst ? 0 : bs) + revokeEntryOffset(inFirst ? i : i - 503, inFirst), 50_000 + i);
    }
    const ld = newLogDescriptor();
    assert.equal(decodeLogDescriptor(blocks, 0, bs, ld), LdStatus.ok);
    assert.deepEqual(ld, { type: 301, lengthBlocks: 2, data1: 600, data2: 0 });
    assert.ok(isLogContinuation(blocks, bs));
    assert.equal(metaType(blocks, bs), MetaType.lb);
    assert.equal(metaFormat(blocks, bs), 1000);
    assert.equal(readBe64(blocks, bs + 24), 50_503);
    assert.equal(readBe64(blocks, bs + 24 + 8 * 96), 50_599);
  });

  test('a descriptor whose ld_length disagrees with ld_data1 is rejected', () => {
    const b = new Uint8Array(512);
    encodeLogDescriptor(b, 0, 512, LdType.metadata, 9, 3, 0);
    assert.equal(decodeLogDescriptor(b, 0, 512, newLogDescriptor()), LdStatus.badLength);
    encodeLogDescriptor(b, 0, 512, LdType.revoke, 1, 100, 0);
    assert.equal(decodeLogDescriptor(b, 0, 512, newLogDescriptor()), LdStatus.badLength);
    encodeLogDescriptor(b, 0, 512, 299, 1, 0, 0);
    assert.equal(decodeLogDescriptor(b, 0, 512, newLogDescriptor()), LdStatus.badLdType);
  });

  test('decoding random bytes as a descriptor never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 512, maxLength: 512 }), (b) => {
        writeBe32(b, 0, 0x01161970);
        writeBe32(b, 4, 9);
        const st = decodeLogDescriptor(b, 0, 512, newLogDescriptor());
        assert.ok(st >= LdStatus.ok && st <= LdStatus.badLength);
      }),
    );
  });
});
