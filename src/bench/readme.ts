// results/README.md, rebuilt after every bench run from all bench result documents in the
// directory (other files and subdirectories are ignored), so the README always matches the JSON
// beside it. Everything above the `<!-- generated -->` marker is hand-written and kept as is;
// everything below is replaced. The text depends only on the documents (no "generated at"
// time), so regenerating from the same files gives the same bytes.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RATIO_IDS, SUITE_NAMES } from '../../bench/suite.js';
import { formatRatio, markdownTable, metricCells, metricHeader, ratioCells, ratioHeader } from './format.js';
import { tryParseBenchResult } from './parse.js';
import type { BenchResult } from './result.js';

export const GENERATED_MARKER = '<!-- generated -->';

export const DEFAULT_HEADER = `# Benchmark results

Written by \`gfs2-stress bench\` (\`npm run bench\`): one \`<suite>-<YYYY-MM-DD>.json\` per suite and
day (UTC; a second run on the same day replaces it). Every headline figure (P1…P9) is a ratio to a
baseline measured in the same run. Compare two runs with
\`gfs2-stress compare results/micro-A.json results/micro-B.json\`.

Notes written above the marker below are kept; everything below it is regenerated.
`;

export interface ResultFile {
  /** File name within the results directory. */
  readonly file: string;
  readonly doc: BenchResult;
}

/** Every bench suite document directly in `dir` (non-bench JSON, other files and subdirectories skipped). */
export function readBenchResults(dir: string): ResultFile[] {
  const out: ResultFile[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const path = join(dir, file);
    if (!statSync(path).isFile()) continue;
    const doc = tryParseBenchResult(readFileSync(path, 'utf8'));
    if (doc !== null) out.push({ file, doc });
  }
  return out;
}

/** The hand-written part of an existing README: up to and including the marker (all of it if there is no marker). */
export function readmeHeader(existing: string | null): string {
  if (existing === null || existing.trim() === '') return `${DEFAULT_HEADER}\n${GENERATED_MARKER}\n`;
  const at = existing.indexOf(GENERATED_MARKER);
  if (at < 0) return `${existing.trimEnd()}\n\n${GENERATED_MARKER}\n`;
  return `${existing.slice(0, at + GENERATED_MARKER.length)}\n`;
}

function machine(d: BenchResult): string {
  const e = d.env;
  const gib = (e.totalMemoryBytes / 1024 ** 3).toFixed(1);
  return `${e.os} (${e.platform} ${e.arch}), ${e.cpuModel}, ${e.cpus} CPUs, ${gib} GiB, Node ${e.node} (V8 ${e.v8})`;
}

/** Where and how a document was made: printed once when every suite shares it, else per suite. */
function provenance(d: BenchResult): string {
  return `Machine: ${machine(d)}  \nCommand: \`${d.command.join(' ')}\``;
}

function latestSection(f: ResultFile, shared: boolean): string {
  const d = f.doc;
  const parts = [
    `\`${f.file}\` — ${d.state}, started ${d.startedAt}, ${d.quick ? 'quick' : 'full'}, seed ${d.seed}, ` +
      `${(d.wallMs / 1000).toFixed(1)} s, ${d.tool.name} ${d.tool.version}, checksum \`${d.checksum}\`${shared ? '' : '  '}`,
  ];
  if (!shared) parts.push(provenance(d));
  const ratios = ratioCells(d.ratios);
  if (ratios.length > 0) parts.push('', markdownTable(ratioHeader, ratios));
  if (d.metrics.length > 0) parts.push('', markdownTable(metricHeader, metricCells(d.metrics)));
  if (ratios.length === 0 && d.metrics.length === 0) parts.push('', '_No metrics._');
  if (d.notes.length > 0) parts.push('', ...d.notes.map((n) => `- ${n}`));
  return parts.join('\n');
}

/** Older documents of a suite: one row each, with the ratio and met of each P-row the suite owns. */
function historyTable(files: readonly ResultFile[]): string {
  const ids = RATIO_IDS.filter((id) => files.some((f) => f.doc.ratios[id] !== undefined));
  const rows = files.map((f) => [
    `\`${f.file}\``,
    f.doc.startedAt,
    f.doc.quick ? 'quick' : 'full',
    ...ids.map((id) => {
      const r = f.doc.ratios[id];
      return r === undefined ? '–' : `${formatRatio(r.ratio)} ${r.met ? 'met' : 'MISSED'}`;
    }),
  ]);
  return markdownTable(['file', 'started', 'size', ...ids], rows);
}

/** The whole README: the kept header, then per suite its latest document in full and a history of older ones. */
export function renderReadme(existing: string | null, files: readonly ResultFile[]): string {
  const parts = [readmeHeader(existing)];
  if (files.length === 0) parts.push('_No bench results in this directory yet._\n');
  const bySuite = SUITE_NAMES.map((suite) =>
    files
      .filter((f) => f.doc.suite === suite)
      .sort((a, b) => (a.doc.startedAt < b.doc.startedAt ? 1 : a.doc.startedAt > b.doc.startedAt ? -1 : 0)),
  ).filter((mine) => mine.length > 0);
  const latest = bySuite.map((mine) => (mine[0] as ResultFile).doc);
  const shared = latest.length > 0 && new Set(latest.map(provenance)).size === 1;
  if (shared) parts.push(`${provenance(latest[0] as BenchResult)}\n`);
  for (const [first, ...older] of bySuite) {
    if (first === undefined) continue;
    parts.push(`## ${first.doc.suite}\n\n${latestSection(first, shared)}\n`);
    if (older.length > 0) parts.push(`### Earlier ${first.doc.suite} results\n\n${historyTable(older)}\n`);
  }
  return parts.join('\n');
}
