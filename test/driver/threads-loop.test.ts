// The threads driver's per-node loop (src/driver/threads-loop.ts), run here on the test's own
// thread over fake nodes: how it ends (completed, errored, crashed), that it sees the doorbell,
// and that it parks with a bounded Atomics.wait when only a timer is pending.

import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, test } from 'node:test';
import { type LoopHooks, runNodeLoop } from '../../src/driver/threads-loop.js';
import { counter, FakeNode, sleeper, thrower } from './fake-node.js';

const nowNs = () => performance.now() * 1e6;

function hooks(n: FakeNode, crash: () => boolean = () => false): LoopHooks {
  return { nowNs, doorbell: n.doorbell, doorbellIndex: 0, crashRequested: crash };
}

describe('runNodeLoop', () => {
  test('returns errored with the process name and the error when a process throws', () => {
    const n = new FakeNode();
    const err = new TypeError('bad block');
    n.spawn('gfs2_logd', () => counter(n.trace, 'logd', 100));
    n.spawn('workload/1', () => thrower(err, 2));
    const out = runNodeLoop(n, hooks(n));
    assert.equal(out.state, 'errored');
    if (out.state !== 'errored') return;
    assert.equal(out.process, 'workload/1');
    assert.equal(out.error, err);
    assert.ok(n.trace.length < 100, 'the loop stopped at the throw');
  });

  test('returns errored for a non-Error thrown value too', () => {
    const n = new FakeNode();
    n.spawn('odd', () => thrower('a string'));
    const out = runNodeLoop(n, hooks(n));
    assert.equal(out.state, 'errored');
    assert.equal(out.state === 'errored' ? out.error : null, 'a string');
  });

  test('returns completed once the node has finished', () => {
    const n = new FakeNode();
    n.spawn('a', () => counter(n.trace, 'a', 3));
    n.spawn('b', () => counter(n.trace, 'b', 5));
    const out = runNodeLoop(n, hooks(n));
    assert.equal(out.state, 'completed');
    assert.equal(n.trace.length, 8);
  });

  test('returns crashed at once when a crash is requested, without running anything', () => {
    const n = new FakeNode();
    n.spawn('a', () => counter(n.trace, 'a', 3));
    const out = runNodeLoop(
      n,
      hooks(n, () => true),
    );
    assert.equal(out.state, 'crashed');
    assert.deepEqual(n.trace, []);
  });

  test('calls onDoorbell at start and again when the doorbell word changes', () => {
    const n = new FakeNode();
    n.spawn('ringer', function* () {
      yield;
      Atomics.add(n.doorbell, 0, 1);
      yield;
    });
    runNodeLoop(n, hooks(n));
    assert.equal(n.doorbellCalls, 2);
  });

  test('parks in Atomics.wait while only a timer is pending, then runs the sleeper', () => {
    const n = new FakeNode();
    const woke: number[] = [];
    // Far enough ahead that a thread descheduled on a loaded machine still finds time left to
    // park for (3 ms was not: the first loop iteration sometimes came after the timer was due).
    const dueNs = nowNs() + 100e6;
    n.spawn('sleeps 100ms', (p) => sleeper(p, nowNs, dueNs, woke));
    const out = runNodeLoop(n, hooks(n));
    assert.equal(out.state, 'completed');
    assert.ok(out.parks >= 1, 'the loop never parked');
    assert.equal(woke.length, 1);
    assert.ok((woke[0] ?? 0) >= dueNs, 'woken before its timer');
    // Parking (not spinning) keeps the loop count small: at most a few iterations per park.
    assert.ok(out.loops < 50, `${out.loops} loop iterations for one 100 ms sleep`);
  });
});
