// The contention suite at its smallest (quick) size: one sweep point, three real threads-mode
// runs in which node 0 withdraws. The figures vary run to run; these tests check what must hold
// whatever they are: every measurement is there once, finite, and its histogram says the same.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { suite } from '../../bench/contention/index.js';
import type { Metric, SuiteOutput } from '../../bench/suite.js';
import { decodeHistogram } from '../../src/stats/histogram.js';

const RUNS = 3;
let out: SuiteOutput;
const named = (name: string): Metric[] => out.metrics.filter((m) => m.name === name);

describe('contention suite, quick size', () => {
  before(async () => {
    out = await suite({ quick: true, seed: 7, log: () => {} });
  });

  test('reports one withdraw count and one secondary-withdrawer count per run of the quick point', () => {
    for (const name of ['withdraw.withdrawsPerRun', 'withdraw.secondaryWaiters']) {
      const [m, ...rest] = named(name);
      assert.ok(m !== undefined && rest.length === 0, `${name}: ${JSON.stringify(out.metrics.map((x) => x.name))}`);
      assert.equal(m.samples.length, RUNS);
      assert.equal(m.params?.nodes, 2);
      assert.equal(m.params?.runs, RUNS);
    }
  });

  test('the fault plan withdraws node 0 in at least one run (one primary withdraw per run at most)', () => {
    const [m] = named('withdraw.withdrawsPerRun');
    for (const x of m?.samples ?? []) assert.ok(x === 0 || x === 1, `withdraws per run ${x}`);
    assert.ok(
      (m?.samples ?? []).some((x) => x === 1),
      JSON.stringify(out.notes),
    );
  });

  test('has as many secondary-wait samples as secondary withdrawers counted', () => {
    const counted = (named('withdraw.secondaryWaiters')[0]?.samples ?? []).reduce((a, b) => a + b, 0);
    assert.equal(named('withdraw.secondaryWait.ns')[0]?.samples.length ?? 0, counted);
  });

  test('measures requests blocked behind the withdrawing node', () => {
    // Two nodes on one shared directory: node 1 asks for glocks node 0 holds while it withdraws.
    assert.equal(named('withdraw.blockedRequest.ns').length, 1, JSON.stringify(out.notes));
  });

  test('every latency metric has a decodable histogram holding exactly its samples', () => {
    const latency = out.metrics.filter((m) => m.unit === 'ns');
    for (const m of latency) {
      assert.ok(m.histogram !== undefined, m.name);
      const h = decodeHistogram(m.histogram);
      assert.ok(h.totalCount > 0, m.name);
      assert.equal(h.totalCount, m.samples.length, m.name);
      // HDR keeps three significant digits: its extremes match the samples' to 0.1 %.
      const max = Math.max(...m.samples);
      const min = Math.min(...m.samples);
      assert.ok(Math.abs(h.maxValue - max) <= max * 1e-3 + 1, `${m.name}: max ${h.maxValue} vs ${max}`);
      assert.ok(Math.abs(h.minNonZeroValue - min) <= min * 1e-3 + 1, `${m.name}: min ${h.minNonZeroValue} vs ${min}`);
    }
  });

  test('every sample is a finite, non-negative number and the checksum is 8 hex digits', () => {
    for (const m of out.metrics) {
      assert.ok(m.samples.length > 0, m.name);
      for (const x of m.samples) assert.ok(Number.isFinite(x) && x >= 0, `${m.name}: ${x}`);
    }
    assert.match(out.checksum, /^[0-9a-f]{8}$/);
    assert.deepEqual(out.ratios, {});
  });
});
