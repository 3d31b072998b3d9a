// The contract between the benchmark suites and the runner (`gfs2-stress bench`, `npm run bench`).
// A suite measures; the runner times nothing itself: it validates, summarises (median, min–max),
// writes results/<suite>-<date>.json and results/README.md, and prints. Every headline figure is
// a ratio to a baseline measured in the same process and run (issue #4), so a noisy machine
// moves both sides of the ratio together.

/** The parts of `gfs2-stress bench [part]`. */
export const SUITE_NAMES = ['micro', 'recovery', 'contention', 'scaling'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

/** The P-rows of issue #4, and which suite measures each. */
export const RATIO_IDS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'] as const;
export type RatioId = (typeof RATIO_IDS)[number];
export const RATIO_SUITE: Readonly<Record<RatioId, SuiteName>> = {
  P1: 'micro',
  P2: 'micro',
  P3: 'micro',
  P4: 'micro',
  P5: 'micro',
  P6: 'recovery',
  P7: 'scaling',
  P8: 'scaling',
  P9: 'scaling',
};

export interface BenchContext {
  /** Smoke size: the whole `bench all --quick` must finish in under a minute. */
  readonly quick: boolean;
  /** Fixed seed for every random choice of the suite. */
  readonly seed: number;
  /** A human progress line (goes to stderr; never to the JSON). */
  log(line: string): void;
  /** Set on Ctrl-C: stop at the next sample boundary and return what was measured. */
  readonly signal?: AbortSignal;
}

/** One measured quantity, with every repeated sample (compare's significance test needs them). */
export interface Metric {
  /** Dotted name, unit last: `dlm.requestRelease.nsPerOp`, `replay.blocksPerSec`, `rss.peakBytes`. */
  readonly name: string;
  /** `ns`, `ops/s`, `blocks/s`, `MB/s`, `bytes`, `handoffs/s`, `%cpu`, `ratio`, … */
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  /** Repeated measurements of the same thing (≥ 5 in a full run, ≥ 3 with --quick). */
  readonly samples: readonly number[];
  /** HDR histogram (src/stats/histogram.ts encodeHistogram, ns) when the metric is a latency. */
  readonly histogram?: string;
  /** Parameters of this point of a sweep, e.g. { nodes: 4, journalBlocks: 1024 }. */
  readonly params?: Readonly<Record<string, number | string>>;
}

/** A P-row: a figure against its baseline from the same run. */
export interface RatioRow {
  /** What was measured, and the baseline, in words (for the README table). */
  readonly what: string;
  readonly baselineWhat: string;
  readonly unit: string;
  /** Median of the measurement's samples, and of the baseline's. */
  readonly value: number;
  readonly baseline: number;
  /** value / baseline when `better` is higher, baseline / value when lower ("× as fast"). */
  readonly ratio: number;
  /** As the issue states it: `≤ 5×`, `≥ 100×`, `≥ 0.5×`, `≤ 1 GiB`, … */
  readonly target: string;
  readonly met: boolean;
  /** Ratio of each paired sample: min and max over the pairs, and how many pairs. */
  readonly spread: { readonly min: number; readonly max: number; readonly samples: number };
}

export interface SuiteOutput {
  readonly metrics: readonly Metric[];
  /** Only the P-rows this suite owns (RATIO_SUITE). */
  readonly ratios: Readonly<Partial<Record<RatioId, RatioRow>>>;
  /** Checksum of the work done (so it cannot be optimised away); printed and stored. */
  readonly checksum: string;
  /** Plain-text findings worth printing (e.g. which CRC-32C implementation won). */
  readonly notes?: readonly string[];
  /** The parameters the suite ran with (sizes, repetitions), stored in the result as `config`. */
  readonly config?: Readonly<Record<string, unknown>>;
}

export type Suite = (ctx: BenchContext) => Promise<SuiteOutput>;

/**
 * Build a RatioRow from paired samples (sample i of the value was taken next to sample i of the
 * baseline). `better` says which direction is good for the measured quantity.
 */
export function ratioRow(
  base: Pick<RatioRow, 'what' | 'baselineWhat' | 'unit' | 'target'>,
  better: 'lower' | 'higher',
  valueSamples: readonly number[],
  baselineSamples: readonly number[],
  met: (ratio: number) => boolean,
): RatioRow {
  const pairs = Math.min(valueSamples.length, baselineSamples.length);
  if (pairs === 0) throw new RangeError(`ratioRow(${base.what}): expected at least one sample pair, received 0`);
  const r = (v: number, b: number): number => (better === 'higher' ? v / b : b / v);
  const per: number[] = [];
  for (let i = 0; i < pairs; i++) per.push(r(valueSamples[i] as number, baselineSamples[i] as number));
  const value = median(valueSamples);
  const baseline = median(baselineSamples);
  const ratio = r(value, baseline);
  return {
    ...base,
    value,
    baseline,
    ratio,
    met: met(ratio),
    spread: { min: Math.min(...per), max: Math.max(...per), samples: pairs },
  };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
