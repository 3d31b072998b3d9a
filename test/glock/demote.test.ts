// Caching, demotes on blocking callbacks, go_sync ordering and the minimum hold time
// (reference §2). The fake DLM grants every request at once unless a test scripts otherwise.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DlmMode, DlmStatus, GlockType, LmState } from '../../src/dlm/api.js';
import { HolderFlag } from '../../src/glock/flags.js';
import { Holder, holderInit } from '../../src/glock/holder.js';
import type { GlockOps } from '../../src/glock/ops.js';
import { Ev } from '../../src/memory/events.js';
import type { Proc } from '../../src/node/proc.js';
import { glOf, MS, setup } from './harness.js';

const { un, ex, df, sh } = LmState;

/** inode and rgrp ops whose go_sync (which yields once) and go_inval write to the trace. */
function tracingOps(ops: GlockOps[], trace: string[]): void {
  for (const type of [GlockType.inode, GlockType.rgrp]) {
    ops[type] = {
      type,
      *goSync(proc: Proc, gl) {
        trace.push(`sync ${gl.res}`);
        yield; // a log flush would block here; a reschedule stands in for it
        return proc.pid > 0 ? 0 : -5;
      },
      goInval(gl, target) {
        trace.push(`inval ${gl.res} ${target}`);
      },
      goLock: null,
      goCallback: null,
    };
  }
}

function holderFor(m: ReturnType<typeof setup>['m'], type: number, number: number, state: number, flags = 0): Holder {
  const h = new Holder();
  holderInit(h, m.get(type, number), state, flags);
  return h;
}

test('a cached re-acquire makes no LockModule call', () => {
  const { h, lm, m } = setup();
  const a = holderFor(m, GlockType.rgrp, 17, ex);
  const p = h.proc('worker');
  assert.equal(m.nq(p, a), 0);
  assert.equal(lm.calls.length, 1);
  for (let i = 0; i < 5; i++) {
    assert.equal(m.dq(p, a), 0);
    assert.equal(m.nq(p, a), 0, 'granted at once from the cache');
  }
  h.run();
  assert.equal(lm.calls.length, 1, 'only the first acquisition reached the DLM');
  assert.equal(a.gl?.state, ex);
});

test('GL_NOCACHE demotes to UN when the holder leaves', () => {
  const { h, lm, m } = setup();
  const a = holderFor(m, GlockType.journal, 1, ex, HolderFlag.nocache);
  const p = h.proc('recovery');
  assert.equal(m.nq(p, a), 0);
  assert.equal(m.dq(p, a), 0);
  h.run();
  assert.deepEqual(
    lm.calls.map((c) => c.state),
    [ex, un],
  );
  assert.equal(a.gl?.state, un);
});

test('a blocking callback for EX demotes to UN after the holder leaves, go_sync before the DLM call', () => {
  const { h, lm, m } = setup({ ops: tracingOps });
  const a = holderFor(m, GlockType.rgrp, 17, ex);
  const gl = glOf(a);
  const p = h.proc('alloc');
  assert.equal(m.nq(p, a), 0);
  m.onBlockingCallback(gl.res, ex);
  h.run();
  assert.equal(gl.state, ex, 'no demote while the holder holds it');
  assert.equal(lm.calls.length, 1);
  assert.equal(m.dq(p, a), 0);
  h.run();
  assert.equal(gl.state, un);
  assert.deepEqual(h.trace, [
    `lock ${gl.res} ${ex}`,
    `sync ${gl.res}`,
    `inval ${gl.res} ${un}`,
    `lock ${gl.res} ${un}`,
  ]);
  assert.deepEqual(h.eventsOf(Ev.demote), [[Ev.demote, gl.res, un, 0, 0]]);
});

test('a blocking callback given as a DLM mode (EX = 5) is read as a request for EX', () => {
  const { h, m } = setup();
  const a = holderFor(m, GlockType.rgrp, 18, sh);
  const p = h.proc('reader');
  m.nq(p, a);
  m.dq(p, a);
  m.onBlockingCallback(glOf(a).res, DlmMode.ex);
  h.run();
  assert.equal(glOf(a).state, un);
});

test('a blocking callback for CW demotes EX to DF', () => {
  const { h, lm, m } = setup({ ops: tracingOps });
  const a = holderFor(m, GlockType.inode, 5, ex);
  const p = h.proc('writer');
  m.nq(p, a);
  m.dq(p, a);
  m.onBlockingCallback(glOf(a).res, df);
  h.advance(300 * MS); // an inode waits out its minimum hold time (200 ms at HZ 100)
  assert.equal(glOf(a).state, df);
  assert.deepEqual(lm.calls.at(-1), { res: glOf(a).res, state: df, flags: 0 });
  assert.ok(h.trace.includes(`inval ${glOf(a).res} ${df}`), 'go_inval runs for a demote to DF');
});

