// Runs benchmark suites in order and records them: each suite's output is validated, written to
// <out>/<suite>-<date>.json as soon as it finishes (so an interrupt or a later crash loses only
// the suite in progress), and <out>/README.md is regenerated from every result in the directory
// at the end, whatever happened. The runner times only the suite as a whole (wallMs); the
// figures are the suite's own.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, Suite, SuiteName, SuiteOutput } from '../../bench/suite.js';
import { toJson } from '../report/json.js';
import { collectEnv, SCHEMA_VERSION, toolInfo } from '../report/result.js';
import { readBenchResults, renderReadme } from './readme.js';
import {
  type BenchResult,
  type BenchRunDocument,
  buildBenchResult,
  resultFileName,
  SuiteOutputError,
} from './result.js';

/** Where a suite comes from: bench/<name>/index.js's `suite` in the tool; a fake in tests. */
export type SuiteLoader = (name: SuiteName) => Promise<Suite>;

export const loadSuite: SuiteLoader = async (name) => {
  const mod = (await import(`../../bench/${name}/index.js`)) as { suite?: unknown };
  if (typeof mod.suite !== 'function')
    throw new SuiteOutputError(
      name,
      `expected bench/${name}/index.js to export a function 'suite', received ${typeof mod.suite}`,
    );
  return mod.suite as Suite;
};

export interface BenchRunOptions {
  readonly parts: readonly SuiteName[];
  readonly quick: boolean;
  readonly seed: number;
  /** Directory for the JSON files and README.md; created if missing. */
  readonly outDir: string;
  /** argv after `node`, stored in every document. */
  readonly command: readonly string[];
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
  /** Aborted on Ctrl-C: the running suite stops at a sample boundary; later suites are skipped. */
  readonly signal?: AbortSignal;
  readonly loadSuite?: SuiteLoader;
  /** Called after each suite's document is written (to print its table). */
  readonly onSuiteDone?: (doc: BenchResult, path: string) => void;
}

export interface BenchRunOutcome {
  readonly document: BenchRunDocument;
  readonly readmePath: string;
}

/** Write via a temporary name and rename, so a reader never sees half a file. */
function writeFileAtomic(path: string, dir: string, name: string, text: string): void {
  const tmp = join(dir, `tmp-${process.pid}-${name}`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Rebuild <dir>/README.md from every bench result in `dir`; returns its path. */
export function regenerateReadme(dir: string): string {
  const path = join(dir, 'README.md');
  let existing: string | null = null;
  try {
    existing = readFileSync(path, 'utf8');
  } catch {
    existing = null;
  }
  writeFileAtomic(path, dir, 'README.md', renderReadme(existing, readBenchResults(dir)));
  return path;
}

/** Run the suites, write their documents and the README; resolves to the combined document. */
export async function runBench(o: BenchRunOptions): Promise<BenchRunOutcome> {
  const load = o.loadSuite ?? loadSuite;
  const tool = toolInfo();
  const env = collectEnv();
  const startedAt = new Date();
  const t0 = performance.now();
  const suites: BenchResult[] = [];
  const files: string[] = [];
  let interrupted = false;
  mkdirSync(o.outDir, { recursive: true });
  let readmePath = join(o.outDir, 'README.md');
  // A function, not a local: the signal flips while the suites run.
  const aborted = (): boolean => o.signal?.aborted === true;
  try {
    for (const name of o.parts) {
      if (aborted()) {
        interrupted = true;
        o.log(`${name}: skipped (interrupted)`);
        continue;
      }
      const suite = await load(name);
      const ctx: BenchContext = {
        quick: o.quick,
        seed: o.seed,
        log: (line) => o.log(`${name}: ${line}`),
        ...(o.signal !== undefined ? { signal: o.signal } : {}),
      };
      o.log(`${name}: running${o.quick ? ' (quick)' : ''}`);
      const suiteStart = new Date();
      const s0 = performance.now();
      let out: SuiteOutput;
      try {
        out = await suite(ctx);
      } catch (err) {
        // A suite may throw the abort reason instead of returning partial figures; that is an
        // interrupt, not a bug. Anything else is a bug in the suite (exit 70).
        if (aborted()) {
          interrupted = true;
          o.log(`${name}: interrupted before it returned any figures; nothing written`);
          continue;
        }
        throw err;
      }
      const state = aborted() ? 'interrupted' : 'completed';
      if (state === 'interrupted') interrupted = true;
      const doc = buildBenchResult(out, {
        suite: name,
        state,
        tool,
        env,
        command: o.command,
        seed: o.seed,
        quick: o.quick,
        startedAt: suiteStart,
        wallMs: Math.round(performance.now() - s0),
      });
      const file = resultFileName(name, suiteStart);
      const path = join(o.outDir, file);
      writeFileAtomic(path, o.outDir, file, toJson(doc));
      suites.push(doc);
      files.push(path);
      o.onSuiteDone?.(doc, path);
    }
  } finally {
    readmePath = regenerateReadme(o.outDir);
  }
  const document: BenchRunDocument = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'bench-run',
    state: interrupted ? 'interrupted' : 'completed',
    tool,
    env,
    command: o.command,
    seed: o.seed,
    quick: o.quick,
    startedAt: startedAt.toISOString(),
    wallMs: Math.round(performance.now() - t0),
    files,
    suites,
  };
  return { document, readmePath };
}

/** P-rows of these documents whose target was missed, as `P3 (micro)`. */
export function missedTargets(docs: readonly BenchResult[]): string[] {
  const missed: string[] = [];
  for (const d of docs)
    for (const [id, r] of Object.entries(d.ratios)) if (r !== undefined && !r.met) missed.push(`${id} (${d.suite})`);
  return missed;
}
