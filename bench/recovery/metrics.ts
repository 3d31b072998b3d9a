// Small helpers shared by the recovery suite's sections: Metric builders, a time budget that
// trims sample counts on a slow machine, and the checksum of the work done.

import { createHistogram, encodeHistogram, recordNs, summarize } from '../../src/stats/histogram.js';
import type { Metric } from '../suite.js';

export type Params = Readonly<Record<string, number | string>>;

/** A latency metric (ns, lower is better) with its samples' HDR histogram. */
export function latencyMetric(
  name: string,
  samplesNs: readonly number[],
  params: Params,
  histogramNs?: readonly number[],
): Metric {
  const h = createHistogram();
  for (const s of histogramNs ?? samplesNs) recordNs(h, Math.max(1, s));
  return { name, unit: 'ns', better: 'lower', samples: samplesNs, histogram: encodeHistogram(h), params };
}

export function rateMetric(name: string, unit: string, samples: readonly number[], params: Params): Metric {
  return { name, unit, better: 'higher', samples, params };
}

/** p50 and p99 of samples as the HDR histogram reports them (what the suite's table shows). */
export function p50p99(samplesNs: readonly number[]): { p50: number; p99: number } {
  const h = createHistogram();
  for (const s of samplesNs) recordNs(h, Math.max(1, s));
  const s = summarize(h);
  return { p50: s.p50, p99: s.p99 };
}

export function medianOf(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Wall-clock budget of a section: a sampling loop takes at least `min` samples, then stops
 * adding samples once the section's share of the time is spent (the machine may be shared).
 */
export class Budget {
  private readonly endMs: number;
  constructor(ms: number) {
    this.endMs = performance.now() + ms;
  }
  more(taken: number, min: number, max: number, signal?: AbortSignal): boolean {
    if (signal?.aborted === true || taken >= max) return false;
    return taken < min || performance.now() < this.endMs;
  }
}

/** FNV-1a over the integers of the work (images replayed, spans…), as 8 hex digits. */
export class Checksum {
  private h = 0x811c9dc5;
  add(v: number): void {
    let x = Math.round(v) >>> 0;
    for (let i = 0; i < 4; i++) {
      this.h ^= x & 0xff;
      this.h = Math.imul(this.h, 0x01000193) >>> 0;
      x >>>= 8;
    }
  }
  hex(): string {
    return this.h.toString(16).padStart(8, '0');
  }
}
