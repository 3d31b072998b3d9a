// Durations as the ecosystem writes them: `500ms`, `30s`, `5m`, `1h30m`, `1h30m15s`, `1.5s`.
// Grammar: one or more <number><unit> terms, units from largest to smallest, each at most once;
// a number is decimal digits with an optional fraction. Units: h, m, s, ms (and us/µs, ns for
// sub-millisecond values, rounded to whole milliseconds). A bare `0` is accepted (zero needs no
// unit); any other bare number is rejected because `30` could mean seconds or milliseconds.

import { UsageError } from './errors.js';

const unitMs = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 1e-3,
  µs: 1e-3,
  ns: 1e-6,
} as const;
type Unit = keyof typeof unitMs;
const unitOrder: readonly Unit[] = ['h', 'm', 's', 'ms', 'us', 'µs', 'ns'];

const termRe = /(\d+(?:\.\d+)?|\.\d+)(ms|us|µs|ns|h|m|s)/y;

/**
 * Parse a duration into whole milliseconds (rounded to nearest).
 * @param what the option name used in the error message, e.g. `--duration`.
 * @throws UsageError saying what was expected and what was received.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const expected = `${what}: expected a duration such as 500ms, 30s, 5m or 1h30m`;
  if (typeof text !== 'string') throw new UsageError(`${expected}, received ${typeof text}`, what);
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') throw new UsageError(`${expected}, received an empty string`, what);
  if (/^\d+(\.\d+)?$/.test(s)) {
    throw new UsageError(
      `${expected}, received ${JSON.stringify(text)} (a number needs a unit: ${s}s or ${s}ms?)`,
      what,
    );
  }
  termRe.lastIndex = 0;
  let total = 0;
  let lastRank = -1;
  let pos = 0;
  while (pos < s.length) {
    termRe.lastIndex = pos;
    const m = termRe.exec(s);
    if (m === null) throw new UsageError(`${expected}, received ${JSON.stringify(text)}`, what);
    const unit = m[2] as Unit;
    const rank = unitOrder.indexOf(unit);
    if (rank <= lastRank) {
      throw new UsageError(`${expected} (units largest first, each once), received ${JSON.stringify(text)}`, what);
    }
    lastRank = rank;
    total += Number(m[1]) * unitMs[unit];
    pos = termRe.lastIndex;
  }
  const ms = Math.round(total);
  if (!Number.isSafeInteger(ms))
    throw new UsageError(`${expected}, received ${JSON.stringify(text)} (too large)`, what);
  return ms;
}

/** Format whole milliseconds the way parseDuration reads them: 500ms, 30s, 5m, 1h30m, 1m0.5s is 1m500ms. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  rest -= s * 1000;
  if (h > 0) out += `${h}h`;
  if (m > 0) out += `${m}m`;
  if (s > 0) out += `${s}s`;
  if (rest > 0) out += `${rest}ms`;
  return out;
}
