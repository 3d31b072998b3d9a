// Latency histograms: a thin layer over hdr-histogram-js, in nanoseconds.
//
// Choices, and why:
// - `useWebAssembly: false`, always. The WASM build must be initialised per thread
//   (initWebAssembly) and keeps its memory outside the JS heap, to be freed by destroy(); the
//   pure-JS histogram needs neither, behaves the same on Node 20/22/24 and inside worker
//   threads, and recording is not the bottleneck here.
// - 64-bit-float buckets (`bitBucketSize: 64`): counts stay exact up to 2^53, so merging many
//   workers' or soak seeds' histograms cannot overflow a 32-bit bucket.
// - Three significant digits and auto-resize from 1 ns: any latency from 1 ns to hours.
// - Histograms cross threads and files as the standard compressed base64 V2 encoding (the
//   HdrHistogram format other tools read); merging decodes and adds, as autocannon does.

import hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

const buildRequest = {
  bitBucketSize: 64,
  autoResize: true,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 2,
  numberOfSignificantValueDigits: 3,
  useWebAssembly: false,
} as const satisfies hdr.BuildRequest;

/** The percentiles every latency report shows, as fio and wrk2 print them. */
export interface LatencySummary {
  /** Values recorded. */
  readonly count: number;
  /** Unit of every value below. */
  readonly unit: 'ns';
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly p9999: number;
  readonly max: number;
  /** The whole histogram, HdrHistogram V2 compressed base64; decodeHistogram() reads it back. */
  readonly encoded: string;
}

/** A fresh, empty nanosecond histogram. */
export function createHistogram(): Histogram {
  return hdr.build(buildRequest);
}

/** Record one latency in nanoseconds (negative or non-finite values are clamped to 0 / ignored). */
export function recordNs(h: Histogram, ns: number): void {
  if (!Number.isFinite(ns)) return;
  h.recordValue(ns <= 0 ? 0 : Math.round(ns));
}

/** Encode as HdrHistogram V2 compressed base64. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decode a compressed base64 histogram (from encodeHistogram or any HdrHistogram tool). */
export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, buildRequest.bitBucketSize, false);
}

/** Add an encoded histogram into `into` (which auto-resizes to hold it). */
export function addEncoded(into: Histogram, encoded: string): void {
  if (encoded === '') return;
  into.add(decodeHistogram(encoded));
}

/** Merge any number of encoded histograms into a new one. */
export function mergeEncoded(encoded: Iterable<string>): Histogram {
  const h = createHistogram();
  for (const e of encoded) addEncoded(h, e);
  return h;
}

/** The pure-JS histogram's counts, which its class exposes but the Histogram interface does not. */
interface CountsView {
  readonly countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  medianEquivalentValue(value: number): number;
  lowestEquivalentValue(value: number): number;
  highestEquivalentValue(value: number): number;
}

/** hdr's ulp (dist/ulp.js), for its percentile → count rounding. */
function ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52);
}

/** The percentiles summarize() reports, ascending. */
const SUMMARY_PERCENTILES = [0, 50, 90, 99, 99.9, 99.99, 100] as const;

/**
 * `h.getValueAtPercentile(p)` for each of `ps` (ascending) into `out`, exactly as hdr computes
 * it (same count rounding, same equivalent-value choice), in one pass over the counts instead
 * of one per percentile: summarising a run's dozen histograms walked their counts ~70 times.
 */
function valuesAtPercentiles(h: Histogram, ps: readonly number[], out: number[]): void {
  const c = h as unknown as Partial<CountsView>;
  const total = h.totalCount;
  const targets: number[] = [];
  for (const p of ps) {
    const fp = (Math.min(p, 100) / 100) * total;
    targets.push(Math.max(Math.ceil(fp - ulp(fp)), 1));
  }
  let ascending = true;
  for (let j = 1; j < targets.length; j++) if ((targets[j] as number) < (targets[j - 1] as number)) ascending = false;
  if (!ascending || typeof c.getCountAtIndex !== 'function' || typeof c.countsArrayLength !== 'number') {
    for (let j = 0; j < ps.length; j++) out[j] = h.getValueAtPercentile(ps[j] as number);
    return;
  }
  const v = c as CountsView;
  let j = 0;
  let sum = 0;
  for (let i = 0; i < v.countsArrayLength && j < ps.length; i++) {
    sum += v.getCountAtIndex(i);
    while (j < ps.length && sum >= (targets[j] as number)) {
      const value = v.valueFromIndex(i);
      out[j] = ps[j] === 0 ? v.lowestEquivalentValue(value) : v.highestEquivalentValue(value);
      j++;
    }
  }
  for (; j < ps.length; j++) out[j] = 0;
}

