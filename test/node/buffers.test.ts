// The node's buffer cache (src/node/buffers.ts): a bounded pool of block images, each tagged
// with the glock that covers it. Eviction may only take clean buffers (a dirty one holds the
// only copy of a change not yet in the journal); go_inval drops exactly one glock's buffers.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BufferCache } from '../../src/node/buffers.js';

const BS = 512;

/** Fill a cached block with a byte so its identity can be checked later. */
function stamp(c: BufferCache, blk: number, byte: number): void {
  const off = c.lookup(blk);
  c.pool.fill(byte, off, off + BS);
}

describe('BufferCache', () => {
  test('lookup finds an inserted block at the offset insert returned', () => {
    const c = new BufferCache(BS, 4);
    const off = c.insert(100, 7);
    assert.equal(c.lookup(100), off);
    assert.equal(off % BS, 0);
    assert.ok(off >= 0 && off + BS <= c.pool.length);
    assert.equal(c.glockOf(100), 7);
    assert.equal(c.size(), 1);
  });

  test('images survive the pool growing as more blocks are cached, and a new slot is zero', () => {
    const c = new BufferCache(BS, 300);
    for (let b = 0; b < 300; b++) {
      const off = c.insert(1000 + b, 0);
      assert.ok(off + BS <= c.pool.length, `block ${b}: its slot is inside the pool`);
      assert.equal(c.pool[off + BS - 1], 0, `block ${b}: a never-used slot starts zeroed`);
      stamp(c, 1000 + b, b & 0xff);
    }
    for (let b = 0; b < 300; b++) assert.equal(c.pool[c.lookup(1000 + b)], b & 0xff, `block ${b} kept its image`);
  });

  test('lookup of a block never inserted is -1 and glockOf is -1', () => {
    const c = new BufferCache(BS, 4);
    c.insert(1, 0);
    assert.equal(c.lookup(2), -1);
    assert.equal(c.glockOf(2), -1);
  });

  test('distinct blocks get distinct, non-overlapping buffers', () => {
    const c = new BufferCache(BS, 4);
    const offs = [10, 11, 12, 13].map((b) => c.insert(b, 0));
    assert.equal(new Set(offs).size, 4);
  });

  test('inserting a cached block again keeps its buffer and retags it with the new glock', () => {
    const c = new BufferCache(BS, 4);
    const off = c.insert(5, 1);
    stamp(c, 5, 0xab);
    assert.equal(c.insert(5, 2), off);
    assert.equal(c.glockOf(5), 2);
    assert.equal(c.pool[off], 0xab, 'the image was kept');
    assert.equal(c.size(), 1);
  });

  test('when full it evicts a clean buffer, oldest first', () => {
    const c = new BufferCache(BS, 3);
    for (const b of [1, 2, 3]) c.insert(b, 0);
    c.insert(4, 0);
    assert.equal(c.lookup(1), -1, 'block 1, the oldest, was evicted');
    for (const b of [2, 3, 4]) assert.notEqual(c.lookup(b), -1, `block ${b} is still cached`);
    assert.equal(c.size(), 3);
  });

  test('when full it never evicts a dirty buffer', () => {
    const c = new BufferCache(BS, 3);
    for (const b of [1, 2, 3]) c.insert(b, 0);
    stamp(c, 1, 0x11);
    stamp(c, 3, 0x33);
    c.markDirty(1, true);
    c.markDirty(3, true);
    c.insert(4, 0);
    c.insert(5, 0);
    assert.equal(c.lookup(2), -1, 'clean block 2 was evicted');
    assert.equal(c.pool[c.lookup(1)], 0x11, 'dirty block 1 kept its image');
    assert.equal(c.pool[c.lookup(3)], 0x33, 'dirty block 3 kept its image');
    // 4 took 2's buffer; 5 had to evict 4, the only clean one left.
    assert.equal(c.lookup(4), -1);
    assert.notEqual(c.lookup(5), -1);
  });

  test('throws a RangeError naming the capacity when every buffer is dirty', () => {
    const c = new BufferCache(BS, 2);
    for (const b of [1, 2]) {
      c.insert(b, 0);
      c.markDirty(b, true);
    }
    assert.throws(() => c.insert(3, 0), { name: 'RangeError', message: /all 2 buffers are dirty/ });
    assert.notEqual(c.lookup(1), -1);
    assert.notEqual(c.lookup(2), -1);
  });

  test('a buffer marked clean again can be evicted', () => {
    const c = new BufferCache(BS, 1);
    c.insert(1, 0);
    c.markDirty(1, true);
    c.markDirty(1, false);
    c.insert(2, 0);
    assert.equal(c.lookup(1), -1);
  });

  test('invalidate drops exactly the buffers of one glock and returns how many', () => {
    const c = new BufferCache(BS, 8);
    for (const b of [1, 2, 3]) c.insert(b, 10);
    for (const b of [4, 5]) c.insert(b, 20);
    assert.equal(c.invalidate(10), 3);
    for (const b of [1, 2, 3]) assert.equal(c.lookup(b), -1);
    for (const b of [4, 5]) assert.notEqual(c.lookup(b), -1);
    assert.equal(c.invalidate(10), 0);
  });

  test('invalidated buffers are free again: refilling them evicts nothing', () => {
    const c = new BufferCache(BS, 3);
    c.insert(1, 10);
    c.insert(2, 10);
    c.insert(3, 20);
    c.invalidate(10);
    c.insert(4, 30);
    c.insert(5, 30);
    assert.notEqual(c.lookup(3), -1, 'block 3 survived: the freed buffers were used first');
    assert.equal(c.size(), 3);
  });

  test('invalidate also drops dirty buffers of that glock (go_inval after go_sync)', () => {
    const c = new BufferCache(BS, 2);
    c.insert(1, 10);
    c.markDirty(1, true);
    c.invalidate(10);
    c.insert(2, 0);
    c.insert(3, 0);
    assert.equal(c.size(), 2, 'the dropped dirty buffer did not stay pinned');
  });

  test('invalidateBlock drops one block and frees its buffer', () => {
    const c = new BufferCache(BS, 2);
    c.insert(1, 10);
    c.insert(2, 10);
    c.invalidateBlock(1);
    assert.equal(c.lookup(1), -1);
    assert.notEqual(c.lookup(2), -1);
    c.insert(3, 0);
    assert.notEqual(c.lookup(2), -1, 'no eviction was needed');
    c.invalidateBlock(99); // not cached: nothing happens
    assert.equal(c.size(), 2);
  });

  test('blocksOf lists the blocks tagged with one glock', () => {
    const c = new BufferCache(BS, 8);
    c.insert(7, 1);
    c.insert(3, 2);
    c.insert(9, 1);
    const out: number[] = [42];
    assert.equal(c.blocksOf(1, out), 2);
    assert.deepEqual(
      out.sort((a, b) => a - b),
      [7, 9],
    );
    assert.equal(c.blocksOf(5, out), 0);
    assert.deepEqual(out, []);
  });
});
