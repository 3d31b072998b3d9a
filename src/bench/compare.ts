// `compare A B`: per metric (matched by suite, name and params) the two medians, the relative
// change and a significance mark, as benchstat prints them. The test is Mann–Whitney U over the
// repeated samples: p ≥ alpha prints `~` (the change is within the noise of the samples);
// otherwise the change is marked better or worse by the metric's `better`. P-rows are ratios
// with no repeated samples of their own, so they get the relative change and met → met only.
// Run documents (kind 'run') have one figure per quantity: their deltas are shown untested.

import { RATIO_IDS } from '../../bench/suite.js';
import { UsageError } from '../config/errors.js';
import type { RunResult } from '../report/result.js';
import { percentileColumns } from '../stats/histogram.js';
import { mannWhitneyU } from '../stats/mann-whitney.js';
import { formatRatio, formatValue, metricLabel, textTable } from './format.js';
import type { ResultDocument } from './parse.js';
import type { BenchResult } from './result.js';

export type Verdict = 'better' | 'worse' | 'same' | 'untested';

export interface MetricDelta {
  readonly suite: string;
  readonly name: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly a: { readonly median: number; readonly n: number };
  readonly b: { readonly median: number; readonly n: number };
  /** (B − A) / A × 100; null when A is 0. */
  readonly deltaPct: number | null;
  /** Two-sided Mann–Whitney p-value; null when a side has a single sample (nothing to test). */
  readonly p: number | null;
  readonly verdict: Verdict;
}

export interface RatioDelta {
  readonly suite: string;
  readonly id: string;
  readonly what: string;
  readonly a: { readonly ratio: number; readonly met: boolean; readonly target: string };
  readonly b: { readonly ratio: number; readonly met: boolean; readonly target: string };
  readonly deltaPct: number | null;
}

export interface Comparison {
  readonly kind: 'compare';
  readonly a: string;
  readonly b: string;
  readonly alpha: number;
  readonly metrics: readonly MetricDelta[];
  readonly ratios: readonly RatioDelta[];
  /** Metrics or P-rows present on one side only, as `suite: label`. */
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
}

interface Sampled {
  readonly suite: string;
  readonly name: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly samples: readonly number[];
  readonly median: number;
}

const keyOf = (m: Pick<Sampled, 'suite' | 'name' | 'params'>): string =>
  `${m.suite}\0${m.name}\0${JSON.stringify(Object.entries(m.params).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))}`;

function pct(a: number, b: number): number | null {
  return a === 0 ? null : ((b - a) / Math.abs(a)) * 100;
}

/** Compare two sampled quantities. */
export function compareSamples(a: Sampled, b: Sampled, alpha: number): MetricDelta {
  const base = {
    suite: a.suite,
    name: a.name,
    params: a.params,
    unit: a.unit,
    better: a.better,
    a: { median: a.median, n: a.samples.length },
    b: { median: b.median, n: b.samples.length },
    deltaPct: pct(a.median, b.median),
  };
  if (a.samples.length < 2 && b.samples.length < 2) return { ...base, p: null, verdict: 'untested' };
  const { p } = mannWhitneyU(a.samples, b.samples);
  if (p >= alpha || b.median === a.median) return { ...base, p, verdict: 'same' };
  const lower = b.median < a.median;
  return { ...base, p, verdict: lower === (a.better === 'lower') ? 'better' : 'worse' };
}

function benchSampled(docs: readonly BenchResult[]): Sampled[] {
  return docs.flatMap((d) =>
    d.metrics.map((m) => ({
      suite: d.suite,
      name: m.name,
      params: m.params ?? {},
      unit: m.unit,
      better: m.better,
      samples: m.samples,
      median: m.median,
    })),
  );
}

/** A run's single figures: throughput and each latency histogram's percentiles. */
function runSampled(r: RunResult): Sampled[] {
  const one = (name: string, unit: string, better: 'lower' | 'higher', v: number): Sampled => ({
    suite: 'run',
    name,
    params: {},
    unit,
    better,
    samples: [v],
    median: v,
  });
  const out = [one('totals.opsPerSec', 'ops/s', 'higher', r.totals.opsPerSec)];
  for (const [name, s] of Object.entries(r.latency))
    for (const [label, key] of percentileColumns) out.push(one(`latency.${name}.${label}`, 'ns', 'lower', s[key]));
  return out;
}

function describeSuites(d: ResultDocument): string {
  return d.kind === 'run'
    ? 'a run result'
    : `suite${d.suites.length === 1 ? '' : 's'} ${d.suites.map((s) => s.suite).join(', ')}`;
}

