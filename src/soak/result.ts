// The soak result document (`kind: 'soak'`): what `soak` writes and `merge` reads and writes.
// Everything in it is additive across shards — counts, seed lists and HDR histograms (encoded,
// merged by decoding and adding) — so merging shard documents gives the document one run over
// the union of their seeds would have given (wall time and rates aside).

import type { EnvInfo, ToolInfo } from '../report/result.js';
import type { LatencySummary } from '../stats/histogram.js';
import type { SeedBase } from './seed.js';
import type { Shard } from './shard.js';

export const SOAK_SCHEMA_VERSION = 1 as const;

/** The histogram the progress line and the summary call "recovery latency": error → journal clean. */
export const RECOVERY_LATENCY_KEY = 'withdraw.journalClean';

export interface SoakFailure {
  readonly seed: number;
  readonly mode: string;
  /** The concrete plan the seed drew. */
  readonly faults: string | null;
  readonly invariants: readonly string[];
  readonly historyHash: string | null;
  /** The failure file, relative to the soak's output directory. */
  readonly file: string;
  /** The command that replays it. */
  readonly command: string;
}

export interface SoakProblem {
  readonly seed: number;
  readonly state: 'errored' | 'timeout';
  readonly message: string;
  /** The command that replays the seed, when its config is known. */
  readonly command?: string;
}

export interface RecheckMismatch {
  readonly seed: number;
  readonly historyHash: string | null;
  readonly recheckHash: string | null;
}

export interface SoakRecheck {
  /** Fraction of seeds rerun. */
  readonly fraction: number;
  readonly checked: number;
  readonly mismatches: readonly RecheckMismatch[];
}

export interface SoakShrink {
  readonly seed: number;
  readonly invariant: string;
  readonly file: string;
  readonly attempts: number;
  readonly before: ShrinkSize;
  readonly after: ShrinkSize;
  readonly command: string;
}

export interface ShrinkSize {
  readonly faults: number;
  readonly nodes: number;
  readonly processes: number;
  readonly durationMs: number;
  readonly files: number;
  readonly journalBlocks: number;
  /** The run's --ops bound; null when only the run length bounds it. */
  readonly opsBound: number | null;
  /** Workload operations the run did (reported, not compared: it is an outcome, not the plan). */
  readonly opsRun: number;
}

export interface SoakResult {
  readonly schemaVersion: typeof SOAK_SCHEMA_VERSION;
  readonly kind: 'soak';
  /** `interrupted`: Ctrl-C or a partial shard set in a merge; the figures cover the seeds run. */
  readonly state: 'completed' | 'interrupted';
  readonly tool: ToolInfo;
  readonly env: EnvInfo;
  readonly command: readonly string[];
  readonly protocol: string;
  /** Driver of most seeds; `threadsRatio` of them ran under the threads driver instead. */
  readonly mode: string;
  readonly threadsRatio: number;
  /** The fault text each seed resolves (`random`). */
  readonly faults: string;
  readonly config: SeedBase;
  readonly firstSeed: number;
  /** Seeds in the whole range (null: bounded by time only). */
  readonly seeds: number | null;
  /** The shards this document covers (one for a soak, several after a merge). */
  readonly shards: readonly Shard[];
  readonly startedAt: string;
  readonly wallMs: number;
  readonly seedsRun: number;
  readonly seedsRunThreads: number;
  readonly violatedSeeds: number;
  /** Invariant → seeds that violated it. */
  readonly invariants: Readonly<Record<string, number>>;
  /** `withdraw.*` histograms over all seeds. */
  readonly latency: Readonly<Record<string, LatencySummary>>;
  readonly failures: readonly SoakFailure[];
  /** Failing seeds beyond FAILURES_SAVED_MAX: counted above, not saved. */
  readonly failuresNotSaved: number;
  /** Seeds that crashed or timed out: tool bugs, never findings. */
  readonly problems: readonly SoakProblem[];
  readonly recheck: SoakRecheck;
  readonly shrunk: readonly SoakShrink[];
}
