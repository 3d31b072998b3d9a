import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkBitmaps, type OwnedObject } from '../../src/check/bitmap.js';
import { writeBe32 } from '../../src/disk/meta.js';
import { BlockState, RgOff, updateRgrpHeaderCrc } from '../../src/disk/rgrp-format.js';
import { computeRgrpGeometry, geometryFromRindex, type RgrpGeometry } from '../../src/rgrp/geometry.js';
import { mkfsRgrpsInto } from '../../src/rgrp/mkfs.js';
import { Rgrp, RgrpStatus } from '../../src/rgrp/rgrp.js';

const BS = 512;

/**
 * A consistent disk: 3 rgrps of 2000 data blocks (header + one RB block each, so bitmaps span
 * two blocks); in rgrp 1 object 1 has a dinode and two data blocks (one in the RB region),
 * object 2 has a dinode only. Built with the real in-core Rgrp and written back.
 */
function consistent(): { g: RgrpGeometry; disk: Uint8Array; owned: OwnedObject[]; rg: Rgrp } {
  const g = computeRgrpGeometry(5, 3, 2000, BS);
  const disk = new Uint8Array(g.endBlock * BS);
  mkfsRgrpsInto(disk, g);
  const rg = new Rgrp(g, 1);
  for (let i = 0; i < rg.length; i++) rg.loadBlock(i, disk, (rg.addr + i) * BS);
  assert.equal(rg.loadDone(), RgrpStatus.ok);
  const d1 = rg.alloc(BlockState.dinode, 0);
  const a = rg.alloc(BlockState.used, 1);
  const b = rg.alloc(BlockState.used, 1700);
  const d2 = rg.alloc(BlockState.dinode, 5);
  for (let i = 0; i < rg.length; i++) disk.set(rg.blockImage(i), (rg.addr + i) * BS);
  const owned: OwnedObject[] = [
    { id: 1, dinodeBlock: d1, dataBlocks: [a, b] },
    { id: 2, dinodeBlock: d2, dataBlocks: [] },
  ];
  return { g, disk, owned, rg };
}

