// The soak scheduler: hands out the shard's seeds to an executor's slots, folds each outcome
// into the tally, saves failing seeds, reruns the recheck sample and compares history hashes,
// and stops at the end of the range, at the wall-time bound, or when the signal aborts (then
// in-flight seeds are abandoned and the document says `interrupted`).

import type { Mode } from '../config/types.js';
import { collectEnv, toolInfo } from '../report/result.js';
import type { SeedExecutor } from './executor.js';
import { saveFailure } from './failures.js';
import { RECOVERY_LATENCY_KEY, SOAK_SCHEMA_VERSION, type SoakResult } from './result.js';
import { type SeedBase, type SeedJob, type SeedOutcome, seedRunOptions } from './seed.js';
import { inSample, type Shard, shardSeedAt, shardSeedCount } from './shard.js';
import { SoakTally } from './tally.js';

export interface SoakOptions {
  readonly protocol: string;
  readonly mode: Mode;
  /** Fraction of seeds run under the threads driver (sim mode); 1 with mode threads. */
  readonly threadsRatio: number;
  readonly faults: string;
  readonly base: SeedBase;
  readonly firstSeed: number;
  /** Seeds in the range (null: until `wallMs`). */
  readonly seeds: number | null;
  /** Stop handing out seeds after this much wall time (null: until the range ends). */
  readonly wallMs: number | null;
  readonly shard: Shard;
  /** Fraction of sim seeds rerun to check determinism. */
  readonly recheck: number;
  /** Where failures are saved (null: not saved, e.g. tests). */
  readonly outDir: string | null;
  readonly command: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SoakProgress) => void;
  /** Called with each failing seed's full outcome (the CLI keeps a few to shrink). */
  readonly onFailure?: (o: SeedOutcome) => void;
  readonly now?: () => number;
}

export interface SoakProgress {
  readonly seedsDone: number;
  /** Seeds this shard will run (null: time-bounded). */
  readonly seedsTotal: number | null;
  readonly seedsPerSec: number;
  readonly elapsedMs: number;
  readonly etaMs: number | null;
  readonly violatedSeeds: number;
  readonly problems: number;
  readonly recoveryNsP99: number | null;
}

export interface SoakExecutors {
  /** Sim seeds (and threads seeds when `threads` is absent). */
  readonly sim: SeedExecutor;
  /** Threads-mode seeds, one at a time: their driver has a pool of its own. */
  readonly threads?: SeedExecutor;
}

/** Failing seeds saved (file and list entry) per soak at most. */
export const FAILURES_SAVED_MAX = 10_000;

/** Salt so the threads sample is not the recheck sample. */
const THREADS_SAMPLE_SALT = 0x7417;

