// A node's cooperative scheduler (src/node/runner.ts) and its wait primitives (proc.ts): timers
// wake sleepers and time out waiters exactly when due, a throwing process is kept as data, and
// a finished one is never resumed.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { limits } from '../../src/config/limits.js';
import { Channel, type Proc, ProcState, prepareSleep, prepareWait } from '../../src/node/proc.js';
import { NodeRunner } from '../../src/node/runner.js';

function* idle(): Generator<void, void, void> {
  for (;;) yield;
}

/** A process that sleeps `ns` from `at`, then counts its turns in `turns`. */
function sleepingProc(r: NodeRunner, at: number, ns: number): Proc {
  const p = r.spawn('sleeper', () => idle());
  prepareSleep(p, at, ns);
  return p;
}

describe('NodeRunner.expireTimers', () => {
  test('leaves a sleeper asleep before its wake time and makes it ready at it', () => {
    const r = new NodeRunner(0);
    const p = sleepingProc(r, 1000, 500);
    r.expireTimers(1499);
    assert.equal(p.state, ProcState.sleeping);
    assert.equal(r.readyCount(), 0);
    r.expireTimers(1500);
    assert.equal(p.state, ProcState.ready);
    assert.equal(p.wakeAtNs, Number.POSITIVE_INFINITY);
    assert.equal(r.readyCount(), 1);
  });

  test('times out a channel waiter: ready, marked timedOut and no longer on the channel', () => {
    const r = new NodeRunner(0);
    const ch = new Channel('c', 4);
    const p = r.spawn('waiter', () => idle());
    prepareWait(p, ch, 0, 2000);
    assert.equal(ch.size, 1);
    r.expireTimers(2000);
    assert.equal(p.state, ProcState.ready);
    assert.equal(p.timedOut, true);
    assert.equal(p.channel, null);
    assert.equal(ch.size, 0);
    assert.equal(ch.wakeAll(), 0, 'a later wake-up finds nobody to wake');
  });

  test('never expires a waiter without a timeout', () => {
    const r = new NodeRunner(0);
    const p = r.spawn('waiter', () => idle());
    prepareWait(p, new Channel('c', 4), 0, Number.POSITIVE_INFINITY);
    r.expireTimers(Number.MAX_SAFE_INTEGER);
    assert.equal(p.state, ProcState.waiting);
    assert.equal(r.nextWakeNs(), Number.POSITIVE_INFINITY);
  });

  test('a waiter woken through its channel is not marked timed out', () => {
    const r = new NodeRunner(0);
    const ch = new Channel('c', 4);
    const p = r.spawn('waiter', () => idle());
    prepareWait(p, ch, 0, 2000);
    assert.equal(ch.wakeAll(), 1);
    assert.equal(p.state, ProcState.ready);
    assert.equal(p.timedOut, false);
    r.expireTimers(5000);
    assert.equal(p.timedOut, false, 'the old timeout does not fire after the wake-up');
  });
});

