// The result document of one benchmark suite (results/<suite>-<date>.json) and of a whole
// `bench` invocation (--json). A suite's output is checked here before anything is written: a
// non-finite figure or a metric without samples is a bug in the suite (exit 70), never a number
// in a results table. Median, min and max are computed here from the samples, so every stored
// summary agrees with its samples.

import { median, RATIO_IDS, type RatioId, type RatioRow, type SuiteName, type SuiteOutput } from '../../bench/suite.js';
import { type EnvInfo, SCHEMA_VERSION, type ToolInfo } from '../report/result.js';

/** A metric as stored: the suite's samples plus their summary. */
export interface BenchMetric {
  readonly name: string;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly params: Readonly<Record<string, number | string>>;
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** HDR histogram, compressed base64 (src/stats/histogram.ts), when the suite gave one. */
  readonly histogram: string | null;
}

/** `interrupted`: Ctrl-C during the suite; the figures are what was measured up to then. */
export type BenchState = 'completed' | 'interrupted';

export interface BenchResult {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'bench';
  readonly state: BenchState;
  readonly suite: SuiteName;
  readonly tool: ToolInfo;
  readonly env: EnvInfo;
  /** argv after `node`, e.g. ["gfs2-stress", "bench", "all", "--quick"]. */
  readonly command: readonly string[];
  readonly seed: number;
  readonly quick: boolean;
  /** ISO 8601 wall-clock start of this suite. */
  readonly startedAt: string;
  readonly wallMs: number;
  /** The parameters the suite reported (SuiteOutput.config), or null. */
  readonly config: Readonly<Record<string, unknown>> | null;
  readonly metrics: readonly BenchMetric[];
  readonly ratios: Readonly<Partial<Record<RatioId, RatioRow>>>;
  readonly checksum: string;
  readonly notes: readonly string[];
}

/** What `bench --json` prints: every suite's document of this invocation. */
export interface BenchRunDocument {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly kind: 'bench-run';
  readonly state: BenchState;
  readonly tool: ToolInfo;
  readonly env: EnvInfo;
  readonly command: readonly string[];
  readonly seed: number;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly wallMs: number;
  /** Files written, in suite order. */
  readonly files: readonly string[];
  readonly suites: readonly BenchResult[];
}

/** The metadata of a suite run that does not come from the suite. */
export interface BenchMeta {
  readonly suite: SuiteName;
  readonly state: BenchState;
  readonly tool: ToolInfo;
  readonly env: EnvInfo;
  readonly command: readonly string[];
  readonly seed: number;
  readonly quick: boolean;
  readonly startedAt: Date;
  readonly wallMs: number;
}

/** A suite returned something that breaks the contract of bench/suite.ts: a bug, exit 70. */
export class SuiteOutputError extends Error {
  constructor(suite: string, detail: string) {
    super(`suite ${suite} returned a malformed result: ${detail}`);
    this.name = 'SuiteOutputError';
  }
}

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Why a metric breaks the contract, or null when it is sound. */
function metricProblem(m: unknown): string | null {
  if (m === null || typeof m !== 'object') return `expected a metric object, received ${String(m)}`;
  const o = m as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '')
    return `expected a non-empty name, received ${JSON.stringify(o.name)}`;
  const at = `metric ${o.name}`;
  if (typeof o.unit !== 'string') return `${at}: expected a unit string, received ${JSON.stringify(o.unit)}`;
  if (o.better !== 'lower' && o.better !== 'higher')
    return `${at}: expected better 'lower' or 'higher', received ${JSON.stringify(o.better)}`;
  if (!Array.isArray(o.samples) || o.samples.length === 0)
    return `${at}: expected at least one sample, received ${Array.isArray(o.samples) ? 'none' : JSON.stringify(o.samples)}`;
  const bad = o.samples.findIndex((x) => !isFiniteNumber(x));
  if (bad >= 0) return `${at}: expected finite samples, received ${String(o.samples[bad])} at index ${bad}`;
  if (o.histogram !== undefined && typeof o.histogram !== 'string')
    return `${at}: expected histogram as a base64 string, received ${typeof o.histogram}`;
  if (o.params !== undefined) {
    if (o.params === null || typeof o.params !== 'object') return `${at}: expected params as an object`;
    for (const [k, v] of Object.entries(o.params))
      if (typeof v !== 'string' && !isFiniteNumber(v))
        return `${at}: expected param ${k} to be a string or finite number, received ${String(v)}`;
  }
  return null;
}

