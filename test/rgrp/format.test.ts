import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MetaType, metaType, metaVersion } from '../../src/disk/meta.js';
import {
  BlockState,
  bitmapBlockOfByte,
  bitmapOffsetOfByte,
  emptyRgrpHeader,
  getBlockState,
  isAllowedTransition,
  isRgrpBitmapHeader,
  isRgrpHeader,
  RGRP_HEADER_BYTES,
  readRgrpHeader,
  readRindexEntry,
  rgrpHeaderCrc,
  rgrpHeaderCrcOk,
  rgrpLengthFor,
  setBlockState,
  stampRgrpBlockVersion,
  writeRgrpHeader,
  writeRindexEntry,
} from '../../src/disk/rgrp-format.js';

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

// Real vectors from gfs2-utils 3.5.0 (Debian gfs2-utils 3.5.0-2):
//   truncate -s 64M /tmp/r.img && mkfs.gfs2 -O -p lock_nolock -j 1 -b 4096 /tmp/r.img
//   gfs2_edit -p rg 1 /tmp/r.img   → rg_free 14043, rg_dinodes 9, rg_skip 0, rg_data0 2075,
//                                     rg_data 14308, rg_bitbytes 3577, rg_crc 385337903 (0x16f7ca2f)
//   node -e 'fs.readFileSync("/tmp/r.img").subarray(2074*4096, 2074*4096+128).toString("hex")'
const REAL_RG1_4K =
  '01161970000000020000000000000000000000c80000000000000000000036db' +
  '00000009000000000000000000000000000000000000081b000037e400000df9' +
  '16f7ca2f00000000000000000000000000000000000000000000000000000000' +
  '0000000000000000000000000000000000000000000000000000000000000000';
// gfs2_edit -p rg 0 /tmp/r.img → rg_free 0, rg_dinodes 3, rg_skip 2057, rg_data0 18, rg_data 2056,
// rg_bitbytes 514, rg_crc 613495949 (0x2491348d); bytes at block 17.
const REAL_RG0_4K =
  '01161970000000020000000000000000000000c8000000000000000000000000' +
  '0000000300000809000000000000000000000000000000120000080800000202' +
  '2491348d00000000000000000000000000000000000000000000000000000000' +
  '0000000000000000000000000000000000000000000000000000000000000000';
// The first 67 bitmap bytes of rgrp 1 (block 2074, offset 128); every later byte is 0.
// Counted by hand from the image: 9 DINODE, 256 USED, 14043 FREE = rg_free.
const REAL_RG1_BITMAP_PREFIX = `ff${'55'.repeat(64)}ff03`;
// Both rindex entries, from the stuffed rindex dinode (block 2337, offset 232). mkfs.gfs2 leaves
// stack bytes in the pad and reserved area; gfs2_edit -p rindex prints
// ri_addr 17 ri_length 1 ri_data0 18 ri_data 2056 ri_bitbytes 514, and 2074 1 2075 14308 3577.
const REAL_RINDEX_0 =
  '000000000000001100000001ff7f0000000000000000001200000808000002020200000000000000180800000000000009000000000000002009000000000000e051866eff7f000000257c9af5ccb40cf051866eff7f00000052866eff7f0000';
const REAL_RINDEX_1 =
  '000000000000081a00000001ff7f0000000000000000081b000037e400000df90200000000000000180800000000000009000000000000002009000000000000e051866eff7f000000257c9af5ccb40cf051866eff7f00000052866eff7f0000';
// truncate -s 64M /tmp/s.img && mkfs.gfs2 -O -p lock_nolock -j 1 -b 512 -J 8 /tmp/s.img:
// rgrp 0 at 129 has ri_length 9; the first RB block (130) starts with this meta header.
const REAL_RB_512 = '011619700000000300000000000000000000012c00000000';

describe('rgrp header format', () => {
  test('a real mkfs.gfs2 rgrp header decodes to the fields gfs2_edit prints', () => {
    const h = readRgrpHeader(fromHex(REAL_RG1_4K), 0);
    assert.deepEqual(h, {
      flags: 0,
      free: 14043,
      dinodes: 9,
      skip: 0,
      igeneration: 0,
      data0: 2075,
      data: 14308,
      bitbytes: 3577,
      crc: 385337903,
    });
  });

  test('rg_crc of real mkfs.gfs2 headers matches the zlib CRC-32 computed with rg_crc zeroed', () => {
    for (const hex of [REAL_RG1_4K, REAL_RG0_4K]) {
      const b = fromHex(hex);
      assert.ok(isRgrpHeader(b, 0));
      assert.ok(rgrpHeaderCrcOk(b, 0));
    }
    assert.equal(rgrpHeaderCrc(fromHex(REAL_RG0_4K), 0), 0x2491348d);
  });

  test('writing the decoded fields of a real header reproduces its 128 bytes exactly', () => {
    const real = fromHex(REAL_RG0_4K);
    const b = new Uint8Array(RGRP_HEADER_BYTES);
    writeRgrpHeader(b, 0, readRgrpHeader(real, 0), 0);
    assert.deepEqual(b, real);
  });

  test('a header round-trips through write and read at a non-zero offset', () => {
    const h = {
      ...emptyRgrpHeader(),
      flags: 1,
      free: 7,
      dinodes: 2,
      skip: 300,
      igeneration: 2 ** 40 + 5,
      data0: 1234,
      data: 64,
      bitbytes: 16,
    };
    const b = new Uint8Array(4096);
    const crc = writeRgrpHeader(b, 512, h, 99);
    assert.deepEqual(readRgrpHeader(b, 512), { ...h, crc });
    assert.equal(metaVersion(b, 512), 99);
    assert.ok(rgrpHeaderCrcOk(b, 512));
  });

  test('a flipped header byte makes the crc check fail', () => {
    const b = fromHex(REAL_RG1_4K);
    b[29] = (b[29] as number) ^ 1; // inside rg_free
    assert.equal(rgrpHeaderCrcOk(b, 0), false);
  });

  test('stamping a version into a header refreshes rg_crc because the pad is covered', () => {
    const b = fromHex(REAL_RG1_4K);
    stampRgrpBlockVersion(b, 0, 0, 42);
    assert.equal(metaVersion(b, 0), 42);
    assert.ok(rgrpHeaderCrcOk(b, 0));
    assert.notEqual(rgrpHeaderCrc(b, 0), 0x16f7ca2f);
  });

  test('a real RB bitmap block header is recognised as type RB format 300', () => {
    const b = fromHex(REAL_RB_512);
    assert.ok(isRgrpBitmapHeader(b, 0));
    assert.equal(metaType(b, 0), MetaType.rb);
    assert.equal(isRgrpHeader(b, 0), false);
  });
});

