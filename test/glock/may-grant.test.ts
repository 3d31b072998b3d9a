// may_grant's five rules (reference §1.2), checked on hand-built queues, and through the
// manager where the rule shows up as "granted at once" versus "needs the DLM".

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GlockType, LmState } from '../../src/dlm/api.js';
import { HolderFlag, HolderIFlag } from '../../src/glock/flags.js';
import { Glock, insertHolderBefore } from '../../src/glock/glock.js';
import { Holder, holderInit } from '../../src/glock/holder.js';
import { mayGrant } from '../../src/glock/may-grant.js';
import { noopGlockOps } from '../../src/glock/ops.js';
import { setup } from './harness.js';

const { un, ex, df, sh } = LmState;

/** A glock in `state` whose queue holds `queue` (granted ones first); returns the holders. */
function queueOf(state: number, queue: Array<{ state: number; flags?: number; granted?: boolean }>): [Glock, Holder[]] {
  const gl = new Glock(0, GlockType.inode, 100, noopGlockOps(GlockType.inode), 20, 0);
  gl.state = state;
  const hs = queue.map((q, i) => {
    const h = new Holder();
    holderInit(h, gl, q.state, q.flags ?? 0);
    h.pid = i + 1;
    h.iflags = q.granted === true ? HolderIFlag.holder : HolderIFlag.wait;
    insertHolderBefore(gl, h, null);
    return h;
  });
  return [gl, hs];
}

test('rule 1: a second EX holder is not granted beside a granted EX holder', () => {
  const [gl, [, second]] = queueOf(ex, [{ state: ex, granted: true }, { state: ex }]);
  assert.equal(mayGrant(gl, second as Holder), false);
});

test('rule 1: an SH waiter is not granted behind an EX head even when the node holds EX', () => {
  const [gl, [, second]] = queueOf(ex, [{ state: ex, granted: true }, { state: sh }]);
  assert.equal(mayGrant(gl, second as Holder), false);
});

test('rule 1: the EX head itself is granted when the node holds EX', () => {
  const [gl, [head]] = queueOf(ex, [{ state: ex }]);
  assert.equal(mayGrant(gl, head as Holder), true);
});

test('rule 2: a holder is granted when the node already holds exactly the wanted state', () => {
  const [gl, [, second]] = queueOf(sh, [{ state: sh, granted: true }, { state: sh }]);
  assert.equal(mayGrant(gl, second as Holder), true);
});

test('rule 3: GL_EXACT denies SH under a node-level EX that rule 4 would otherwise grant', () => {
  const [gl, [, exact]] = queueOf(ex, [
    { state: sh, granted: true },
    { state: sh, flags: HolderFlag.exact },
  ]);
  assert.equal(mayGrant(gl, exact as Holder), false);
});

test('rule 3: GL_EXACT still grants when the node state equals the request', () => {
  const [gl, [head]] = queueOf(sh, [{ state: sh, flags: HolderFlag.exact }]);
  assert.equal(mayGrant(gl, head as Holder), true);
});

test('rule 4: SH is granted under a node-level EX when the head also wants SH', () => {
  const [gl, [, second]] = queueOf(ex, [{ state: sh, granted: true }, { state: sh }]);
  assert.equal(mayGrant(gl, second as Holder), true);
});

test('rule 4: DF is granted under a node-level EX when the head also wants DF', () => {
  const [gl, [head]] = queueOf(ex, [{ state: df }]);
  assert.equal(mayGrant(gl, head as Holder), true);
});

test('rule 4: SH is not granted under EX when the head wants DF', () => {
  const [gl, [, second]] = queueOf(ex, [{ state: df, granted: true }, { state: sh }]);
  assert.equal(mayGrant(gl, second as Holder), false);
});

test('rule 5: LM_FLAG_ANY grants SH while the node holds DF', () => {
  const [gl, [head]] = queueOf(df, [{ state: sh, flags: HolderFlag.any }]);
  assert.equal(mayGrant(gl, head as Holder), true);
});

test('rule 5: without LM_FLAG_ANY, SH is denied while the node holds DF', () => {
  const [gl, [head]] = queueOf(df, [{ state: sh }]);
  assert.equal(mayGrant(gl, head as Holder), false);
});

test('rule 5: LM_FLAG_ANY grants nothing while the node holds UN', () => {
  const [gl, [head]] = queueOf(un, [{ state: sh, flags: HolderFlag.any }]);
  assert.equal(mayGrant(gl, head as Holder), false);
});

test('an ANY request for SH on a DF-cached glock is granted without a DLM call', () => {
  const { h, lm, m } = setup();
  const gl = m.get(GlockType.inode, 7);
  const a = new Holder();
  holderInit(a, gl, df, 0);
  const pa = h.proc('dio');
  assert.equal(m.nq(pa, a), 0, 'DF granted at once by the fake DLM');
  assert.equal(m.dq(pa, a), 0);
  h.run();
  const calls = lm.calls.length;
  const b = new Holder();
  holderInit(b, gl, sh, HolderFlag.any);
  assert.equal(m.nq(h.proc('reader'), b), 0);
  assert.equal(gl.state, df, 'the glock stays DF');
  assert.equal(lm.calls.length, calls, 'no DLM request');
});

test('a second local EX request waits for the first holder even though the node holds EX', () => {
  const { h, lm, m } = setup();
  const gl = m.get(GlockType.rgrp, 17);
  const a = new Holder();
  const b = new Holder();
  holderInit(a, gl, ex, 0);
  holderInit(b, gl, ex, 0);
  const pa = h.proc('a');
  assert.equal(m.nq(pa, a), 0);
  assert.equal(m.nq(h.proc('b'), b), 1, 'queued');
  h.run();
  assert.equal(b.granted, false);
  assert.equal(m.dq(pa, a), 0);
  h.run();
  assert.equal(b.granted, true, 'granted once the first holder left');
  assert.equal(lm.calls.length, 1, 'only the first acquisition went to the DLM');
});
