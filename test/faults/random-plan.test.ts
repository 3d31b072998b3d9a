import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Fault, formatFaultPlan, parseFaultPlan, randomPlan, resolveFaultPlan } from '../../src/faults/index.js';

const destructive = (f: Fault): boolean =>
  f.kind === 'jerr' || f.kind === 'merr' || f.kind === 'crash' || f.kind === 'recovery-withdraw';

describe('randomPlan', () => {
  test('draws the same plan for the same seed, nodes and duration', () => {
    for (let seed = 0; seed < 50; seed++) {
      assert.deepEqual(randomPlan(seed, 3, 10_000), randomPlan(seed, 3, 10_000));
    }
  });

  test('draws different plans for different seeds', () => {
    const texts = new Set<string>();
    for (let seed = 0; seed < 100; seed++) texts.add(formatFaultPlan(randomPlan(seed, 3, 10_000)));
    // Plans are drawn from a large space; 100 seeds giving fewer than 90 distinct ones would
    // mean the seed barely reaches the draws.
    assert.ok(texts.size >= 90, `only ${texts.size} distinct plans`);
  });

  test('draws 1 to 3 faults, the first one destructive, all on existing nodes and within the run', () => {
    const counts = new Set<number>();
    for (let seed = 0; seed < 300; seed++) {
      const nodes = 1 + (seed % 5);
      const plan = randomPlan(seed, nodes, 5000);
      counts.add(plan.faults.length);
      assert.ok(plan.faults.length >= 1 && plan.faults.length <= 3);
      assert.ok(destructive(plan.faults[0] as Fault), formatFaultPlan(plan));
      for (const f of plan.faults) {
        assert.ok(f.node >= 0 && f.node < nodes, formatFaultPlan(plan));
        if ('atMs' in f && f.atMs !== null) assert.ok(f.atMs >= 1 && f.atMs < 5000, formatFaultPlan(plan));
      }
    }
    assert.deepEqual([...counts].sort(), [1, 2, 3]);
  });

  test('leaves at least one node without a destructive fault when the cluster has two or more', () => {
    for (let seed = 0; seed < 500; seed++) {
      const nodes = 2 + (seed % 3);
      const plan = randomPlan(seed, nodes, 5000);
      const struck = new Set(plan.faults.filter(destructive).map((f) => f.node));
      assert.ok(struck.size < nodes, `seed ${seed}: ${formatFaultPlan(plan)}`);
      // Distinct nodes: two destructive faults never pile onto one node.
      assert.equal(struck.size, plan.faults.filter(destructive).length, `seed ${seed}: ${formatFaultPlan(plan)}`);
    }
  });

  test('prints every drawn plan in a form that reads back as the same plan', () => {
    for (let seed = 0; seed < 300; seed++) {
      const plan = randomPlan(seed * 7919, 4, 30_000);
      assert.deepEqual(parseFaultPlan(formatFaultPlan(plan), 4), plan);
    }
  });

  test('draws every fault kind over enough seeds', () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 2000; seed++) for (const f of randomPlan(seed, 4, 10_000).faults) kinds.add(f.kind);
    assert.deepEqual([...kinds].sort(), ['ackdelay', 'cbdelay', 'crash', 'jerr', 'merr', 'recovery-withdraw', 'slow']);
  });
});

describe('resolveFaultPlan', () => {
  const ctx = { seed: 42, nodes: 3, durationMs: 10_000 };

  test('gives the empty plan when --faults is absent', () => {
    assert.deepEqual(resolveFaultPlan(null, ctx), { faults: [] });
  });

  test('draws from the seed for "random"', () => {
    assert.deepEqual(resolveFaultPlan('random', ctx), randomPlan(42, 3, 10_000));
  });

  test('parses any other text', () => {
    assert.deepEqual(resolveFaultPlan('crash:node=2,at=1s', ctx), parseFaultPlan('crash:node=2,at=1s', 3));
  });
});
