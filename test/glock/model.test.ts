// Model-based fuzz test: random enqueues, dequeues, callbacks, DLM answers and time steps on a
// few glocks of one node, checking the queue invariants after every step and, at the end,
// that every waiter is granted or failed once the DLM answers everything (no lost wake-up).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DlmStatus, GlockType, LmState } from '../../src/dlm/api.js';
import { GlockFlag, HOLDER_TRY_ANY, HolderFlag, HolderIFlag } from '../../src/glock/flags.js';
import type { Glock } from '../../src/glock/glock.js';
import { Holder, holderInit } from '../../src/glock/holder.js';
import type { Proc } from '../../src/node/proc.js';
import { MS, setup } from './harness.js';

const STATES = [LmState.ex, LmState.sh, LmState.df] as const;
const FLAGS = [
  0,
  HolderFlag.try,
  HolderFlag.any,
  HolderFlag.exact,
  HolderFlag.priority,
  HolderFlag.nocache,
  HolderFlag.try1cb,
];

type Op =
  | { k: 'nq'; who: number; gl: number; state: number; flags: number }
  | { k: 'dq'; who: number }
  | { k: 'cb'; gl: number; state: number }
  | { k: 'answer'; gl: number; ok: boolean }
  | { k: 'mode'; queued: boolean }
  | { k: 'time'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('nq' as const),
    who: fc.nat(3),
    gl: fc.nat(1),
    state: fc.constantFrom(...STATES),
    flags: fc.constantFrom(...FLAGS),
  }),
  fc.record({ k: fc.constant('dq' as const), who: fc.nat(3) }),
  fc.record({ k: fc.constant('cb' as const), gl: fc.nat(1), state: fc.constantFrom(...STATES) }),
  fc.record({ k: fc.constant('answer' as const), gl: fc.nat(1), ok: fc.boolean() }),
  fc.record({ k: fc.constant('mode' as const), queued: fc.boolean() }),
  fc.record({ k: fc.constant('time' as const), ms: fc.integer({ min: 1, max: 400 }) }),
);

function checkQueue(gl: Glock): void {
  let seenWaiter = false;
  let granted = 0;
  let grantedEx = false;
  let n = 0;
  for (let h = gl.first; h !== null; h = h.next) {
    n++;
    const isHolder = (h.iflags & HolderIFlag.holder) !== 0;
    assert.notEqual(isHolder, (h.iflags & HolderIFlag.wait) !== 0, 'a queued holder is either granted or waiting');
    if (!isHolder) {
      seenWaiter = true;
      continue;
    }
    assert.equal(seenWaiter, false, 'granted holders form a prefix');
    assert.notEqual(gl.state, LmState.un, 'nothing is granted under UN');
    granted++;
    if (h.state === LmState.ex) grantedEx = true;
    const ok = h.state === gl.state || gl.state === LmState.ex || (h.flags & HolderFlag.any) !== 0;
    assert.ok(ok, `holder state ${h.state} is covered by glock state ${gl.state}`);
  }
  assert.equal(n, gl.holderCount);
  if (grantedEx) assert.equal(granted, 1, 'EX is never shared locally');
}

test('random glock traffic keeps the queue invariants and loses no waiter', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      const { h, lm, m } = setup();
      const gls = [m.get(GlockType.inode, 1), m.get(GlockType.rgrp, 2)];
      const procs: Proc[] = [];
      const holders: Holder[] = [];
      for (let i = 0; i < 4; i++) {
        procs.push(h.proc(`p${i}`));
        holders.push(new Holder());
      }
      const answer = (gl: Glock, ok: boolean): void => {
        if ((gl.flags & GlockFlag.dlmWait) === 0) return;
        const call = lm.calls.filter((c) => c.res === gl.res).at(-1);
        assert.ok(call !== undefined);
        const tryReq = (call.flags & 0x1) !== 0;
        if (ok || !tryReq || call.state === LmState.un) m.onCompletion(gl.res, call.state, DlmStatus.granted);
        else m.onCompletion(gl.res, gl.state, DlmStatus.tryFailed);
      };
      for (const op of ops) {
        switch (op.k) {
          case 'nq': {
            const hd = holders[op.who] as Holder;
            if (hd.iflags !== 0) break;
            holderInit(hd, gls[op.gl] as Glock, op.state, op.flags);
            const r = m.nq(procs[op.who] as Proc, hd);
            assert.ok(r === 0 || r === 1 || r === 13 || r === -35, `nq returned ${r}`);
            if (r === 13) assert.notEqual(op.flags & HOLDER_TRY_ANY, 0, 'only try requests fail with 13');
            break;
          }
          case 'dq': {
            const hd = holders[op.who] as Holder;
            if (hd.granted) assert.equal(m.dq(procs[op.who] as Proc, hd), 0);
            break;
          }
          case 'cb':
            m.onBlockingCallback((gls[op.gl] as Glock).res, op.state);
            break;
          case 'answer':
            answer(gls[op.gl] as Glock, op.ok);
            break;
          case 'mode':
            lm.defaultStatus = op.queued ? DlmStatus.queued : DlmStatus.granted;
            break;
          case 'time':
            h.advance(op.ms * MS);
            break;
        }
        h.run();
        for (const gl of gls) checkQueue(gl);
      }
      // Drain: the DLM answers everything and time passes; holders that are granted leave so
      // that waiters behind them can proceed.
      lm.defaultStatus = DlmStatus.granted;
      for (let round = 0; round < 20; round++) {
        for (const gl of gls) answer(gl, true);
        for (let i = 0; i < holders.length; i++) {
          const hd = holders[i] as Holder;
          if (hd.granted) m.dq(procs[i] as Proc, hd);
        }
        h.advance(500 * MS);
        for (const gl of gls) checkQueue(gl);
      }
      for (const hd of holders) assert.equal(hd.waiting, false, 'every waiter was granted or failed');
      for (const gl of gls) assert.equal(gl.flags & GlockFlag.lock, 0, 'the state machine is idle');
    }),
    { numRuns: 300, seed: 20250601 },
  );
});
