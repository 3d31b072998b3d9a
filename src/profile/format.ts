// Small formatting helpers shared by the profile views: glock type and state names as GFS2
// users read them, nanoseconds auto-scaled as `perf lock contention` prints them, and a
// column aligner.

import { GlockType } from '../dlm/api.js';

const TYPE_NAMES = new Map<number, string>(Object.entries(GlockType).map(([k, v]) => [v, k]));

/** `inode`, `rgrp`, … (glocktop's words); `type<N>` for an unknown type. */
export function glockTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `type${type}`;
}

/** Glock types in glocktop's summary order (types that never appear are left out by the caller). */
export const GLOCK_TYPES_ORDERED: readonly number[] = [
  GlockType.nondisk,
  GlockType.inode,
  GlockType.rgrp,
  GlockType.meta,
  GlockType.iopen,
  GlockType.flock,
  GlockType.quota,
  GlockType.journal,
];

/** LM_ST_* → `UN` `EX` `DF` `SH` (index = state). */
export const STATE_NAMES = ['UN', 'EX', 'DF', 'SH'] as const;
/** glocktop's friendly words for Is:/Want:. */
export const STATE_WORDS = ['Unlocked', 'Exclusive', 'Deferred', 'Shared'] as const;

export function stateName(state: number): string {
  return STATE_NAMES[state] ?? `?${state}`;
}

/** `812 ns`, `3.40 us`, `12.05 ms`, `1.50 s` (perf lock's scaling: the largest unit ≥ 1). */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(2)} us`;
  return `${Math.round(ns)} ns`;
}

/** Align rows into columns: `right[i]` right-aligns column i; two spaces between columns. */
export function alignColumns(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) =>
    r
      .map((c, i) =>
        right[i] === true ? c.padStart(widths[i] ?? 0) : i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** Index of the largest value (first on ties), -1 when all are zero. */
export function argMax(values: readonly number[]): number {
  let best = -1;
  let bestV = 0;
  values.forEach((v, i) => {
    if (v > bestV) {
      best = i;
      bestV = v;
    }
  });
  return best;
}