describe('NodeRunner', () => {
  test('nextWakeNs is the earliest timer among sleepers and waiters', () => {
    const r = new NodeRunner(0);
    assert.equal(r.nextWakeNs(), Number.POSITIVE_INFINITY);
    sleepingProc(r, 0, 900);
    const w = r.spawn('waiter', () => idle());
    prepareWait(w, new Channel('c', 4), 0, 300);
    r.spawn('ready', () => idle());
    assert.equal(r.nextWakeNs(), 300);
  });

  test('readyAt indexes only the ready processes, in spawn order', () => {
    const r = new NodeRunner(0);
    const a = r.spawn('a', () => idle());
    sleepingProc(r, 0, 10);
    const c = r.spawn('c', () => idle());
    assert.equal(r.readyCount(), 2);
    assert.equal(r.readyAt(0), a);
    assert.equal(r.readyAt(1), c);
    assert.equal(r.readyAt(2), null);
  });

  test('resume marks a process that throws as errored, keeps the error and firstError finds it', () => {
    const r = new NodeRunner(3);
    const err = new Error('bad dinode');
    r.spawn('ok', () => idle());
    const bad = r.spawn('workload/0', function* () {
      yield;
      throw err;
    });
    r.resume(bad);
    assert.equal(r.firstError(), null);
    r.resume(bad);
    assert.equal(bad.state, ProcState.errored);
    assert.equal(bad.error, err);
    assert.equal(r.firstError(), bad);
    r.resume(bad); // an errored process is never resumed again
    assert.equal(bad.state, ProcState.errored);
  });

  test('a process whose body returns is done and the runner is no longer alive', () => {
    const r = new NodeRunner(0);
    const p = r.spawn('once', function* () {
      yield;
    });
    assert.equal(r.alive(), true);
    r.resume(p);
    r.resume(p);
    assert.equal(p.state, ProcState.done);
    assert.equal(r.alive(), false);
  });

  test('resume ignores a process that is not ready', () => {
    const r = new NodeRunner(0);
    let turns = 0;
    const p = r.spawn('s', function* () {
      for (;;) {
        turns++;
        yield;
      }
    });
    prepareSleep(p, 0, 100);
    r.resume(p);
    assert.equal(turns, 0);
  });

  test('runReadyOnce runs each ready process once in pid order and returns how many ran', () => {
    const r = new NodeRunner(0);
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      r.spawn(name, function* () {
        for (;;) {
          order.push(name);
          yield;
        }
      });
    }
    prepareSleep(r.procs[1] as Proc, 0, 100);
    assert.equal(r.runReadyOnce(), 2);
    assert.deepEqual(order, ['a', 'c']);
  });

  test('killAll stops every process where it is and takes waiters off their channels', () => {
    const r = new NodeRunner(0);
    const ch = new Channel('c', 4);
    const w = r.spawn('w', () => idle());
    prepareWait(w, ch, 0, 100);
    r.spawn('x', () => idle());
    r.killAll();
    assert.equal(r.alive(), false);
    assert.equal(ch.size, 0);
    assert.equal(r.readyCount(), 0);
  });

  test('spawning beyond the per-node process limit throws a RangeError', () => {
    const r = new NodeRunner(0);
    const max = limits.processesPerNodeMax + 16;
    for (let i = 0; i < max; i++) r.spawn(`p${i}`, () => idle());
    assert.throws(() => r.spawn('one too many', () => idle()), { name: 'RangeError', message: /too many processes/ });
  });

  test('pids are unique and rising within a node', () => {
    const r = new NodeRunner(0);
    const pids = [0, 1, 2].map((i) => r.spawn(`p${i}`, () => idle()).pid);
    assert.deepEqual(
      pids,
      [...pids].sort((a, b) => a - b),
    );
    assert.equal(new Set(pids).size, 3);
  });
});

describe('Channel', () => {
  test('wakeAll makes every waiter ready and empties the channel', () => {
    const r = new NodeRunner(0);
    const ch = new Channel('c', 4);
    const ps = [0, 1].map((i) => r.spawn(`w${i}`, () => idle()));
    for (const p of ps) prepareWait(p, ch, 0, 1000);
    assert.equal(ch.wakeAll(), 2);
    for (const p of ps) {
      assert.equal(p.state, ProcState.ready);
      assert.equal(p.channel, null);
      assert.equal(p.wakeAtNs, Number.POSITIVE_INFINITY);
    }
    assert.equal(ch.size, 0);
  });

  test('a full channel refuses another waiter with a RangeError', () => {
    const r = new NodeRunner(0);
    const ch = new Channel('tiny', 1);
    prepareWait(
      r.spawn('a', () => idle()),
      ch,
      0,
      10,
    );
    assert.throws(
      () =>
        prepareWait(
          r.spawn('b', () => idle()),
          ch,
          0,
          10,
        ),
      {
        name: 'RangeError',
        message: /wait channel tiny is full \(1 waiters\)/,
      },
    );
  });
});
