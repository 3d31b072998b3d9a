import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metaVersion } from '../../src/disk/meta.js';
import { isRgrpBitmapHeader, readRgrpHeader, rgrpHeaderCrcOk } from '../../src/disk/rgrp-format.js';
import { Ev } from '../../src/memory/events.js';
import { type BlockIo, IoStatus } from '../../src/platform/platform.js';
import { computeRgrpGeometry } from '../../src/rgrp/geometry.js';
import { mkfsRgrps, mkfsRgrpsInto } from '../../src/rgrp/mkfs.js';

/** A BlockIo over a plain byte array that fails writes to one chosen block. */
function memIo(disk: Uint8Array, bs: number, failBlock = -1): BlockIo & { writes: number[] } {
  const writes: number[] = [];
  return {
    writes,
    read(_node, blkno, dst, dstOff) {
      dst.set(disk.subarray(blkno * bs, (blkno + 1) * bs), dstOff);
      return IoStatus.ok;
    },
    write(_node, blkno, src, srcOff) {
      if (blkno === failBlock) return IoStatus.eio;
      writes.push(blkno);
      disk.set(src.subarray(srcOff, srcOff + bs), blkno * bs);
      return IoStatus.ok;
    },
    lastWriteDelayNs: () => 0,
  };
}

describe('mkfs of resource groups', () => {
  test('fresh headers have rg_free = data count, no dinodes, version 0 and a valid crc', () => {
    const g = computeRgrpGeometry(4, 3, 2000, 512);
    const disk = new Uint8Array(g.endBlock * 512);
    mkfsRgrpsInto(disk, g);
    for (let r = 0; r < g.count; r++) {
      const off = g.addr[r]! * 512;
      const h = readRgrpHeader(disk, off);
      assert.equal(h.free, 2000);
      assert.equal(h.dinodes, 0);
      assert.equal(h.data0, g.data0[r]);
      assert.equal(h.bitbytes, 500);
      assert.equal(h.skip, r < 2 ? 2002 : 0);
      assert.equal(metaVersion(disk, off), 0);
      assert.ok(rgrpHeaderCrcOk(disk, off));
      assert.ok(isRgrpBitmapHeader(disk, off + 512));
    }
  });

  test('every bitmap byte of a fresh rgrp is zero, i.e. every data block FREE', () => {
    const g = computeRgrpGeometry(0, 2, 4000, 512);
    const disk = new Uint8Array(g.endBlock * 512).fill(0xaa);
    mkfsRgrpsInto(disk, g);
    for (let r = 0; r < g.count; r++) {
      const a = g.addr[r]!;
      assert.ok(disk.subarray(a * 512 + 128, (a + 1) * 512).every((x) => x === 0));
      for (let i = 1; i < g.length[r]!; i++) {
        assert.ok(disk.subarray((a + i) * 512 + 24, (a + i + 1) * 512).every((x) => x === 0));
      }
    }
  });

  test('the BlockIo form writes the same bytes as the direct form and reports each write', () => {
    const g = computeRgrpGeometry(2, 2, 3000, 1024);
    const a = new Uint8Array(g.endBlock * 1024);
    const b = new Uint8Array(g.endBlock * 1024);
    mkfsRgrpsInto(a, g);
    const seen: number[][] = [];
    const st = mkfsRgrps(memIo(b, 1024), 0, g, { emit: (k, x, y, z) => seen.push([k, x, y, z]) });
    assert.equal(st, IoStatus.ok);
    assert.deepEqual(b, a);
    assert.equal(seen.length, g.length[0]! + g.length[1]!);
    assert.deepEqual(seen[0], [Ev.writeInPlace, 2, 0, 2]);
  });

  test('a failing write stops mkfs and returns the I/O error', () => {
    const g = computeRgrpGeometry(0, 2, 100, 4096);
    const io = memIo(new Uint8Array(g.endBlock * 4096), 4096, g.addr[1]!);
    assert.equal(mkfsRgrps(io, 0, g), IoStatus.eio);
    assert.deepEqual(io.writes, [0]);
  });
});
