// Human forms of bench results: the table printed after each suite and the cells of the results
// README. One set of cell builders feeds both the aligned text table and the Markdown table, so
// the terminal and the README cannot disagree.

import { RATIO_IDS, type RatioRow } from '../../bench/suite.js';
import { formatCount } from '../report/summary.js';
import { formatNs } from '../stats/histogram.js';
import type { BenchMetric, BenchResult } from './result.js';

/** A number for people: integers with separators from 100 up, three significant digits below. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return formatCount(Math.round(x));
  if (a === 0) return '0';
  if (a < 0.001) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

const byteScales = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
] as const;

/** A value with its unit: nanoseconds and bytes auto-scaled, anything else as `1,234 ops/s`. */
export function formatValue(x: number, unit: string): string {
  if (unit === 'ns') return formatNs(x);
  if (unit === 'bytes') {
    for (const [u, b] of byteScales) if (Math.abs(x) >= b) return `${(x / b).toFixed(2)} ${u}`;
    return `${Math.round(x)} B`;
  }
  if (unit === 'ratio' || unit === '×') return formatRatio(x);
  return unit === '' ? formatNumber(x) : `${formatNumber(x)} ${unit}`;
}

/** A ratio as `4.20×`, `12.5×`, `150×`. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return String(r);
  const a = Math.abs(r);
  return `${a >= 100 ? r.toFixed(0) : a >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** `name {nodes=4, journalBlocks=1024}`: a metric's identity within its suite. */
export function metricLabel(m: Pick<BenchMetric, 'name' | 'params'>): string {
  const ps = Object.entries(m.params ?? {});
  return ps.length === 0 ? m.name : `${m.name} {${ps.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

export const ratioHeader = ['P', 'figure', 'value', 'baseline', 'ratio', 'target', 'met', 'spread'] as const;

/** One row per P-row, in P1…P9 order. */
export function ratioCells(ratios: BenchResult['ratios']): string[][] {
  const rows: string[][] = [];
  for (const id of RATIO_IDS) {
    const r: RatioRow | undefined = ratios[id];
    if (r === undefined) continue;
    rows.push([
      id,
      r.what,
      formatValue(r.value, r.unit),
      `${formatValue(r.baseline, r.unit)} (${r.baselineWhat})`,
      formatRatio(r.ratio),
      r.target,
      r.met ? 'yes' : 'NO',
      `${formatRatio(r.spread.min)}–${formatRatio(r.spread.max)} (n=${r.spread.samples})`,
    ]);
  }
  return rows;
}

export const metricHeader = ['metric', 'median', 'min–max', 'unit', 'n'] as const;

export function metricCells(metrics: readonly BenchMetric[]): string[][] {
  return metrics.map((m) => [
    metricLabel(m),
    formatValue(m.median, m.unit),
    `${formatValue(m.min, m.unit)} – ${formatValue(m.max, m.unit)}`,
    m.unit,
    String(m.samples.length),
  ]);
}

/** Aligned text columns; the first column left-aligned, the rest too (text cells mix words and numbers). */
export function textTable(header: readonly string[], rows: readonly string[][], indent = '  '): string {
  const all = [header as string[], ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => `${indent}${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd()).join('\n');
}

/** A GitHub-flavoured Markdown table (pipes in cells escaped). */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const line = (r: readonly string[]) => `| ${r.map(esc).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** The block printed after a suite finishes. */
export function formatBenchText(doc: BenchResult, file: string | null): string {
  const how = [doc.quick ? 'quick' : 'full', `seed ${doc.seed}`].join(', ');
  const lines = [
    `${doc.suite}: ${doc.state} in ${(doc.wallMs / 1000).toFixed(1)}s (${how}), checksum ${doc.checksum}${file !== null ? ` → ${file}` : ''}`,
  ];
  const ratios = ratioCells(doc.ratios);
  if (ratios.length > 0) lines.push(textTable(ratioHeader, ratios));
  if (doc.metrics.length > 0) lines.push(textTable(metricHeader, metricCells(doc.metrics)));
  if (ratios.length === 0 && doc.metrics.length === 0) lines.push('  (no metrics)');
  for (const n of doc.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}