describe('I4 bitmap checker', () => {
  test('a consistent disk with owned objects has no violations', () => {
    const { g, disk, owned } = consistent();
    assert.deepEqual(checkBitmaps(disk, g, owned), []);
  });

  test('an UNLINKED block still counts in rg_dinodes, as gfs2_rgrp_verify counts it', () => {
    const { g, disk, owned, rg } = consistent();
    assert.equal(rg.unlink(owned[1]!.dinodeBlock), RgrpStatus.ok);
    for (let i = 0; i < rg.length; i++) disk.set(rg.blockImage(i), (rg.addr + i) * BS);
    assert.deepEqual(checkBitmaps(disk, g, [owned[0]!]), []);
  });

  test('an rg_free that disagrees with the FREE bits is caught, with a correct crc', () => {
    const { g, disk } = consistent();
    const off = g.addr[2]! * BS;
    writeBe32(disk, off + RgOff.free, 1999);
    updateRgrpHeaderCrc(disk, off); // only the count is wrong, not the checksum
    const v = checkBitmaps(disk, g);
    assert.equal(v.length, 1);
    assert.deepEqual({ ...v[0], detail: undefined }, { invariant: 'I4', block: g.addr[2], rgrp: 2, detail: undefined });
    assert.match(v[0]!.detail, /rg_free 1999 != 2000 FREE bits/);
  });

  test('an rg_dinodes that disagrees with the DINODE bits is caught', () => {
    const { g, disk } = consistent();
    const off = g.addr[1]! * BS;
    writeBe32(disk, off + RgOff.dinodes, 3);
    updateRgrpHeaderCrc(disk, off);
    const v = checkBitmaps(disk, g);
    assert.equal(v.length, 1);
    assert.match(v[0]!.detail, /rg_dinodes 3 != 2 DINODE/);
  });

  test('an owned block whose bit is FREE is caught', () => {
    const { g, disk, owned, rg } = consistent();
    const stray = rg.data0 + 1500; // never allocated
    const v = checkBitmaps(disk, g, [...owned, { id: 3, dinodeBlock: -1, dataBlocks: [stray] }]);
    assert.equal(v.length, 1);
    assert.equal(v[0]!.block, stray);
    assert.equal(v[0]!.rgrp, 1);
    assert.match(v[0]!.detail, /object 3 is FREE but in use/);
  });

  test('a block owned by two objects is caught', () => {
    const { g, disk, owned } = consistent();
    const shared = owned[0]!.dataBlocks[1]!;
    const v = checkBitmaps(disk, g, [...owned, { id: 9, dinodeBlock: -1, dataBlocks: [shared] }]);
    assert.equal(v.length, 1);
    assert.equal(v[0]!.block, shared);
    assert.match(v[0]!.detail, /owned twice: by object 1 and by object 9/);
  });

  test('an owned dinode whose bit says USED is caught', () => {
    const { g, disk, owned } = consistent();
    const v = checkBitmaps(disk, g, [{ id: 4, dinodeBlock: owned[0]!.dataBlocks[0]!, dataBlocks: [] }]);
    assert.equal(v.length, 1);
    assert.match(v[0]!.detail, /dinode of object 4 is USED, expected DINODE/);
  });

  test('a header whose bytes changed under its crc is caught as a bad crc', () => {
    const { g, disk } = consistent();
    const off = g.addr[0]! * BS;
    disk[off + RgOff.igeneration + 7] = 1; // a field the counts do not cover
    const v = checkBitmaps(disk, g);
    assert.equal(v.length, 1);
    assert.match(v[0]!.detail, /^rg_crc 0x[0-9a-f]+ != computed/);
  });

  test('a bitmap block with a wrong type is reported and its rgrp not counted', () => {
    const { g, disk } = consistent();
    writeBe32(disk, (g.addr[1]! + 1) * BS + 4, 4); // RB → DI
    const v = checkBitmaps(disk, g);
    assert.equal(v.length, 1);
    assert.equal(v[0]!.block, g.addr[1]! + 1);
  });

  test('owning a block outside every rgrp data range is a violation, not an exception', () => {
    const { g, disk } = consistent();
    const v = checkBitmaps(disk, g, [{ id: 5, dinodeBlock: g.addr[0]!, dataBlocks: [g.endBlock + 3] }]);
    assert.equal(v.length, 2);
    assert.ok(v.every((x) => x.rgrp === -1));
  });

  test('a disk too short for the geometry is reported without throwing', () => {
    const { g, disk } = consistent();
    const v = checkBitmaps(disk.subarray(0, (g.addr[2]! + 1) * BS), g);
    assert.equal(v.length, 1);
    assert.match(v[0]!.detail, /beyond the disk/);
  });

  test('the number of violations reported is capped', () => {
    const { g } = consistent();
    const v = checkBitmaps(new Uint8Array(g.endBlock * BS), g, [], 2);
    assert.equal(v.length, 2);
  });

  test('the real mkfs.gfs2 rgrp 1 header and bitmap pass the checker', () => {
    // From: truncate -s 64M /tmp/r.img && mkfs.gfs2 -O -p lock_nolock -j 1 -b 4096 /tmp/r.img
    // (gfs2-utils 3.5.0); block 2074 = rgrp 1 header (gfs2_edit -p rg 1: free 14043, dinodes 9);
    // 67 non-zero bitmap bytes follow the 128-byte header, the rest of the block is zero.
    const header =
      '01161970000000020000000000000000000000c80000000000000000000036db' +
      '00000009000000000000000000000000000000000000081b000037e400000df9' +
      '16f7ca2f' +
      '00'.repeat(60);
    const bitmap = `ff${'55'.repeat(64)}ff03`;
    const g = geometryFromRindex([{ addr: 2074, length: 1, data0: 2075, data: 14308, bitbytes: 3577 }], 4096);
    const disk = new Uint8Array(2075 * 4096); // through the header; the checker never reads data blocks
    disk.set(Buffer.from(header + bitmap, 'hex'), 2074 * 4096);
    assert.deepEqual(checkBitmaps(disk, g), []);
    // The same image with one dinode bit cleared (byte 0: 0xff → 0xfc) must fail both counts.
    disk[2074 * 4096 + 128] = 0xfc;
    assert.equal(checkBitmaps(disk, g).length, 2);
  });
});
