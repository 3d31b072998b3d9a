// The collector's arithmetic on hand-built event records (no cluster): known waits must come
// out as known contended/total/max/avg figures, grants per node and per node/pid as counted,
// and the live holder and demote bookkeeping as the events say.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_FIELDS, Ev } from '../../src/memory/events.js';
import { GlockProfiler } from '../../src/profile/collector.js';
import { typeMode } from '../../src/profile/contention.js';

/** One event record as the rings carry it: [timeNs, kind, node, a, b, c, d, seq]. */
function feed(p: GlockProfiler, kind: number, node: number, a: number, b = 0, c = 0, d = 0): void {
  const rec = new Float64Array(EVENT_FIELDS);
  rec.set([0, kind, node, a, b, c, d, 0]);
  p.observe(rec, 0);
}

const EX = 1;
const SH = 3;

test('known waits give known contended, total, max and average wait', () => {
  const p = new GlockProfiler(2);
  // Resource 5: three waited grants of 100, 400 and 1000 ns (total 1500, max 1000, avg 500).
  feed(p, Ev.waited, 0, 5, 100, EX, 11);
  feed(p, Ev.waited, 1, 5, 400, SH, 12);
  feed(p, Ev.waited, 1, 5, 1000, EX, 12);
  // Resource 7: granted without waiting only.
  feed(p, Ev.grant, 0, 7, SH, 0, 11);
  const byName = new Map(p.collect().map((g) => [g.name, g]));
  const g5 = byName.get('res#5');
  assert.ok(g5 !== undefined);
  assert.equal(g5.contended, 3);
  assert.equal(g5.waitNsTotal, 1500);
  assert.equal(g5.waitNsMax, 1000);
  assert.equal(g5.waitNsAvg, 500);
  // Two of the three waits asked for EX (LM_ST_EXCLUSIVE = 1).
  assert.deepEqual(g5.waitsByState, [0, 2, 0, 1]);
  assert.equal(typeMode(g5), 'type-1:EX');
  assert.equal(byName.get('res#7')?.contended, 0);
  assert.equal(byName.get('res#7')?.waitNsAvg, 0);
});

test('grants are counted per node and waits per node/pid', () => {
  const p = new GlockProfiler(3);
  for (let i = 0; i < 4; i++) feed(p, Ev.grant, 2, 9, EX, 0, 30);
  feed(p, Ev.grant, 0, 9, SH, 0, 31);
  feed(p, Ev.waited, 0, 9, 250, SH, 31);
  const [g] = p.collect();
  assert.deepEqual(g?.grantsByNode, [1, 0, 4]);
  assert.deepEqual(g?.grantsByState, [0, 4, 0, 1]);
  // Most waits first: node 0 pid 31 (1 wait of 250 ns), then node 2 pid 30 (4 grants, no wait).
  assert.deepEqual(
    g?.holders.map((h) => [h.node, h.pid, h.grants, h.waits, h.waitNsTotal]),
    [
      [0, 31, 1, 1, 250],
      [2, 30, 4, 0, 0],
    ],
  );
});

test('live holders follow grant and release; a demote clears the pending callback', () => {
  const p = new GlockProfiler(2);
  feed(p, Ev.grant, 1, 3, EX, 0, 40);
  feed(p, Ev.grant, 1, 3, EX, 0, 41);
  feed(p, Ev.release, 1, 3, EX, 0, 40);
  assert.deepEqual([...p.held.values()], [EX]);
  // A callback asking for EX means "demote to UN" (LM_ST_UNLOCKED = 0, stored as state + 1).
  feed(p, Ev.callback, 1, 3, EX);
  assert.equal(p.demotePending[3 * 2 + 1], 1);
  feed(p, Ev.demote, 1, 3, 0);
  assert.equal(p.demotePending[3 * 2 + 1], 0);
  const [g] = p.collect();
  assert.equal(g?.callbacks, 1);
  assert.equal(g?.demotes, 1);
});

test('records of other kinds and out-of-range nodes or resources are ignored', () => {
  const p = new GlockProfiler(2);
  feed(p, Ev.op, 0, 1, 5000);
  feed(p, Ev.waited, 5, 1, 100, EX, 1);
  feed(p, Ev.waited, 0, -1, 100, EX, 1);
  assert.equal(p.collect().length, 0);
});

test('a node leaving the lockspace drops its live holders and pending demotes', () => {
  const p = new GlockProfiler(2);
  feed(p, Ev.grant, 0, 3, EX, 0, 40);
  feed(p, Ev.grant, 1, 3, SH, 0, 50);
  feed(p, Ev.callback, 0, 3, EX);
  // Ev.lockspace a = 3: node 0 failed (crash or release-recover).
  feed(p, Ev.lockspace, 0, 3);
  assert.deepEqual([...p.held.values()], [SH]);
  assert.equal(p.demotePending[3 * 2 + 0], 0);
  // Run totals are kept.
  assert.deepEqual(p.collect()[0]?.grantsByNode, [1, 1]);
});