describe('rindex entries', () => {
  test('real mkfs.gfs2 rindex entries decode to what gfs2_edit -p rindex prints', () => {
    assert.deepEqual(readRindexEntry(fromHex(REAL_RINDEX_0), 0), {
      addr: 17,
      length: 1,
      data0: 18,
      data: 2056,
      bitbytes: 514,
    });
    assert.deepEqual(readRindexEntry(fromHex(REAL_RINDEX_1), 0), {
      addr: 2074,
      length: 1,
      data0: 2075,
      data: 14308,
      bitbytes: 3577,
    });
  });

  test('a rindex entry round-trips and is written with a zeroed pad and reserved area', () => {
    const e = { addr: 16798, length: 59, data0: 16857, data: 114212, bitbytes: 28553 };
    const b = new Uint8Array(96).fill(0xee);
    writeRindexEntry(b, 0, e);
    assert.deepEqual(readRindexEntry(b, 0), e);
    assert.ok(b.subarray(12, 16).every((x) => x === 0));
    assert.ok(b.subarray(32, 96).every((x) => x === 0));
  });
});

describe('bitmap bits', () => {
  test('block k lives in byte k/4 at bits 2(k mod 4), least significant pair first', () => {
    const bits = new Uint8Array(2);
    setBlockState(bits, 0, 0, BlockState.dinode); // bits 0-1 = 11
    setBlockState(bits, 0, 1, BlockState.used); // bits 2-3 = 01
    setBlockState(bits, 0, 3, BlockState.unlinked); // bits 6-7 = 10
    setBlockState(bits, 0, 5, BlockState.used); // byte 1 bits 2-3
    assert.equal(bits[0], 0b10_00_01_11);
    assert.equal(bits[1], 0b00_00_01_00);
    assert.equal(getBlockState(bits, 0, 3), BlockState.unlinked);
    assert.equal(getBlockState(bits, 0, 2), BlockState.free);
  });

  test('setting a block state leaves its three neighbours in the byte unchanged', () => {
    const bits = new Uint8Array([0xff]);
    setBlockState(bits, 0, 2, BlockState.free);
    assert.equal(bits[0], 0b11_00_11_11);
  });

  test('the real rgrp 1 bitmap counts 14043 FREE, 256 USED and 9 DINODE blocks', () => {
    const bits = new Uint8Array(3577);
    bits.set(fromHex(REAL_RG1_BITMAP_PREFIX));
    const count = [0, 0, 0, 0];
    for (let k = 0; k < 14308; k++) count[getBlockState(bits, 0, k)]! += 1;
    assert.deepEqual(count, [14043, 256, 0, 9]);
  });

  test('bitmap bytes map to the header after 128 bytes and to RB blocks after 24 bytes', () => {
    // 512-byte blocks: 384 bytes in the header, 488 per RB block (mkfs.gfs2 -b 512 gave 9 blocks for 4165 bytes).
    assert.equal(rgrpLengthFor(4165, 512), 9);
    assert.equal(rgrpLengthFor(28553, 512), 59);
    assert.equal(rgrpLengthFor(3577, 4096), 1);
    assert.deepEqual([bitmapBlockOfByte(383, 512), bitmapOffsetOfByte(383, 512)], [0, 511]);
    assert.deepEqual([bitmapBlockOfByte(384, 512), bitmapOffsetOfByte(384, 512)], [1, 24]);
    assert.deepEqual([bitmapBlockOfByte(384 + 488, 512), bitmapOffsetOfByte(384 + 488, 512)], [2, 24]);
  });
});

describe('bitmap transitions', () => {
  const names = ['FREE', 'USED', 'UNLINKED', 'DINODE'];
  const allowed = new Set(['FREE>USED', 'FREE>DINODE', 'USED>FREE', 'UNLINKED>FREE', 'DINODE>FREE', 'DINODE>UNLINKED']);
  for (let from = 0; from < 4; from++) {
    for (let to = 0; to < 4; to++) {
      const key = `${names[from]}>${names[to]}`;
      const ok = allowed.has(key);
      test(`${names[from]} → ${names[to]} is ${ok ? 'allowed' : 'rejected'}`, () => {
        assert.equal(isAllowedTransition(from, to), ok);
      });
    }
  }

  test('states outside 0..3 are rejected as transitions', () => {
    assert.equal(isAllowedTransition(4, 0), false);
    assert.equal(isAllowedTransition(0, 5), false);
    assert.equal(isAllowedTransition(-1, 1), false);
  });
});