/**
 * The mean exactly as hdr's `mean` getter computes it (each count at its bucket's median-
 * equivalent value, summed in value order), in one pass over the counts that stops at the last
 * value. The getter walks an iterator object that costs ~10× as much, and every run summarises
 * a dozen histograms: in a short simulator seed that was 7 % of the time (bench P7 profile).
 */
function meanOf(h: Histogram): number {
  const c = h as unknown as Partial<CountsView>;
  if (typeof c.getCountAtIndex !== 'function' || typeof c.countsArrayLength !== 'number') return h.mean;
  const v = c as CountsView;
  const total = h.totalCount;
  let seen = 0;
  let sum = 0;
  for (let i = 0; i < v.countsArrayLength && seen < total; i++) {
    const n = v.getCountAtIndex(i);
    if (n === 0) continue;
    sum += v.medianEquivalentValue(v.valueFromIndex(i)) * n;
    seen += n;
  }
  return sum / total;
}

/** Percentile summary (and the encoding) of a histogram. An empty histogram gives zeros. */
export function summarize(h: Histogram): LatencySummary {
  const count = h.totalCount;
  if (count === 0) {
    return {
      count: 0,
      unit: 'ns',
      min: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p99: 0,
      p999: 0,
      p9999: 0,
      max: 0,
      encoded: encodeHistogram(h),
    };
  }
  // Every figure is a bucket's highest equivalent value, max included (as HdrHistogram's
  // getMaxValue and wrk2's hdr_max report it): the exact largest value does not survive
  // encoding, so this keeps a summary identical before and after an encode/merge round trip.
  const q: number[] = [];
  valuesAtPercentiles(h, SUMMARY_PERCENTILES, q);
  const max = q[6] as number;
  const at = (j: number) => Math.min(q[j] as number, max);
  return {
    count,
    unit: 'ns',
    min: q[0] as number,
    mean: meanOf(h),
    p50: at(1),
    p90: at(2),
    p99: at(3),
    p999: at(4),
    p9999: at(5),
    max,
    encoded: encodeHistogram(h),
  };
}

/** Summaries of encoded histograms merged by name (e.g. per-node `op` histograms → one). */
export function mergeSummaries(parts: Iterable<LatencySummary>): LatencySummary {
  const encoded: string[] = [];
  for (const p of parts) encoded.push(p.encoded);
  return summarize(mergeEncoded(encoded));
}

const scales = [
  { unit: 's', ns: 1e9 },
  { unit: 'ms', ns: 1e6 },
  { unit: 'µs', ns: 1e3 },
] as const;

/**
 * A nanosecond value with an auto-scaled unit and two decimals, as wrk2 prints latencies:
 * `850ns`, `12.35µs`, `1.21ms`, `2.50s`; minutes and hours beyond 60 s (`1m30.00s`).
 */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const a = Math.abs(ns);
  if (a >= 60e9) {
    const totalS = ns / 1e9;
    const h = Math.floor(totalS / 3600);
    const m = Math.floor((totalS - h * 3600) / 60);
    const s = totalS - h * 3600 - m * 60;
    return `${h > 0 ? `${h}h` : ''}${m}m${s.toFixed(2)}s`;
  }
  for (const sc of scales) {
    if (a >= sc.ns) return `${(ns / sc.ns).toFixed(2)}${sc.unit}`;
  }
  return `${Math.round(ns)}ns`;
}

/** The percentile labels and keys, in print order. */
export const percentileColumns = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['p99.99', 'p9999'],
  ['max', 'max'],
] as const;

/**
 * A wrk2-style distribution block for one histogram:
 * ```
 *   50.000%    1.21ms
 *   90.000%    2.05ms
 *   ...
 *  100.000%    9.80ms
 * ```
 */
export function formatDistribution(s: LatencySummary): string {
  const rows: Array<[string, number]> = [
    ['50.000%', s.p50],
    ['90.000%', s.p90],
    ['99.000%', s.p99],
    ['99.900%', s.p999],
    ['99.990%', s.p9999],
    ['100.000%', s.max],
  ];
  return rows.map(([label, v]) => `${label.padStart(9)} ${formatNs(v).padStart(10)}`).join('\n');
}

/** One row per histogram: name, count, p50 … max, auto-scaled; empty string when there are none. */
export function formatLatencyTable(latency: Readonly<Record<string, LatencySummary>>, indent = '  '): string {
  const names = Object.keys(latency);
  if (names.length === 0) return '';
  const header = ['', 'count', ...percentileColumns.map(([label]) => label)];
  const rows: string[][] = [header];
  for (const name of names) {
    const s = latency[name];
    if (s === undefined) continue;
    rows.push([name, String(s.count), ...percentileColumns.map(([, key]) => (s.count === 0 ? '-' : formatNs(s[key])))]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r) =>
        indent + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}
