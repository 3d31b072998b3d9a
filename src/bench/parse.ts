// Reading result documents back (compare, the results README). A document that is not JSON, not
// from this tool, from another schema version, or of a kind the reader cannot use is a user
// mistake: UsageError with what was expected and what was received (exit 2).

import { SUITE_NAMES } from '../../bench/suite.js';
import { UsageError } from '../config/errors.js';
import { parseJsonObject, parseRunResult } from '../report/json.js';
import { type RunResult, SCHEMA_VERSION } from '../report/result.js';
import type { BenchResult } from './result.js';

/** What compare can read: bench suites (one file or a `bench --json` document) or a run. */
export type ResultDocument =
  | { readonly kind: 'bench'; readonly suites: readonly BenchResult[] }
  | { readonly kind: 'run'; readonly run: RunResult };

const kinds = "'bench' (results/<suite>-<date>.json), 'bench-run' (bench --json) or 'run' (run --json)";

/** Check the parts of a bench document that compare and the README read. */
function checkBench(o: Record<string, unknown>, source: string): BenchResult {
  if (!(SUITE_NAMES as readonly unknown[]).includes(o.suite))
    throw new UsageError(
      `${source}: expected suite ${SUITE_NAMES.join(', ')}, received ${JSON.stringify(o.suite ?? null)}`,
    );
  if (!Array.isArray(o.metrics))
    throw new UsageError(`${source}: expected a metrics array, received ${JSON.stringify(o.metrics ?? null)}`);
  for (const m of o.metrics as unknown[]) {
    const mm = m as Record<string, unknown> | null;
    if (
      mm === null ||
      typeof mm !== 'object' ||
      typeof mm.name !== 'string' ||
      !Array.isArray(mm.samples) ||
      mm.samples.some((x) => typeof x !== 'number')
    )
      throw new UsageError(
        `${source}: expected each metric to have a name and numeric samples, received ${JSON.stringify(m).slice(0, 120)}`,
      );
  }
  if (o.ratios === null || typeof o.ratios !== 'object')
    throw new UsageError(`${source}: expected a ratios object, received ${JSON.stringify(o.ratios ?? null)}`);
  return o as unknown as BenchResult;
}

/** Parse any result document compare understands. */
export function parseResultDocument(text: string, source: string): ResultDocument {
  const o = parseJsonObject(text, source);
  if (o.schemaVersion !== SCHEMA_VERSION)
    throw new UsageError(
      `${source}: expected schemaVersion ${SCHEMA_VERSION}, received ${JSON.stringify(o.schemaVersion ?? null)}`,
    );
  if (o.kind === 'bench') return { kind: 'bench', suites: [checkBench(o, source)] };
  if (o.kind === 'bench-run') {
    if (!Array.isArray(o.suites))
      throw new UsageError(`${source}: expected a suites array, received ${JSON.stringify(o.suites ?? null)}`);
    return {
      kind: 'bench',
      suites: (o.suites as unknown[]).map((s, i) => checkBench(s as Record<string, unknown>, `${source} suites[${i}]`)),
    };
  }
  if (o.kind === 'run') return { kind: 'run', run: parseRunResult(text, source) };
  throw new UsageError(`${source}: expected kind ${kinds}, received ${JSON.stringify(o.kind ?? null)}`);
}

/** A single bench suite document (results/*.json), or null when the text is anything else. */
export function tryParseBenchResult(text: string): BenchResult | null {
  try {
    const o = parseJsonObject(text, 'file');
    return o.schemaVersion === SCHEMA_VERSION && o.kind === 'bench' ? checkBench(o, 'file') : null;
  } catch {
    return null;
  }
}
