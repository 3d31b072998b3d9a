// Running totals of a soak: folded one seed outcome at a time, turned into the result document
// at the end (or at Ctrl-C). Histograms stay decoded while the soak runs and are encoded once.

import type { LatencySummary } from '../stats/histogram.js';
import { createHistogram, decodeHistogram, type Histogram, summarize } from '../stats/histogram.js';
import { failureCommand } from './failures.js';
import type { RecheckMismatch, SoakFailure, SoakProblem, SoakShrink } from './result.js';
import type { SeedOutcome } from './seed.js';

export class SoakTally {
  seedsRun = 0;
  seedsRunThreads = 0;
  violatedSeeds = 0;
  recheckChecked = 0;
  failuresNotSaved = 0;
  readonly invariants: Record<string, number> = {};
  readonly failures: SoakFailure[] = [];
  readonly problems: SoakProblem[] = [];
  readonly mismatches: RecheckMismatch[] = [];
  readonly shrunk: SoakShrink[] = [];
  private readonly histograms = new Map<string, Histogram>();

  /** Fold one finished seed in (interrupted seeds are not counted: they did not finish). */
  add(o: SeedOutcome): void {
    if (o.state === 'interrupted') return;
    if (o.state === 'errored' || o.state === 'timeout') {
      const message = o.error?.message ?? o.state;
      const command = o.config === null ? undefined : failureCommand({ ...o, config: o.config });
      this.problems.push({ seed: o.seed, state: o.state, message, ...(command !== undefined ? { command } : {}) });
      return;
    }
    this.seedsRun++;
    if (o.mode === 'threads') this.seedsRunThreads++;
    if (o.invariants.length > 0) this.violatedSeeds++;
    for (const inv of o.invariants) this.invariants[inv] = (this.invariants[inv] ?? 0) + 1;
    for (const [name, s] of Object.entries(o.latency)) this.histogram(name).add(decodeHistogram(s.encoded));
  }

  histogram(name: string): Histogram {
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = createHistogram();
      this.histograms.set(name, h);
    }
    return h;
  }

  /** p99 of one histogram so far, or null when it is empty. */
  p99Ns(name: string): number | null {
    const h = this.histograms.get(name);
    return h === undefined || h.totalCount === 0 ? null : h.getValueAtPercentile(99);
  }

  latency(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = {};
    for (const name of [...this.histograms.keys()].sort()) out[name] = summarize(this.histogram(name));
    return out;
  }
}
