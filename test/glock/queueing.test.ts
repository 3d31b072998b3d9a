// TRY requests, the recovery freeze (§3.3) and PRIORITY queueing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DlmFlag, DlmStatus, GlockType, LmState } from '../../src/dlm/api.js';
import { GlockFlag, HolderFlag } from '../../src/glock/flags.js';
import { Holder, holderInit } from '../../src/glock/holder.js';
import { GLR_TRYFAILED } from '../../src/glock/lm.js';
import { Ev } from '../../src/memory/events.js';
import { glOf, setup } from './harness.js';

const { un, ex, sh } = LmState;

function holderFor(m: ReturnType<typeof setup>['m'], type: number, number: number, state: number, flags = 0): Holder {
  const h = new Holder();
  holderInit(h, m.get(type, number), state, flags);
  return h;
}

test('a TRY request fails with GLR_TRYFAILED (13) when the DLM answers tryFailed', () => {
  const { h, lm, m } = setup();
  lm.script.push(DlmStatus.tryFailed);
  const a = holderFor(m, GlockType.journal, 0, ex, HolderFlag.try | HolderFlag.noexp | HolderFlag.nocache);
  assert.equal(m.nq(h.proc('recovery'), a), GLR_TRYFAILED);
  assert.equal(GLR_TRYFAILED, 13);
  assert.equal(lm.calls[0]?.flags, DlmFlag.noqueue, 'TRY maps to NOQUEUE');
  assert.equal(glOf(a).state, un);
  assert.equal(glOf(a).first, null, 'the failed holder left the queue');
});

test('a TRY_1CB request maps to NOQUEUE|NOQUEUEBAST and fails with 13 when the completion says so', () => {
  const { h, lm, m } = setup();
  lm.defaultStatus = DlmStatus.queued;
  const a = holderFor(m, GlockType.nondisk, 1, ex, HolderFlag.try1cb | HolderFlag.noexp);
  let result = 99;
  h.spawn('withdraw', function* (p) {
    const r = m.nq(p, a);
    result = r === 1 ? yield* m.wait(p, a) : r;
  });
  h.run();
  assert.equal(lm.calls[0]?.flags, DlmFlag.noqueue | DlmFlag.noqueuebast);
  m.onCompletion(glOf(a).res, un, DlmStatus.tryFailed);
  h.run();
  assert.equal(result, GLR_TRYFAILED);
});

test('a TRY request fails at once when the glock is busy converting for a blocked non-try head', () => {
  const { h, lm, m } = setup();
  lm.defaultStatus = DlmStatus.queued;
  const b = holderFor(m, GlockType.rgrp, 3, ex);
  assert.equal(m.nq(h.proc('b'), b), 1, 'EX request outstanding at the DLM');
  const t = holderFor(m, GlockType.rgrp, 3, sh, HolderFlag.try);
  assert.equal(m.nq(h.proc('t'), t), GLR_TRYFAILED);
  assert.equal(lm.calls.length, 1, 'the try never reached the DLM');
});

test('a TRY waiter queued behind a blocked head fails', () => {
  const { h, m } = setup();
  const a = holderFor(m, GlockType.rgrp, 4, sh);
  assert.equal(m.nq(h.proc('a'), a), 0);
  const b = holderFor(m, GlockType.rgrp, 4, ex);
  assert.equal(m.nq(h.proc('b'), b), 1, 'EX waits behind the SH holder');
  const t = holderFor(m, GlockType.rgrp, 4, ex, HolderFlag.try);
  assert.equal(m.nq(h.proc('t'), t), GLR_TRYFAILED);
  assert.equal(b.waiting, true, 'the non-try waiter keeps waiting');
});

test('a plain request stays frozen during recovery until thaw', () => {
  const { h, lm, m } = setup();
  lm.defaultStatus = DlmStatus.queued;
  m.setBlockLocks(true);
  const a = holderFor(m, GlockType.rgrp, 8, ex);
  assert.equal(m.nq(h.proc('alloc'), a), 1);
  m.onCompletion(glOf(a).res, ex, DlmStatus.granted);
  h.advance(1e9);
  assert.equal(a.granted, false, 'parked while DFL_BLOCK_LOCKS is set');
  assert.deepEqual(h.eventsOf(Ev.frozen), [[Ev.frozen, glOf(a).res, 0, ex, 0]]);
  m.setBlockLocks(false);
  assert.equal(m.thaw(), 1);
  h.run();
  assert.equal(a.granted, true);
  assert.equal(glOf(a).state, ex);
});

test('a NOEXP request is granted during recovery and unfreezes a parked grant', () => {
  const { h, lm, m } = setup();
  lm.defaultStatus = DlmStatus.queued;
  m.setBlockLocks(true);
  const plain = holderFor(m, GlockType.nondisk, 2, sh);
  m.nq(h.proc('plain'), plain);
  m.onCompletion(glOf(plain).res, sh, DlmStatus.granted);
  h.run();
  assert.equal(plain.granted, false, 'frozen');
  const rec = holderFor(m, GlockType.nondisk, 2, sh, HolderFlag.noexp | HolderFlag.priority | HolderFlag.exact);
  m.nq(h.proc('recovery'), rec);
  h.run();
  assert.equal(rec.granted, true, 'NOEXP passes');
  assert.equal((glOf(plain).flags & GlockFlag.frozen) === 0, true, 'GLF_FROZEN cleared');
});

test('a grant is not parked when a NOEXP holder is waiting for it', () => {
  const { h, lm, m } = setup();
  lm.defaultStatus = DlmStatus.queued;
  m.setBlockLocks(true);
  const rec = holderFor(m, GlockType.journal, 2, ex, HolderFlag.noexp);
  m.nq(h.proc('recovery'), rec);
  m.onCompletion(glOf(rec).res, ex, DlmStatus.granted);
  h.run();
  assert.equal(rec.granted, true);
  assert.equal(h.eventsOf(Ev.frozen).length, 0);
});

test('a PRIORITY waiter queues ahead of earlier waiters', () => {
  const { h, m } = setup();
  const a = holderFor(m, GlockType.inode, 11, ex);
  const pa = h.proc('a');
  m.nq(pa, a);
  const b = holderFor(m, GlockType.inode, 11, sh);
  const c = holderFor(m, GlockType.inode, 11, sh);
  const d = holderFor(m, GlockType.inode, 11, sh, HolderFlag.priority);
  const pb = h.proc('b');
  const pc = h.proc('c');
  const pd = h.proc('d');
  m.nq(pb, b);
  m.nq(pc, c);
  m.nq(pd, d);
  const order: Holder[] = [];
  for (let x = glOf(a).first; x !== null; x = x.next) order.push(x);
  assert.deepEqual(order, [a, d, b, c]);
  m.dq(pa, a);
  h.run();
  // The node converts EX → SH (the head wants SH) and grants the waiters in queue order.
  const grantedPids = h
    .eventsOf(Ev.grant)
    .slice(1)
    .map((e) => e[4]);
  assert.deepEqual(grantedPids, [pd.pid, pb.pid, pc.pid]);
});
