// The Mann–Whitney U test against values computed by hand and a textbook example.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mannWhitneyU, normalUpperTail, uDistribution } from '../../src/stats/mann-whitney.js';

describe('Mann–Whitney U', () => {
  test('the null distribution of U for 2+2 counts the six orderings', () => {
    // Orderings of a,a,b,b and U_a (pairs where an a comes after a b):
    // aabb 0, abab 1, abba 2, baab 2, baba 3, bbaa 4 → counts [1, 1, 2, 1, 1].
    assert.deepEqual(uDistribution(2, 2), [1, 1, 2, 1, 1]);
  });

  test('the null distribution sums to C(m+n, m) and is symmetric', () => {
    const c = uDistribution(7, 9);
    assert.equal(
      c.reduce((s, x) => s + x, 0),
      11440, // C(16, 7)
    );
    assert.deepEqual(c, [...c].reverse());
  });

  test('completely separated 3+3 samples give the exact two-sided p = 2/20', () => {
    // U_a = 0; only 1 of the C(6,3) = 20 orderings has U ≤ 0, so p = 2 · 1/20 = 0.1.
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    assert.equal(r.method, 'exact');
    assert.equal(r.uA, 0);
    assert.equal(r.uB, 9);
    assert.ok(Math.abs(r.p - 0.1) < 1e-12, `p = ${r.p}`);
  });

  test('completely separated 5+5 samples give p = 2/252', () => {
    const r = mannWhitneyU([10, 11, 12, 13, 14], [20, 21, 22, 23, 24]);
    assert.ok(Math.abs(r.p - 2 / 252) < 1e-12, `p = ${r.p}`);
  });

  test("Hollander & Wolfe's example (R's ?wilcox.test): W = 35, one-sided p = 0.1272", () => {
    // x: 10 values, y: 5 values, no ties; R prints W = 35, p-value = 0.1272 for
    // alternative = "greater", so the two-sided exact p is 2 · 0.1272 = 0.2544.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitneyU(x, y);
    assert.equal(r.uA, 35);
    assert.equal(r.method, 'exact');
    assert.ok(Math.abs(r.p - 0.2544) < 1e-4, `p = ${r.p}`);
  });

  test('ties use the normal approximation with tie and continuity corrections', () => {
    // a = 1 2 2 3 4, b = 3 4 5 5 6. Mid-ranks: 1→1, 2→2.5, 3→4.5, 4→6.5, 5→8.5, 6→10.
    // R_a = 1 + 2.5 + 2.5 + 4.5 + 6.5 = 17, U_a = 17 − 15 = 2.
    // Four tie groups of 2: Σ(t³ − t) = 24; σ² = 25/12 · (11 − 24/90) = 22.361, σ = 4.7288.
    // z = (|2 − 12.5| − 0.5) / 4.7288 = 2.1147; p = 2 · (1 − Φ(2.1147)) = 0.03445.
    const r = mannWhitneyU([1, 2, 2, 3, 4], [3, 4, 5, 5, 6]);
    assert.equal(r.method, 'normal');
    assert.equal(r.uA, 2);
    assert.ok(Math.abs(r.p - 0.03445) < 1e-4, `p = ${r.p}`);
  });

  test('identical samples are not different (p = 1)', () => {
    assert.equal(mannWhitneyU([5, 5, 5], [5, 5, 5]).p, 1);
    assert.equal(mannWhitneyU([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]).p, 1);
  });

  test('swapping the samples swaps U and keeps p', () => {
    const a = [3.1, 4.7, 2.2, 5.9, 4.1, 3.3];
    const b = [4.4, 6.1, 5.2, 7.0, 3.9];
    const r1 = mannWhitneyU(a, b);
    const r2 = mannWhitneyU(b, a);
    assert.equal(r1.uA, r2.uB);
    assert.ok(Math.abs(r1.p - r2.p) < 1e-12);
  });

  test('large samples without ties use the normal approximation', () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const b = Array.from({ length: 30 }, (_, i) => i + 100.5);
    const r = mannWhitneyU(a, b);
    assert.equal(r.method, 'normal');
    assert.ok(r.p < 1e-9, `p = ${r.p}`);
  });

  test('the normal upper tail matches tables: P(Z > 1.96) = 0.0250', () => {
    assert.ok(Math.abs(normalUpperTail(1.96) - 0.025) < 1e-4);
    assert.ok(Math.abs(normalUpperTail(0) - 0.5) < 1e-7);
  });
});
