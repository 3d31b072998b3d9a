// The withdraw gates (§4.5) with a switchable WithdrawGate: the glock layer only places the
// calls; the protocol decides when they engage.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GlockType, LmState } from '../../src/dlm/api.js';
import { GlockFlag, HolderFlag } from '../../src/glock/flags.js';
import type { Glock } from '../../src/glock/glock.js';
import { Holder, holderInit } from '../../src/glock/holder.js';
import { Errno } from '../../src/glock/lm.js';
import type { WithdrawGate } from '../../src/glock/ops.js';
import { Channel, type Proc, prepareWait } from '../../src/node/proc.js';
import { glOf, setup } from './harness.js';

const { un, ex, sh } = LmState;

class TestGate implements WithdrawGate {
  withdrawn = false;
  recovery = false;
  dqsHeld = 0;
  keepLockOnSyncError = false;
  readonly recoveryDone = new Channel('recovery', 8);
  blockedByWithdraw(gl: Glock): boolean {
    return this.withdrawn && (gl.type === GlockType.inode || gl.type === GlockType.rgrp);
  }
  recoveryFlagSet(): boolean {
    return this.recovery;
  }
  *onDequeueBlocked(proc: Proc, _h: Holder): Generator<void, void, void> {
    this.dqsHeld++;
    while (this.recovery) {
      prepareWait(proc, this.recoveryDone, 0, 1e12);
      yield;
    }
  }
  syncFailed(): void {}
}

function holderFor(m: ReturnType<typeof setup>['m'], type: number, number: number, state: number, flags = 0): Holder {
  const h = new Holder();
  holderInit(h, m.get(type, number), state, flags);
  return h;
}

test('gate (a): a request without NOEXP on a glock blocked by withdraw fails with -EIO', () => {
  const gate = new TestGate();
  const { h, m } = setup({ gate });
  const c = holderFor(m, GlockType.rgrp, 1, sh);
  const pc = h.proc('c');
  m.nq(pc, c);
  m.dq(pc, c); // cached SH: a NOEXP request below needs no DLM call (gate (c) would hold it)
  gate.withdrawn = true;
  const a = holderFor(m, GlockType.rgrp, 1, sh);
  assert.equal(m.nq(h.proc('a'), a), Errno.eio);
  const b = holderFor(m, GlockType.rgrp, 1, sh, HolderFlag.noexp);
  assert.equal(m.nq(h.proc('b'), b), 0, 'NOEXP passes');
});

test('gate (b): a queued promotion stalls without a DLM call once the node withdraws', () => {
  const gate = new TestGate();
  const { h, lm, m } = setup({ gate });
  const a = holderFor(m, GlockType.rgrp, 2, sh);
  const pa = h.proc('a');
  m.nq(pa, a);
  const b = holderFor(m, GlockType.rgrp, 2, ex);
  assert.equal(m.nq(h.proc('b'), b), 1);
  gate.withdrawn = true;
  assert.equal(m.dq(pa, a), 0);
  h.run();
  assert.equal(lm.calls.length, 1, 'no conversion request');
  assert.equal(b.waiting, true);
  assert.notEqual(glOf(b).flags & GlockFlag.lock, 0, 'GLF_LOCK kept');
});

test('gate (c): a demote to UN keeps the DLM lock while the recovery flag is set', () => {
  const gate = new TestGate();
  const { h, lm, m } = setup({ gate });
  const a = holderFor(m, GlockType.rgrp, 3, ex);
  const p = h.proc('alloc');
  m.nq(p, a);
  m.dq(p, a);
  gate.withdrawn = true;
  gate.recovery = true;
  m.onBlockingCallback(glOf(a).res, ex);
  h.advance(1e9);
  assert.equal(lm.calls.length, 1, 'no unlock sent');
  assert.equal(glOf(a).state, ex);
});

test('gate (c): without the recovery flag a demote to UN of a blocked glock reaches the DLM', () => {
  const gate = new TestGate();
  const { h, lm, m } = setup({ gate });
  const a = holderFor(m, GlockType.rgrp, 4, ex);
  const p = h.proc('alloc');
  m.nq(p, a);
  m.dq(p, a);
  gate.withdrawn = true;
  m.onBlockingCallback(glOf(a).res, ex);
  h.run();
  assert.deepEqual(lm.calls.at(-1)?.state, un);
  assert.equal(glOf(a).state, un);
});

test('gate (d): a dequeue waits while the recovery flag is set', () => {
  const gate = new TestGate();
  const { h, m } = setup({ gate });
  const a = holderFor(m, GlockType.inode, 5, ex);
  let released = false;
  h.spawn('writer', function* (p) {
    assert.equal(m.nq(p, a), 0);
    gate.withdrawn = true;
    gate.recovery = true;
    if (m.dq(p, a) === 1) yield* m.dqWait(p, a);
    released = true;
  });
  h.run();
  assert.equal(released, false);
  assert.equal(a.granted, true, 'still held');
  assert.equal(gate.dqsHeld, 1);
  gate.recovery = false;
  gate.recoveryDone.wakeAll();
  h.run();
  assert.equal(released, true);
  assert.equal(glOf(a).first, null);
});
