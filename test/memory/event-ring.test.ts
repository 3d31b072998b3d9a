// The per-node event ring (src/memory/event-ring.ts): records come out in order with their
// fields, and a drain wakes a producer parked on a full ring (threads mode's waitForConsumer;
// the drain skips the notify when the ring was not full, as the sim drains after every step).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventRing, eventRingBytes } from '../../src/memory/event-ring.js';
import { EVENT_FIELDS } from '../../src/memory/events.js';

const ENTRIES = 4;

/** Atomics.waitAsync (Node 16+; not in this project's TypeScript lib). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      i32: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

function ring(): EventRing {
  return new EventRing(new SharedArrayBuffer(eventRingBytes(ENTRIES)), 0, ENTRIES);
}

function drainAll(r: EventRing): number[] {
  const seen: number[] = [];
  r.drain((rec, off) => {
    assert.equal(rec.length % EVENT_FIELDS, 0);
    seen.push(rec[off + 3] as number);
  });
  return seen;
}

describe('EventRing', () => {
  test('records come out once, in order, and an empty drain consumes nothing', () => {
    const r = ring();
    for (let i = 0; i < 3; i++) r.push(10 * i, 1, 0, i, 0, 0, 0);
    assert.deepEqual(drainAll(r), [0, 1, 2]);
    assert.deepEqual(drainAll(r), []);
    assert.equal(r.pending(), 0);
    r.push(40, 1, 0, 7, 0, 0, 0);
    assert.deepEqual(drainAll(r), [7]);
  });

  test('draining a full ring wakes a producer parked on the consumed count', async () => {
    const r = ring();
    for (let i = 0; i < ENTRIES; i++) r.push(i, 1, 0, i, 0, 0, 0);
    assert.equal(r.pending(), ENTRIES, 'the ring is full');
    // What waitForConsumer does on a full ring: park on hdr[1] at the consumed count it saw.
    const parked = waitAsync(r.hdr, 1, Atomics.load(r.hdr, 1), 10_000);
    assert.equal(parked.async, true);
    assert.equal(drainAll(r).length, ENTRIES);
    assert.equal(await parked.value, 'ok', 'woken by the drain, not by the 10 s bound');
  });
});
