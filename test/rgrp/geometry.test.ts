import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  computeRgrpGeometry,
  geometryFromRindex,
  isRgrpMetaBlock,
  rgrpIndexOfBlock,
  rgrpIndexOfData,
  rgrpSkip,
} from '../../src/rgrp/geometry.js';

describe('rgrp geometry', () => {
  // Header capacity (bsize − 128)·4 blocks, RB capacity (bsize − 24)·4 blocks.
  const cases = [
    { bs: 512, data: 1536, length: 1 }, // exactly fills the header bitmap
    { bs: 512, data: 1537, length: 2 },
    { bs: 512, data: 1536 + 1952, length: 2 }, // header + one full RB block
    { bs: 1024, data: 8192, length: 3 }, // 896·4 = 3584 in header, 1000·4 = 4000 per RB
    { bs: 2048, data: 65536, length: 9 }, // 7680 + 8 × 8096 ≥ 65536 > 7680 + 7 × 8096
    { bs: 4096, data: 15872, length: 1 },
    { bs: 4096, data: 65536, length: 5 },
  ];
  for (const c of cases) {
    test(`${c.data} data blocks of ${c.bs} bytes need ${c.length} header+bitmap blocks`, () => {
      const g = computeRgrpGeometry(100, 3, c.data, c.bs);
      assert.equal(g.length[0], c.length);
      assert.equal(g.addr[0], 100);
      assert.equal(g.data0[0], 100 + c.length);
      assert.equal(g.bitbytes[0], Math.ceil(c.data / 4));
    });
  }

  test('rgrps for every block size lie back to back without overlapping', () => {
    for (const bs of [512, 1024, 2048, 4096]) {
      for (const data of [4, 1000, 4096, 30000, 65536]) {
        const g = computeRgrpGeometry(17, 7, data, bs);
        let expectNext = 17;
        for (let i = 0; i < g.count; i++) {
          assert.equal(g.addr[i], expectNext, `bs ${bs} data ${data} rgrp ${i}`);
          assert.equal(g.data0[i], g.addr[i]! + g.length[i]!);
          expectNext = g.data0[i]! + g.data[i]!;
        }
        assert.equal(g.endBlock, expectNext);
        assert.equal(g.totalBlocks, expectNext - 17);
      }
    }
  });

  test('block lookups name the rgrp of headers, bitmaps and data and -1 outside', () => {
    const g = computeRgrpGeometry(10, 4, 2000, 512); // length 2, stride 2002
    assert.equal(rgrpIndexOfBlock(g, 9), -1);
    assert.equal(rgrpIndexOfBlock(g, 10), 0);
    assert.equal(rgrpIndexOfBlock(g, 10 + 2002), 1);
    assert.equal(rgrpIndexOfBlock(g, 10 + 2002 - 1), 0);
    assert.equal(rgrpIndexOfBlock(g, g.endBlock - 1), 3);
    assert.equal(rgrpIndexOfBlock(g, g.endBlock), -1);
    assert.equal(rgrpIndexOfData(g, 11), -1); // the RB block of rgrp 0
    assert.equal(rgrpIndexOfData(g, 12), 0);
    assert.ok(isRgrpMetaBlock(g, 11));
    assert.equal(isRgrpMetaBlock(g, 12), false);
  });

  test('every block of the span maps to exactly the rgrp that contains it', () => {
    const g = computeRgrpGeometry(0, 9, 37, 1024);
    for (let b = 0; b < g.endBlock; b++) {
      const i = rgrpIndexOfBlock(g, b);
      assert.ok(b >= g.addr[i]! && b < g.data0[i]! + g.data[i]!, `block ${b}`);
    }
  });

  test('rg_skip is the distance to the next header and 0 for the last rgrp, as mkfs.gfs2 writes it', () => {
    const g = geometryFromRindex(
      [
        { addr: 17, length: 1, data0: 18, data: 2056, bitbytes: 514 },
        { addr: 2074, length: 1, data0: 2075, data: 14308, bitbytes: 3577 },
      ],
      4096,
    );
    assert.equal(rgrpSkip(g, 0), 2057); // gfs2_edit -p rg 0 printed rg_skip 2057
    assert.equal(rgrpSkip(g, 1), 0);
    assert.equal(rgrpIndexOfData(g, 2074 + 14308), 1);
    assert.equal(rgrpIndexOfBlock(g, 2074 + 1 + 14308), -1);
  });

  test('overlapping rindex entries are refused', () => {
    assert.throws(
      () =>
        geometryFromRindex(
          [
            { addr: 10, length: 1, data0: 11, data: 100, bitbytes: 25 },
            { addr: 50, length: 1, data0: 51, data: 100, bitbytes: 25 },
          ],
          4096,
        ),
      RangeError,
    );
  });

  test('a block size that is not a power of two in 512..4096 is refused', () => {
    assert.throws(() => computeRgrpGeometry(0, 1, 100, 3000), RangeError);
    assert.throws(() => computeRgrpGeometry(0, 1, 100, 8192), RangeError);
    assert.throws(() => computeRgrpGeometry(0, 0, 100, 4096), RangeError);
  });
});