/** Why a P-row breaks the contract, or null. */
function ratioProblem(id: string, r: unknown): string | null {
  if (!(RATIO_IDS as readonly string[]).includes(id)) return `expected ratio ids P1…P9, received ${JSON.stringify(id)}`;
  if (r === null || typeof r !== 'object') return `${id}: expected a RatioRow object, received ${String(r)}`;
  const o = r as Record<string, unknown>;
  for (const k of ['value', 'baseline', 'ratio'] as const)
    if (!isFiniteNumber(o[k])) return `${id}: expected a finite ${k}, received ${String(o[k])}`;
  for (const k of ['what', 'baselineWhat', 'unit', 'target'] as const)
    if (typeof o[k] !== 'string') return `${id}: expected ${k} as a string, received ${JSON.stringify(o[k])}`;
  if (typeof o.met !== 'boolean') return `${id}: expected met as a boolean, received ${JSON.stringify(o.met)}`;
  const s = o.spread as Record<string, unknown> | undefined;
  if (s === undefined || s === null || !isFiniteNumber(s.min) || !isFiniteNumber(s.max) || !isFiniteNumber(s.samples))
    return `${id}: expected spread { min, max, samples } of finite numbers, received ${JSON.stringify(s ?? null)}`;
  return null;
}

/**
 * Check a suite's output and turn it into its result document. A malformed output throws
 * SuiteOutputError; except when the suite was interrupted, where an incomplete metric or P-row
 * is expected and is dropped with a note instead.
 */
export function buildBenchResult(out: SuiteOutput, meta: BenchMeta): BenchResult {
  const lenient = meta.state === 'interrupted';
  const notes: string[] = [];
  if (out === null || typeof out !== 'object')
    throw new SuiteOutputError(meta.suite, `expected a SuiteOutput object, received ${String(out)}`);
  if (!Array.isArray(out.metrics))
    throw new SuiteOutputError(meta.suite, `expected metrics as an array, received ${typeof out.metrics}`);
  if (typeof out.checksum !== 'string')
    throw new SuiteOutputError(meta.suite, `expected checksum as a string, received ${typeof out.checksum}`);
  const metrics: BenchMetric[] = [];
  for (const m of out.metrics) {
    const problem = metricProblem(m);
    if (problem !== null) {
      if (!lenient) throw new SuiteOutputError(meta.suite, problem);
      notes.push(`interrupted: dropped ${problem}`);
      continue;
    }
    const samples = [...m.samples];
    metrics.push({
      name: m.name,
      unit: m.unit,
      better: m.better,
      params: { ...(m.params ?? {}) },
      samples,
      median: median(samples),
      min: Math.min(...samples),
      max: Math.max(...samples),
      histogram: m.histogram ?? null,
    });
  }
  const ratios: Partial<Record<RatioId, RatioRow>> = {};
  if (out.ratios === null || typeof out.ratios !== 'object')
    throw new SuiteOutputError(meta.suite, `expected ratios as an object, received ${String(out.ratios)}`);
  for (const [id, row] of Object.entries(out.ratios)) {
    const problem = ratioProblem(id, row);
    if (problem !== null) {
      if (!lenient) throw new SuiteOutputError(meta.suite, problem);
      notes.push(`interrupted: dropped ${problem}`);
      continue;
    }
    ratios[id as RatioId] = row as RatioRow;
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'bench',
    state: meta.state,
    suite: meta.suite,
    tool: meta.tool,
    env: meta.env,
    command: meta.command,
    seed: meta.seed,
    quick: meta.quick,
    startedAt: meta.startedAt.toISOString(),
    wallMs: meta.wallMs,
    config: out.config ?? null,
    metrics,
    ratios,
    checksum: out.checksum,
    notes: [...(out.notes ?? []), ...notes],
  };
}

/** `YYYY-MM-DD` of a date, in UTC (the same calendar as startedAt's ISO string). */
export function dateStamp(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The file a suite's result goes to: `<suite>-<YYYY-MM-DD>.json`; a second run that day replaces it. */
export function resultFileName(suite: SuiteName, startedAt: Date): string {
  return `${suite}-${dateStamp(startedAt)}.json`;
}
