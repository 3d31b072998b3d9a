// The scaling suite at its smallest (quick) size, and P7's seed pool. Speeds are not asserted
// (that is what the benchmark reports); what must hold is: each P-row is consistent with its
// own value, baseline and target, and the parallel seed runs are the same runs as the serial ones.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { suite } from '../../bench/scaling/index.js';
import { createSimPool, type SimPool } from '../../bench/scaling/sim-speed.js';
import { type Metric, median, type RatioRow, type SuiteOutput } from '../../bench/suite.js';

const GIB = 1024 ** 3;
let out: SuiteOutput;
const named = (name: string): Metric[] => out.metrics.filter((m) => m.name === name);
const row = (id: 'P7' | 'P8' | 'P9'): RatioRow => {
  const r = out.ratios[id];
  assert.ok(r !== undefined, `${id} missing: ${JSON.stringify(Object.keys(out.ratios))}`);
  return r;
};

describe('scaling suite, quick size', () => {
  before(async () => {
    out = await suite({ quick: true, seed: 3, log: () => {} });
  });

  test('P7, P8 and P9 each give a ratio equal to value/baseline in the right direction', () => {
    for (const id of ['P7', 'P8'] as const) {
      const r = row(id);
      assert.ok(r.baseline > 0 && Number.isFinite(r.value), `${id} ${JSON.stringify(r)}`);
      assert.ok(Math.abs(r.ratio - r.value / r.baseline) <= 1e-9 * r.ratio, `${id} ${JSON.stringify(r)}`);
      assert.equal(r.spread.samples, 3);
      assert.ok(r.spread.min <= r.spread.max);
    }
    const p9 = row('P9');
    assert.equal(p9.baseline, GIB);
    assert.ok(Math.abs(p9.ratio - GIB / p9.value) <= 1e-9 * p9.ratio, JSON.stringify(p9));
  });

  test('each P-row is met exactly when its target holds', () => {
    assert.equal(row('P8').met, row('P8').ratio >= 1.6);
    assert.equal(row('P9').met, row('P9').value <= GIB);
    const steps = median(named('sim.stepsPerSec').find((m) => m.params?.threads === 1)?.samples ?? []);
    assert.equal(row('P7').met, row('P7').value >= 50 && steps >= 1e6);
  });

  test('P8 measures disjoint ops/s and CPU use on 1 and 2 nodes, three samples each', () => {
    for (const name of ['cluster.opsPerSec', 'cluster.cpuPercent']) {
      const ms = named(name);
      assert.deepEqual(
        ms.map((m) => [m.params?.nodes, m.params?.workload]),
        [
          [1, 'disjoint'],
          [2, 'disjoint'],
        ],
      );
      for (const m of ms) {
        assert.equal(m.samples.length, 3);
        for (const x of m.samples) assert.ok(Number.isFinite(x) && x > 0, `${name} ${x}`);
        if (name === 'cluster.cpuPercent') for (const x of m.samples) assert.ok(x <= 100, `${name} ${x}`);
      }
    }
    // The P8 row is the medians of the 2-node and 1-node samples.
    assert.equal(row('P8').value, median(named('cluster.opsPerSec')[1]?.samples ?? []));
    assert.equal(row('P8').baseline, median(named('cluster.opsPerSec')[0]?.samples ?? []));
  });

  test('P9: a cluster run peaks above an idle process that loaded the same code', () => {
    const idle = named('rss.idleProcessPeakBytes')[0]?.samples[0] ?? Number.NaN;
    assert.ok(idle > 0);
    for (const x of named('rss.peakBytes')[0]?.samples ?? []) assert.ok(x > idle, `${x} vs idle ${idle}`);
  });

  test('the checksum is 8 hex digits and every sample is finite', () => {
    assert.match(out.checksum, /^[0-9a-f]{8}$/);
    for (const m of out.metrics) for (const x of m.samples) assert.ok(Number.isFinite(x), `${m.name} ${x}`);
  });
});

describe('P7 seed pool', () => {
  let one: SimPool;
  let two: SimPool;
  before(async () => {
    one = await createSimPool(1);
    two = await createSimPool(2);
  });
  after(async () => {
    await one.close();
    await two.close();
  });

  test('runs the same default soak seeds on one thread and on two: same histories and steps', async () => {
    const a = await one.batch(11, 2);
    const b = await two.batch(11, 2);
    const key = (s: typeof a) => s.outcomes.map((o) => [o.seed, o.historyHash, o.steps, o.violations]);
    assert.deepEqual(key(a), key(b));
    for (const o of a.outcomes) {
      assert.match(o.historyHash, /^[0-9a-f]{16}$/);
      assert.ok(o.steps > 0);
    }
  });
});
