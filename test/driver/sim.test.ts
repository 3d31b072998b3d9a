// The deterministic driver (src/driver/sim.ts) over fake nodes: which processes it picks, how
// its virtual clock moves, and each way a run can end (completed, paused, stalled, errored).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { limits } from '../../src/config/limits.js';
import { SimClock, SimDriver, type SimOptions } from '../../src/driver/sim.js';
import { ProcState } from '../../src/node/proc.js';
import { channel, counter, FakeNode, sleeper, thrower, waitForever } from './fake-node.js';

const STEP_NS = 1_000;

function driver(nodes: FakeNode[], over: Partial<SimOptions> = {}): SimDriver {
  return new SimDriver(nodes, new SimClock(), {
    seed: 1,
    stepCostNs: STEP_NS,
    horizonNs: 1e9,
    maxSteps: 1_000_000,
    ...over,
  });
}

describe('SimDriver', () => {
  test('runs only ready processes: sleepers and waiters are never resumed before their time', () => {
    const n = new FakeNode();
    const resumed: string[] = [];
    n.spawn('busy', () => counter(resumed, 'busy', 1000));
    n.spawn('sleeps', (p) => sleeper(p, () => 0, 5e9, []));
    n.spawn('waits', (p) => waitForever(p, channel()));
    // Let the sleeper and the waiter block on their first turn, then only "busy" may run.
    const d = driver([n]);
    const out = d.run(300);
    assert.equal(out.state, 'paused');
    assert.equal(resumed.length, 300 - 2, 'every step but the two blocking ones ran "busy"');
    assert.ok(resumed.every((s) => s.startsWith('busy#')));
    assert.equal(n.runner.procs[1]?.state, ProcState.sleeping);
    assert.equal(n.runner.procs[2]?.state, ProcState.waiting);
  });

  test('picks among the ready processes of every node, so all of them get turns', () => {
    const a = new FakeNode(0);
    const b = new FakeNode(1);
    for (const [n, tag] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      for (let i = 0; i < 2; i++) n.spawn(`${tag}${i}`, () => counter(n.trace, `${tag}${i}`, 100));
    }
    driver([a, b]).run(200);
    // 200 uniform picks among 4 processes: each gets ~50; fewer than 20 would be a broken pick.
    for (const name of ['a0', 'a1', 'b0', 'b1']) {
      const turns = [...a.trace, ...b.trace].filter((s) => s.startsWith(`${name}#`)).length;
      assert.ok(turns >= 20, `${name} ran only ${turns} times in 200 steps`);
    }
  });

  test('the same seed gives the same interleaving and hash; another seed gives another', () => {
    const run = (seed: number) => {
      const nodes = [new FakeNode(0), new FakeNode(1)];
      const order: string[] = [];
      for (const n of nodes)
        for (let i = 0; i < 3; i++) n.spawn(`${n.runner.node}/${i}`, () => counter(order, `${n.runner.node}/${i}`, 50));
      const d = driver(nodes, { seed });
      d.run();
      return { order: order.join(' '), hash: d.hash.hex() };
    };
    const x = run(7);
    assert.deepEqual(run(7), x);
    const y = run(8);
    assert.notEqual(y.order, x.order);
    assert.notEqual(y.hash, x.hash);
  });

  test('advances the virtual clock by the step cost for every step it runs', () => {
    const n = new FakeNode();
    n.spawn('busy', () => counter(n.trace, 'busy', 10));
    const d = driver([n]);
    const out = d.run();
    assert.equal(out.state, 'completed');
    // 10 turns that yield plus the turn that finds the body done.
    assert.equal(out.steps, 11);
    assert.equal(out.clockNs, 11 * STEP_NS);
  });

  test('when nothing is ready it jumps the clock to the earliest timer instead of stepping', () => {
    const n = new FakeNode();
    const d = driver([n]);
    const woke: number[] = [];
    const now = () => d.clock.nowNs;
    n.spawn('late', (p) => sleeper(p, now, 7_000_000, woke));
    n.spawn('early', (p) => sleeper(p, now, 3_000_000, woke));
    const out = d.run();
    assert.equal(out.state, 'completed');
    // Woken exactly at the timer (the clock jumped there), then one step cost before the next.
    assert.deepEqual(woke, [3_000_000, 7_000_000]);
    assert.ok(out.steps < 10, `${out.steps} steps: the driver stepped through the idle time`);
  });

  test('reports stalled when every process waits forever with no timer pending', () => {
    const n = new FakeNode();
    const ch = channel();
    n.spawn('w1', (p) => waitForever(p, ch));
    n.spawn('w2', (p) => waitForever(p, ch));
    const out = driver([n]).run();
    assert.equal(out.state, 'stalled');
    assert.match(out.state === 'stalled' ? out.reason : '', /every process is blocked with no timer pending/);
    assert.equal(ch.size, 2);
  });

  test('reports stalled when the next timer lies beyond the horizon plus the longest allowed wait', () => {
    const n = new FakeNode();
    const d = driver([n], { horizonNs: 1e6 });
    const beyond = 1e6 + limits.waitMaxNs + 1;
    n.spawn('too late', (p) => sleeper(p, () => d.clock.nowNs, beyond, []));
    const out = d.run();
    assert.equal(out.state, 'stalled');
    assert.match(out.state === 'stalled' ? out.reason : '', new RegExp(`no process runnable before ${beyond}`));
  });

  test('reports stalled at the step limit when a process never stops running', () => {
    const n = new FakeNode();
    n.spawn('spin', () => counter(n.trace, 'spin', Number.POSITIVE_INFINITY));
    const out = driver([n], { maxSteps: 500 }).run();
    assert.equal(out.state, 'stalled');
    assert.equal(out.steps, 500);
    assert.match(out.state === 'stalled' ? out.reason : '', /step limit 500 reached/);
  });

  test('pauses after the requested number of steps and resumes where it stopped', () => {
    const n = new FakeNode();
    n.spawn('busy', () => counter(n.trace, 'busy', 25));
    const d = driver([n]);
    assert.deepEqual(d.run(10), { state: 'paused', steps: 10, clockNs: 10 * STEP_NS });
    assert.equal(d.run(10).state, 'paused');
    assert.equal(d.run(10).state, 'completed');
    assert.equal(n.trace.length, 25);
    assert.equal(n.trace.at(-1), 'busy#24');
  });

  test('calls onDoorbell once for each change of the doorbell word', () => {
    const n = new FakeNode();
    let rings = 0;
    n.spawn('ringer', function* () {
      for (let i = 0; i < 3; i++) {
        Atomics.add(n.doorbell, 0, 1);
        rings++;
        yield;
        yield;
      }
    });
    driver([n]).run();
    assert.equal(rings, 3);
    assert.equal(n.doorbellCalls, 3);
  });

  test('a process that throws ends the run as errored with its node, name and error', () => {
    const a = new FakeNode(0);
    const b = new FakeNode(1);
    const boom = new Error('boom');
    a.spawn('fine', () => counter(a.trace, 'fine', 1000));
    b.spawn('quiet', () => counter(b.trace, 'quiet', 1000));
    b.spawn('workload/3', () => thrower(boom, 5));
    const out = driver([a, b]).run();
    assert.equal(out.state, 'errored');
    if (out.state !== 'errored') return;
    assert.equal(out.node, 1);
    assert.equal(out.process, 'workload/3');
    assert.equal(out.error, boom);
    assert.equal(b.runner.firstError()?.name, 'workload/3');
    // It stopped at once: far fewer steps than the other processes would have needed.
    assert.ok(out.steps < 1000, `${out.steps} steps after the throw`);
  });

  test('a crash due by time stops that node and the run completes without it', () => {
    const a = new FakeNode(0);
    const b = new FakeNode(1);
    a.spawn('short', () => counter(a.trace, 'short', 3));
    b.spawn('stuck', (p) => waitForever(p, channel()));
    b.crashAtNs = 2e6;
    b.crashDue = () => !b.crashed && b.crashAtNs <= d.clock.nowNs;
    const d = driver([a, b]);
    const out = d.run();
    // Without the planned crash node b would stall the run; with it the clock jumps to the crash.
    assert.equal(out.state, 'completed');
    assert.equal(b.crashed, true);
    assert.ok(out.clockNs >= 2e6);
  });
});