export async function runSoak(opts: SoakOptions, exec: SoakExecutors): Promise<SoakResult> {
  const now = opts.now ?? (() => performance.now());
  const startedAt = new Date();
  const t0 = now();
  const tally = new SoakTally();
  const signal = opts.signal ?? new AbortController().signal;
  const seedsTotal = shardSeedCount(opts.seeds, opts.shard);
  let k = 0;
  let done = 0;
  let threadsBusy: Promise<unknown> = Promise.resolve();

  const nextSeed = (): number | null => {
    if (signal.aborted) return null;
    if (opts.wallMs !== null && now() - t0 >= opts.wallMs) return null;
    const seed = shardSeedAt(opts.firstSeed, opts.seeds, opts.shard, k);
    if (seed !== null) k++;
    return seed;
  };
  const modeOf = (seed: number): Mode =>
    opts.mode === 'threads' || inSample((seed ^ THREADS_SAMPLE_SALT) >>> 0, opts.threadsRatio) ? 'threads' : 'sim';
  const runJob = (job: SeedJob): Promise<SeedOutcome> => {
    if (job.mode === 'sim' || exec.threads === undefined) return exec.sim.run(job, signal);
    const threads = exec.threads;
    // Threads seeds queue behind each other, not behind sim seeds.
    const p = threadsBusy.then(() => threads.run(job, signal));
    threadsBusy = p.catch(() => undefined);
    return p;
  };
  const progress = () => {
    if (opts.onProgress === undefined) return;
    const elapsedMs = now() - t0;
    const seedsPerSec = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    let etaMs: number | null = null;
    if (seedsTotal !== null && seedsPerSec > 0) etaMs = ((seedsTotal - done) * 1000) / seedsPerSec;
    if (opts.wallMs !== null) etaMs = Math.min(etaMs ?? Number.POSITIVE_INFINITY, Math.max(0, opts.wallMs - elapsedMs));
    opts.onProgress({
      seedsDone: done,
      seedsTotal,
      seedsPerSec,
      elapsedMs,
      etaMs,
      violatedSeeds: tally.violatedSeeds,
      problems: tally.problems.length,
      recoveryNsP99: tally.p99Ns(RECOVERY_LATENCY_KEY),
    });
  };

  const slot = async (): Promise<void> => {
    for (let seed = nextSeed(); seed !== null; seed = nextSeed()) {
      const job: SeedJob = { seed, mode: modeOf(seed), protocol: opts.protocol, faults: opts.faults, base: opts.base };
      const o = withPlan(job, await runJob(job));
      if (o.state === 'interrupted') return;
      tally.add(o);
      done++;
      if (o.invariants.length > 0 && o.state !== 'errored' && o.state !== 'timeout') {
        // Bounded: an hour of a broken protocol must not fill the disk; the counts stay exact.
        if (tally.failures.length < FAILURES_SAVED_MAX) tally.failures.push(await saveFailure(opts.outDir, o));
        else tally.failuresNotSaved++;
        opts.onFailure?.(o);
      }
      if (o.state === 'completed' && o.mode === 'sim' && inSample(seed, opts.recheck)) {
        const again = await runJob(job);
        if (again.state === 'completed') {
          tally.recheckChecked++;
          if (again.historyHash !== o.historyHash) {
            tally.mismatches.push({ seed, historyHash: o.historyHash, recheckHash: again.historyHash });
          }
        } else if (again.state !== 'interrupted') {
          tally.add(again);
        }
      }
      progress();
    }
  };

  progress();
  const slots = Array.from({ length: Math.max(1, exec.sim.concurrency) }, () => slot());
  await Promise.all(slots);
  tally.failures.sort((a, b) => a.seed - b.seed);
  tally.problems.sort((a, b) => a.seed - b.seed);
  tally.mismatches.sort((a, b) => a.seed - b.seed);

  const rangeEnded = shardSeedAt(opts.firstSeed, opts.seeds, opts.shard, k) === null;
  const finished = !signal.aborted && (rangeEnded || opts.wallMs !== null);
  return soakDocument(opts, tally, startedAt, Math.round(now() - t0), finished ? 'completed' : 'interrupted');
}

/** A crashed or stuck seed from the pool has no config; derive it so its replay command can be printed. */
function withPlan(job: SeedJob, o: SeedOutcome): SeedOutcome {
  if (o.config !== null || (o.state !== 'errored' && o.state !== 'timeout')) return o;
  try {
    const r = seedRunOptions(job);
    return { ...o, config: r.config, faults: r.faults };
  } catch {
    return o;
  }
}

export function soakDocument(
  opts: SoakOptions,
  tally: SoakTally,
  startedAt: Date,
  wallMs: number,
  state: SoakResult['state'],
): SoakResult {
  return {
    schemaVersion: SOAK_SCHEMA_VERSION,
    kind: 'soak',
    state,
    tool: toolInfo(),
    env: collectEnv(),
    command: opts.command,
    protocol: opts.protocol,
    mode: opts.mode,
    threadsRatio: opts.mode === 'threads' ? 1 : opts.threadsRatio,
    faults: opts.faults,
    config: opts.base,
    firstSeed: opts.firstSeed,
    seeds: opts.seeds,
    shards: [opts.shard],
    startedAt: startedAt.toISOString(),
    wallMs,
    seedsRun: tally.seedsRun,
    seedsRunThreads: tally.seedsRunThreads,
    violatedSeeds: tally.violatedSeeds,
    invariants: sortedCounts(tally.invariants),
    latency: tally.latency(),
    failures: tally.failures,
    failuresNotSaved: tally.failuresNotSaved,
    problems: tally.problems,
    recheck: { fraction: opts.recheck, checked: tally.recheckChecked, mismatches: tally.mismatches },
    shrunk: tally.shrunk,
  };
}

export function sortedCounts(c: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(c).sort()) out[key] = c[key] as number;
  return out;
}
