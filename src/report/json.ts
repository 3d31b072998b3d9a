// The machine-readable form of results: one JSON document, versioned by `schemaVersion`.
// Writing: 2-space indent and a final newline, BigInts as numbers when safe (else strings),
// non-finite numbers as null (JSON has no NaN). Reading: the schema version is checked so that
// compare/merge/report refuse a document they do not understand, with a clear message.

import { UsageError } from '../config/errors.js';
import { type RunResult, SCHEMA_VERSION } from './result.js';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** Serialise a result (or any result-like document) as JSON text ending in a newline. */
export function toJson(doc: unknown): string {
  return `${JSON.stringify(doc, replacer, 2)}\n`;
}

/**
 * Parse text that must be one JSON object (a result document of any kind). Throws UsageError
 * saying what was expected and what was received.
 */
export function parseJsonObject(text: string, source = 'input'): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${source}: expected a gfs2-stress JSON result, received text that is not JSON (${(err as Error).message})`,
    );
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(
      `${source}: expected a JSON object, received ${Array.isArray(doc) ? 'an array' : String(doc)}`,
    );
  }
  return doc as Record<string, unknown>;
}

/**
 * Parse a run result written by toJson. Throws UsageError if the text is not JSON, not a
 * gfs2-stress result, or from an incompatible schema version.
 * @param source where the text came from (a file name), for messages.
 */
export function parseRunResult(text: string, source = 'input'): RunResult {
  const doc = parseJsonObject(text, source);
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (version !== SCHEMA_VERSION) {
    throw new UsageError(
      `${source}: expected schemaVersion ${SCHEMA_VERSION}, received ${JSON.stringify(version ?? null)}`,
    );
  }
  for (const field of ['seed', 'mode', 'config', 'totals', 'nodes', 'journals', 'checker'] as const) {
    if (!(field in doc))
      throw new UsageError(`${source}: expected a field ${JSON.stringify(field)} in the result, received none`);
  }
  return doc as unknown as RunResult;
}
