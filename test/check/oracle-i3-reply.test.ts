// I3 is decided on when a DLM reply arrived, as gfs2_glock_complete decides the freeze: a grant
// that reached the node before recover_prep is not frozen, even when the glock work processes
// it (and changes the state) only after the prep.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Oracle } from '../../src/check/oracle.js';
import { Ev } from '../../src/memory/events.js';
import { diskWithVersions, EX, History, UN } from './history.js';

function i3(h: History): number {
  const o = new Oracle({ nodes: 3, journalBlocks: 64, blockSize: 512 });
  h.feed(o.observe);
  const journals = [0, 1, 2].map((jid) => ({ jid, clean: true }));
  return o.finish(diskWithVersions(64, 512, new Map()), journals).filter((v) => v.invariant === 'I3').length;
}

test('a DLM reply that arrived before recover_prep, processed after it, is no I3 violation', () => {
  const h = new History()
    .ev(1, Ev.dlmReply, 5, UN, EX)
    .prep(1)
    .slot(1, 0)
    .ev(1, Ev.dlmState, 5, UN, EX)
    .grant(1, 5, EX, 0)
    .read(1, 20, 0, 5);
  assert.equal(i3(h), 0);
});

test('the same grant whose reply arrived after recover_prep violates I3', () => {
  const h = new History()
    .prep(1)
    .slot(1, 0)
    .ev(1, Ev.dlmReply, 5, UN, EX)
    .ev(1, Ev.dlmState, 5, UN, EX)
    .grant(1, 5, EX, 0)
    .read(1, 20, 0, 5);
  assert.equal(i3(h), 1);
});
