// One soak seed: the job a worker receives and the outcome it sends back. Both are plain data
// (structured-clone safe), so the same runSeed serves the piscina worker, the in-process
// executor of the tests, the determinism recheck and the shrinker.
//
// The job carries the *base* config (seed not yet chosen) and the fault text (`random` or a
// concrete plan). validateRunOptions resolves `random` from the seed into the concrete plan,
// which the outcome records: the reproduce command carries that plan, not the word `random`.

import type { RunClusterOptions } from '../cli/commands/run.js';
import { type RawConfig, validateRunOptions } from '../config/config.js';
import type { Config, Mode } from '../config/types.js';
import { type ErrorInfo, errorInfo, type RunResult, type Violation } from '../report/result.js';
import type { LatencySummary } from '../stats/histogram.js';

/** The config fields a soak may override per seed (everything else is the run default). */
export interface SeedBase {
  readonly nodes: number;
  readonly processes: number;
  readonly durationMs: number;
  readonly files: number;
  readonly journalBlocks?: number;
  readonly ops?: number;
  readonly timeScale?: number;
}

export interface SeedJob {
  readonly seed: number;
  readonly mode: Mode;
  readonly protocol: string;
  /** `random` or a concrete plan string. */
  readonly faults: string;
  readonly base: SeedBase;
}

/** Violations kept per failing seed (each carries its event trail); the rest are only counted. */
export const VIOLATIONS_KEPT_MAX = 20;

export interface SeedOutcome {
  readonly seed: number;
  readonly mode: Mode;
  readonly protocol: string;
  /** `completed` or `interrupted` runs are judged; `errored` is a tool bug; `timeout` too. */
  readonly state: 'completed' | 'interrupted' | 'errored' | 'timeout';
  readonly error: ErrorInfo | null;
  /** The concrete plan the seed drew (null: no faults). */
  readonly faults: string | null;
  readonly config: Config | null;
  readonly historyHash: string | null;
  /** Distinct invariants violated, sorted. */
  readonly invariants: readonly string[];
  readonly violationCount: number;
  /** The first VIOLATIONS_KEPT_MAX violations (only for a failing seed). */
  readonly violations: readonly Violation[];
  /** Workload operations the run completed (the shrinker's starting point for --ops). */
  readonly ops: number;
  /** `withdraw.*` latency summaries (encoded HDR) of this seed. */
  readonly latency: Readonly<Record<string, LatencySummary>>;
  readonly wallMs: number;
}

export type SeedRunCluster = (config: Config, opts: RunClusterOptions) => Promise<RunResult>;

/** The validated run options of a job (throws UsageError for a config that does not validate). */
export function seedRunOptions(job: SeedJob) {
  const raw: RawConfig & { protocol: string; faults: string } = {
    mode: job.mode,
    seed: job.seed,
    nodes: job.base.nodes,
    processes: job.base.processes,
    durationMs: job.base.durationMs,
    files: job.base.files,
    ...(job.base.journalBlocks !== undefined ? { journalBlocks: job.base.journalBlocks } : {}),
    ...(job.base.ops !== undefined ? { ops: job.base.ops } : {}),
    ...(job.base.timeScale !== undefined ? { timeScale: job.base.timeScale } : {}),
    protocol: job.protocol,
    faults: job.faults,
  };
  return validateRunOptions(raw);
}

/** Only the recovery measurements travel back; op latencies are not a soak figure. */
function withdrawLatency(r: RunResult): Record<string, LatencySummary> {
  const out: Record<string, LatencySummary> = {};
  for (const [k, v] of Object.entries(r.latency)) if (k.startsWith('withdraw.')) out[k] = v;
  return out;
}

/** Run one seed to its outcome. Never throws: a crash of the engine is an `errored` outcome. */
export async function runSeed(job: SeedJob, runCluster: SeedRunCluster, signal?: AbortSignal): Promise<SeedOutcome> {
  const t0 = performance.now();
  let faults: string | null = null;
  let config: Config | null = null;
  try {
    const o = seedRunOptions(job);
    faults = o.faults;
    config = o.config;
    const r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults, ...(signal ? { signal } : {}) });
    const invariants = [...new Set(r.checker.violations.map((v) => v.invariant))].sort();
    return {
      seed: job.seed,
      mode: job.mode,
      protocol: job.protocol,
      state: r.state,
      error: r.error,
      faults,
      config,
      historyHash: r.historyHash,
      invariants,
      violationCount: r.checker.violations.length,
      violations: r.checker.violations.slice(0, VIOLATIONS_KEPT_MAX),
      ops: r.totals.ops,
      latency: withdrawLatency(r),
      wallMs: Math.round(performance.now() - t0),
    };
  } catch (err) {
    return erroredOutcome(job, 'errored', errorInfo(err), faults, config, Math.round(performance.now() - t0));
  }
}

export function erroredOutcome(
  job: SeedJob,
  state: 'errored' | 'timeout' | 'interrupted',
  error: ErrorInfo | null,
  faults: string | null = null,
  config: Config | null = null,
  wallMs = 0,
): SeedOutcome {
  return {
    seed: job.seed,
    mode: job.mode,
    protocol: job.protocol,
    state,
    error,
    faults,
    config,
    historyHash: null,
    invariants: [],
    violationCount: 0,
    violations: [],
    ops: 0,
    latency: {},
    wallMs,
  };
}