/** Compare two parsed documents (throws UsageError when they cannot be compared). */
export function compareDocuments(
  a: ResultDocument,
  b: ResultDocument,
  names: { a: string; b: string },
  alpha: number,
): Comparison {
  if (a.kind !== b.kind)
    throw new UsageError(
      `expected two documents of the same kind, received ${describeSuites(a)} (${names.a}) and ${describeSuites(b)} (${names.b})`,
    );
  let sa: Sampled[];
  let sb: Sampled[];
  const ratios: RatioDelta[] = [];
  const onlyInA: string[] = [];
  const onlyInB: string[] = [];
  if (a.kind === 'run' && b.kind === 'run') {
    sa = runSampled(a.run);
    sb = runSampled(b.run);
  } else if (a.kind === 'bench' && b.kind === 'bench') {
    const common = a.suites.filter((s) => b.suites.some((t) => t.suite === s.suite)).map((s) => s.suite);
    if (common.length === 0)
      throw new UsageError(
        `expected results of the same suite, received ${describeSuites(a)} (${names.a}) and ${describeSuites(b)} (${names.b})`,
      );
    const da = a.suites.filter((s) => common.includes(s.suite));
    const db = b.suites.filter((s) => common.includes(s.suite));
    sa = benchSampled(da);
    sb = benchSampled(db);
    for (const x of da) {
      const y = db.find((d) => d.suite === x.suite) as BenchResult;
      for (const id of RATIO_IDS) {
        const ra = x.ratios[id];
        const rb = y.ratios[id];
        if (ra !== undefined && rb !== undefined)
          ratios.push({
            suite: x.suite,
            id,
            what: ra.what,
            a: { ratio: ra.ratio, met: ra.met, target: ra.target },
            b: { ratio: rb.ratio, met: rb.met, target: rb.target },
            deltaPct: pct(ra.ratio, rb.ratio),
          });
        else if (ra !== undefined) onlyInA.push(`${x.suite}: ${id}`);
        else if (rb !== undefined) onlyInB.push(`${x.suite}: ${id}`);
      }
    }
  } else {
    throw new UsageError('expected two documents of the same kind'); // unreachable: kinds checked above
  }
  const byKey = new Map(sb.map((m) => [keyOf(m), m]));
  const metrics: MetricDelta[] = [];
  for (const m of sa) {
    const other = byKey.get(keyOf(m));
    if (other === undefined) onlyInA.push(`${m.suite}: ${metricLabel(m)}`);
    else metrics.push(compareSamples(m, other, alpha));
  }
  const inA = new Set(sa.map(keyOf));
  for (const m of sb) if (!inA.has(keyOf(m))) onlyInB.push(`${m.suite}: ${metricLabel(m)}`);
  return { kind: 'compare', a: names.a, b: names.b, alpha, metrics, ratios, onlyInA, onlyInB };
}

/** The smallest two-sided p the exact test can give with these sample counts: 2 / C(na+nb, na). */
export function smallestP(na: number, nb: number): number {
  let c = 1;
  for (let i = 1; i <= na; i++) c = (c * (nb + i)) / i;
  return Math.min(1, 2 / c);
}

function formatPct(x: number | null): string {
  if (x === null) return 'n/a';
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}

/** The delta column: `~ (p=0.690 n=5+5)` or `-13.2% better (p=0.008 n=5+5)`. */
export function deltaCell(d: MetricDelta): string {
  const n = `n=${d.a.n}+${d.b.n}`;
  if (d.verdict === 'untested') return `${formatPct(d.deltaPct)} (${n}, untested)`;
  const p = `p=${(d.p as number).toFixed(3)} ${n}`;
  return d.verdict === 'same' ? `~ (${p})` : `${formatPct(d.deltaPct)} ${d.verdict} (${p})`;
}

/** The human table of a comparison. */
export function formatComparison(c: Comparison): string {
  const lines = [`A: ${c.a}`, `B: ${c.b}`, `(~: no significant difference, Mann–Whitney U, alpha ${c.alpha})`];
  if (c.metrics.length > 0) {
    const rows = c.metrics.map((d) => [
      d.suite === 'run' ? metricLabel(d) : `${d.suite}: ${metricLabel(d)}`,
      formatValue(d.a.median, d.unit),
      formatValue(d.b.median, d.unit),
      deltaCell(d),
    ]);
    lines.push(textTable(['metric', 'A', 'B', 'delta'], rows));
    const blind = c.metrics.filter((d) => d.p !== null && smallestP(d.a.n, d.b.n) >= c.alpha);
    if (blind.length > 0)
      lines.push(
        `  note: ${blind.length} metric(s) have too few samples for any change to reach p < ${c.alpha} (e.g. 3+3 gives p ≥ 0.1); use full runs, not --quick`,
      );
  }
  if (c.ratios.length > 0) {
    const rows = c.ratios.map((r) => [
      `${r.suite}: ${r.id}`,
      r.what,
      formatRatio(r.a.ratio),
      formatRatio(r.b.ratio),
      formatPct(r.deltaPct),
      `${r.b.target}`,
      `${r.a.met ? 'met' : 'MISSED'} → ${r.b.met ? 'met' : 'MISSED'}`,
    ]);
    lines.push(textTable(['P', 'figure', 'A', 'B', 'delta', 'target', 'A → B'], rows));
  }
  if (c.metrics.length === 0 && c.ratios.length === 0) lines.push('  (no metric or P-row in both)');
  if (c.onlyInA.length > 0) lines.push(`only in A: ${c.onlyInA.join('; ')}`);
  if (c.onlyInB.length > 0) lines.push(`only in B: ${c.onlyInB.join('; ')}`);
  return `${lines.join('\n')}\n`;
}