test('a blocking callback for PR demotes EX to SH without invalidating', () => {
  const { h, lm, m } = setup({ ops: tracingOps });
  const a = holderFor(m, GlockType.rgrp, 19, ex);
  const p = h.proc('alloc');
  m.nq(p, a);
  m.dq(p, a);
  m.onBlockingCallback(glOf(a).res, sh);
  h.run();
  assert.equal(glOf(a).state, sh);
  assert.deepEqual(lm.calls.at(-1), { res: glOf(a).res, state: sh, flags: 0 });
  assert.ok(h.trace.includes(`sync ${glOf(a).res}`), 'go_sync runs when leaving EX');
  assert.ok(!h.trace.some((t) => t.startsWith('inval')), 'no go_inval for SH');
});

test('two different non-UN demote requests combine into a demote to UN', () => {
  const { h, m } = setup();
  const a = holderFor(m, GlockType.inode, 6, ex, HolderFlag.noexp);
  const gl = glOf(a);
  const p = h.proc('writer');
  m.nq(p, a);
  // Both arrive while the holder still holds the glock (GLF_QUEUED is set, so the inode's
  // minimum hold time defers them; the holder's grant happened at t = 0).
  m.onBlockingCallback(gl.res, sh);
  m.onBlockingCallback(gl.res, df);
  assert.equal(gl.demoteState, un);
  m.dq(p, a);
  h.advance(300 * MS);
  assert.equal(gl.state, un);
});

test('the minimum hold time delays an inode demote while holders are queued', () => {
  const { h, lm, m } = setup();
  const a = holderFor(m, GlockType.inode, 42, ex);
  const gl = glOf(a);
  const p = h.proc('writer');
  assert.equal(m.nq(p, a), 0); // state change at t = 0
  h.advance(10 * MS);
  m.onBlockingCallback(gl.res, ex);
  h.advance(10 * MS);
  assert.equal(m.dq(p, a), 0);
  // HZ 100: hold time HZ/5 = 20 jiffies = 200 ms after the state change.
  h.advance(150 * MS); // t = 170 ms
  assert.equal(gl.state, ex, 'still held at 170 ms');
  assert.equal(lm.calls.length, 1);
  h.advance(250 * MS);
  assert.equal(gl.state, un, 'demoted after the hold time');
});

test('the minimum hold time does not delay an rgrp demote', () => {
  const { h, m } = setup();
  const a = holderFor(m, GlockType.rgrp, 42, ex);
  const gl = glOf(a);
  const p = h.proc('alloc');
  m.nq(p, a);
  h.advance(10 * MS);
  m.onBlockingCallback(gl.res, ex);
  h.advance(10 * MS);
  m.dq(p, a);
  h.run();
  assert.equal(gl.state, un, 'demoted as soon as the holder left');
});

test('an rgrp re-acquire after a blocking callback waits behind the demote (no cached grant)', () => {
  // glock.c v5.7 run_queue: with GLF_DEMOTE set and demote_state != state do_promote is skipped,
  // so once the callback is in, the holder's next nq queues and the lock goes to UN first.
  const { h, lm, m } = setup();
  const a = holderFor(m, GlockType.rgrp, 43, ex);
  const gl = glOf(a);
  const p = h.proc('alloc');
  assert.equal(m.nq(p, a), 0);
  assert.equal(m.dq(p, a), 0);
  m.onBlockingCallback(gl.res, ex);
  assert.equal(m.nq(p, a), 1, 'the re-acquire is queued, not granted from the cache');
  assert.equal(a.granted, false);
  assert.equal(lm.calls.length, 1, 'nothing reached the DLM yet');
  lm.script.push(DlmStatus.granted, DlmStatus.queued); // the demote, then the re-request waits
  h.run();
  assert.deepEqual(
    lm.calls.map((c) => c.state),
    [ex, un, ex],
    'demoted to UN before the EX re-request',
  );
  assert.equal(a.granted, false, 'still waiting for the other node to give EX back');
  m.onCompletion(gl.res, ex, DlmStatus.granted);
  h.run();
  assert.equal(a.granted, true);
  assert.equal(gl.state, ex);
});

test('a queued completion grants the waiting process and wakes it', () => {
  const { h, lm, m } = setup();
  lm.defaultStatus = DlmStatus.queued;
  const a = holderFor(m, GlockType.inode, 9, sh);
  let result = 99;
  h.spawn('reader', function* (p) {
    const r = m.nq(p, a);
    result = r === 1 ? yield* m.wait(p, a) : r;
  });
  h.run();
  assert.equal(result, 99, 'still waiting for the DLM');
  m.onCompletion(glOf(a).res, sh, DlmStatus.granted);
  h.run();
  assert.equal(result, 0);
  assert.equal(a.granted, true);
  assert.deepEqual(h.eventsOf(Ev.grant).at(-1), [Ev.grant, glOf(a).res, sh, 0, 1 + 1]);
});

test('a wait that outlasts limits.waitMaxNs returns -ETIMEDOUT instead of hanging', () => {
  const { h, lm, m } = setup();
  lm.defaultStatus = DlmStatus.queued;
  const a = holderFor(m, GlockType.inode, 10, ex);
  let result = 99;
  h.spawn('writer', function* (p) {
    const r = m.nq(p, a);
    result = r === 1 ? yield* m.wait(p, a) : r;
  });
  h.advance(31e9);
  assert.equal(result, -110);
  assert.equal(glOf(a).first, null, 'the holder left the queue');
  assert.ok(h.logs.some((l) => l.includes('gave up on glock')));
});
