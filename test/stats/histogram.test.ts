import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addEncoded,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  formatLatencyTable,
  formatNs,
  mergeEncoded,
  mergeSummaries,
  recordNs,
  summarize,
} from '../../src/stats/histogram.js';

/** A small deterministic PRNG (mulberry32) so the samples are the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-uniform latencies from 100 ns to 100 ms, like a mix of cached and contended ops. */
function samples(seed: number, n: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.round(100 * 10 ** (r() * 6)));
}

describe('HDR histograms', () => {
  test('an encoded histogram decodes to the same count and percentiles', () => {
    const h = createHistogram();
    for (const v of samples(1, 5000)) recordNs(h, v);
    const before = summarize(h);
    const after = summarize(decodeHistogram(encodeHistogram(h)));
    assert.deepEqual({ ...after, encoded: '' }, { ...before, encoded: '' });
    assert.equal(before.count, 5000);
  });

  test('merging encoded parts gives the count and percentiles of the union', () => {
    // Three "workers" record disjoint parts; one histogram records everything.
    const parts = [samples(2, 3000), samples(3, 1000), samples(4, 7)];
    const union = createHistogram();
    const encoded = parts.map((vals) => {
      const h = createHistogram();
      for (const v of vals) {
        recordNs(h, v);
        recordNs(union, v);
      }
      return encodeHistogram(h);
    });
    const merged = summarize(mergeEncoded(encoded));
    const expected = summarize(union);
    assert.equal(merged.count, 4007);
    for (const k of ['count', 'min', 'p50', 'p90', 'p99', 'p999', 'p9999', 'max'] as const) {
      assert.equal(merged[k], expected[k], k);
    }
    assert.equal(mergeSummaries(encoded.map((e) => summarize(decodeHistogram(e)))).p99, expected.p99);
  });

  test('adding into an existing histogram accumulates rather than replaces', () => {
    const a = createHistogram();
    recordNs(a, 1000);
    const b = createHistogram();
    recordNs(b, 5_000_000);
    addEncoded(a, encodeHistogram(b));
    assert.equal(a.totalCount, 2);
    assert.ok(summarize(a).max >= 5_000_000);
  });

  test('percentiles of a known distribution fall within HDR precision', () => {
    // 1..1000 µs uniformly: p50 = 500 µs, p99 = 990 µs, within 3 significant digits (0.1%).
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) recordNs(h, i * 1000);
    const s = summarize(h);
    assert.ok(Math.abs(s.p50 - 500_000) / 500_000 < 0.001, `p50 ${s.p50}`);
    assert.ok(Math.abs(s.p99 - 990_000) / 990_000 < 0.001, `p99 ${s.p99}`);
    assert.ok(s.p9999 <= s.max);
  });

  test('summary percentiles are exactly hdr getValueAtPercentile (capped at max), for odd shapes too', () => {
    // Seeded values over 1 ns .. ~70 s, including single-value and two-value histograms where
    // several percentiles fall in one bucket.
    let x = 12345;
    const next = () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x / 2 ** 32;
    };
    for (const n of [1, 2, 3, 10, 999, 5000]) {
      const h = createHistogram();
      for (let i = 0; i < n; i++) recordNs(h, Math.floor(Math.exp(next() * 25)));
      const s = summarize(h);
      const max = h.getValueAtPercentile(100);
      const want = [0, 50, 90, 99, 99.9, 99.99].map((p) => Math.min(h.getValueAtPercentile(p), max));
      assert.deepEqual([s.min, s.p50, s.p90, s.p99, s.p999, s.p9999, s.max], [...want, max], `${n} values`);
    }
  });

  test('an empty histogram summarises to zeros', () => {
    const s = summarize(createHistogram());
    assert.equal(s.count, 0);
    assert.equal(s.p99, 0);
    assert.equal(decodeHistogram(s.encoded).totalCount, 0);
  });

  test('formatNs scales units like wrk2', () => {
    assert.equal(formatNs(850), '850ns');
    assert.equal(formatNs(12_345), '12.35µs');
    assert.equal(formatNs(1_210_000), '1.21ms');
    assert.equal(formatNs(2_500_000_000), '2.50s');
    assert.equal(formatNs(90e9), '1m30.00s');
  });

  test('the latency table has the p50 p90 p99 p99.9 p99.99 max columns', () => {
    const h = createHistogram();
    recordNs(h, 1000);
    const t = formatLatencyTable({ op: summarize(h) });
    assert.match(t, /count\s+p50\s+p90\s+p99\s+p99\.9\s+p99\.99\s+max/);
    assert.match(t, /op\s+1\s+1\.00µs/);
  });
});
