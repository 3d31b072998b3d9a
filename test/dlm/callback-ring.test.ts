// The per-node callback ring on its own.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limits } from '../../src/config/limits.js';
import { CallbackRing, callbackRingBytes } from '../../src/dlm/index.js';

function ring(notifications?: { count: number }): CallbackRing {
  return new CallbackRing(new SharedArrayBuffer(callbackRingBytes()), 0, 3, () => {
    if (notifications) notifications.count++;
  });
}

test('the ring delivers records in order across many wrap-arounds', () => {
  const r = ring();
  const out = new Int32Array(4);
  let next = 0;
  let posted = 0;
  // Post in bursts that do not divide the capacity so slots are reused at shifting offsets.
  while (posted < limits.callbackRingEntries * 3 + 17) {
    for (let k = 0; k < 1000; k++, posted++) r.post(1, posted, -posted, posted * 2);
    while (r.take(out)) {
      assert.deepEqual([...out], [1, next, -next | 0, next * 2]);
      next++;
    }
  }
  assert.equal(next, posted);
  assert.equal(r.pending(), 0);
});

test('posting to a full ring throws a clear error instead of hanging, and the ring still works after draining', () => {
  const n = { count: 0 };
  const r = ring(n);
  for (let i = 0; i < limits.callbackRingEntries; i++) r.post(2, i, 0, 0);
  assert.throws(() => r.post(2, -1, 0, 0), /callback ring of node 3 is full/);
  const out = new Int32Array(4);
  assert.equal(r.take(out), true);
  assert.equal(out[1], 0, 'the oldest record is intact');
  r.post(2, 99, 0, 0);
  let last = -1;
  while (r.take(out)) last = out[1] ?? -1;
  assert.equal(last, 99);
});

test('every post rings the doorbell and notifies, so a parked consumer wakes', () => {
  const n = { count: 0 };
  const r = ring(n);
  const before = r.doorbell();
  r.post(1, 0, 0, 0);
  r.post(1, 0, 0, 0);
  assert.equal(r.doorbell(), before + 2);
  assert.equal(n.count, 2);
});

test('take on an empty ring returns false and leaves the output untouched', () => {
  const r = ring();
  const out = Int32Array.of(5, 5, 5, 5);
  assert.equal(r.take(out), false);
  assert.deepEqual([...out], [5, 5, 5, 5]);
});

test('peek shows the oldest record without taking it: the head stays until take', () => {
  const r = ring();
  const out = new Int32Array(4);
  assert.equal(r.peek(out), false, 'nothing to peek in an empty ring');
  r.post(5, 1, 2, 3);
  r.post(6, 4, 5, 6);
  const head = r.headPosition();
  assert.equal(r.peek(out), true);
  assert.deepEqual([...out], [5, 1, 2, 3]);
  assert.equal(r.headPosition(), head, 'a peeked record still counts as unread');
  assert.equal(r.pending(), 2);
  assert.equal(r.take(out), true);
  assert.deepEqual([...out], [5, 1, 2, 3], 'take returns the record that was peeked');
  assert.equal(r.headPosition(), head + 1);
});
