// Collects violations with a cap per invariant, so a wrecked run produces a bounded report and
// a count of what was left out rather than running out of memory.

import type { Violation } from '../report/result.js';

export const VIOLATIONS_PER_INVARIANT_MAX_DEFAULT = 100;

export class ViolationSink {
  private readonly perInvariantMax: number;
  private readonly kept: Violation[] = [];
  private readonly totals = new Map<string, number>();

  constructor(perInvariantMax: number = VIOLATIONS_PER_INVARIANT_MAX_DEFAULT) {
    if (!Number.isInteger(perInvariantMax) || perInvariantMax < 0) {
      throw new RangeError(`violations per invariant: expected an integer ≥ 0, received ${perInvariantMax}`);
    }
    this.perInvariantMax = perInvariantMax;
  }

  /** Would a violation of `invariant` still be kept? Lets callers skip building trails. */
  wants(invariant: string): boolean {
    return (this.totals.get(invariant) ?? 0) < this.perInvariantMax;
  }

  add(v: Violation): void {
    const n = this.totals.get(v.invariant) ?? 0;
    this.totals.set(v.invariant, n + 1);
    if (n < this.perInvariantMax) this.kept.push(v);
  }

  /** Count one violation whose details the caller did not build (it knew it would be dropped). */
  count(invariant: string): void {
    this.totals.set(invariant, (this.totals.get(invariant) ?? 0) + 1);
  }

  /** The kept violations, in the order they were found. */
  list(): readonly Violation[] {
    return this.kept;
  }

  /** invariant → violations found, kept or not. */
  totalsByInvariant(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }

  /** invariant → violations found beyond the cap (not in list()). */
  droppedByInvariant(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, n] of this.totals) if (n > this.perInvariantMax) out[k] = n - this.perInvariantMax;
    return out;
  }

  get total(): number {
    let s = 0;
    for (const n of this.totals.values()) s += n;
    return s;
  }
}
