// The in-core log (src/node/trans.ts): blocks a transaction added and no flush has taken yet.
// A flush takes them all, sorted so it is deterministic; a flush that fails puts them back.
// Pending blocks are dirty in the buffer cache, so eviction can never lose them.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { limits } from '../../src/config/limits.js';
import { BufferCache } from '../../src/node/buffers.js';
import { Transaction } from '../../src/node/trans.js';

const BS = 512;

function setup(capacity = 8, cacheBuffers = 16) {
  const cache = new BufferCache(BS, cacheBuffers);
  const trans = new Transaction(cache, capacity);
  /** Cache a block under glock `res` and add it to the transaction. */
  const add = (blk: number, res = 0) => {
    cache.insert(blk, res);
    trans.add(blk);
  };
  return { cache, trans, add };
}

describe('Transaction', () => {
  test('take returns every pending block once, in ascending order, and empties the log', () => {
    const { trans, add } = setup();
    for (const b of [30, 10, 20, 10, 5]) add(b);
    const out: number[] = [99];
    assert.equal(trans.take(out), 4);
    assert.deepEqual(out, [5, 10, 20, 30]);
    assert.equal(trans.size, 0);
    assert.equal(trans.has(10), false);
    assert.equal(trans.take(out), 0);
    assert.deepEqual(out, []);
  });

  test('take sorts numerically, not as strings', () => {
    const { trans, add } = setup();
    for (const b of [100, 9, 1000, 20]) add(b);
    const out: number[] = [];
    trans.take(out);
    assert.deepEqual(out, [9, 20, 100, 1000]);
  });

  test('add marks the block dirty so the cache cannot evict it', () => {
    const { cache, add } = setup(8, 2);
    add(1);
    cache.insert(2, 0);
    cache.insert(3, 0); // must evict 2, the only clean buffer
    assert.notEqual(cache.lookup(1), -1);
    assert.equal(cache.lookup(2), -1);
  });

  test('add records the covering glock as dirty and take clears it', () => {
    const { trans, add } = setup();
    add(1, 4);
    add(2, 6);
    assert.deepEqual([...trans.dirtyGlocks].sort(), [4, 6]);
    trans.take([]);
    assert.equal(trans.dirtyGlocks.size, 0);
  });

  test('adding past capacity throws a RangeError; re-adding a pending block does not', () => {
    const { trans, add } = setup(2);
    add(1);
    add(2);
    add(2);
    assert.throws(() => add(3), { name: 'RangeError', message: /in-core log full: 2 blocks/ });
    assert.equal(trans.size, 2);
  });

  test('capacity is capped at the buffer cache limit', () => {
    // Blocks need not be cached for the count; the cap shows in the error message.
    const t = new Transaction(new BufferCache(BS, 1), limits.bufferCacheBlocksMax * 4);
    for (let b = 0; b < limits.bufferCacheBlocksMax; b++) t.add(b);
    assert.throws(
      () => t.add(limits.bufferCacheBlocksMax),
      new RegExp(`in-core log full: ${limits.bufferCacheBlocksMax} blocks`),
    );
  });

  test('drop removes a pending block and makes its buffer clean again', () => {
    const { cache, trans, add } = setup(8, 1);
    add(1);
    trans.drop(1);
    assert.equal(trans.has(1), false);
    assert.equal(trans.size, 0);
    cache.insert(2, 0); // evicts 1: it is clean now
    assert.equal(cache.lookup(1), -1);
  });

  test('restore puts taken blocks back as pending, still dirty in the cache', () => {
    const { cache, trans, add } = setup(8, 3);
    for (const b of [3, 1, 2]) add(b);
    const out: number[] = [];
    trans.take(out);
    trans.restore(out);
    assert.equal(trans.size, 3);
    for (const b of [1, 2, 3]) assert.ok(trans.has(b));
    assert.throws(() => cache.insert(4, 0), /all 3 buffers are dirty/);
    const again: number[] = [];
    trans.take(again);
    assert.deepEqual(again, [1, 2, 3]);
  });

  test("restore marks the restored blocks' glocks dirty again, as add did", () => {
    const { trans, add } = setup();
    add(1, 4);
    add(2, 6);
    const out: number[] = [];
    trans.take(out);
    trans.restore(out);
    assert.deepEqual([...trans.dirtyGlocks].sort(), [4, 6]);
  });
});
