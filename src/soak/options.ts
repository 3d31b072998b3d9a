// `soak` flags → validated soak options. Every bad value is a UsageError naming the flag, what
// was expected and what was received (exit 2). The per-seed config is validated once here with
// the first seed, so a config that cannot run is refused before any worker starts.

import os from 'node:os';
import { join } from 'node:path';
import { type RunOptions, toInteger, validateProtocol, validateRunOptions } from '../config/config.js';
import { parseDuration } from '../config/duration.js';
import { describeReceived, UsageError } from '../config/errors.js';
import type { Mode } from '../config/types.js';
import type { SoakOptions } from './runner.js';
import type { SeedBase } from './seed.js';
import { parseFraction, parseShard, SEED_MAX, type Shard } from './shard.js';
import { SHRINK_ATTEMPTS_DEFAULT } from './shrink.js';

/** The per-seed config of the fault table (bench/fault-table.ts): small and fast. */
export const soakSeedDefaults = { nodes: 3, processes: 2, durationMs: 2000, files: 64 } as const;
// A seed takes about a second on a quiet core; minutes leave room for a loaded machine.
export const SEED_TIMEOUT_DEFAULT_MS = 300_000;
export const SHRINK_MAX_DEFAULT = 3;
export const RECHECK_DEFAULT = '5%';

export interface SoakFlags {
  readonly protocol?: string;
  readonly seeds?: string;
  readonly duration?: string;
  readonly firstSeed?: string;
  readonly shard?: string;
  readonly faults?: string;
  readonly mode?: string;
  readonly threadsRatio?: string;
  readonly nodes?: string;
  readonly processes?: string;
  readonly runDuration?: string;
  readonly files?: string;
  readonly journalBlocks?: string;
  readonly ops?: string;
  readonly timeScale?: string;
  readonly recheck?: string;
  readonly shrink?: boolean;
  readonly shrinkAttempts?: string;
  readonly shrinkMax?: string;
  readonly out?: string;
  readonly jobs?: string;
  readonly seedTimeout?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly color?: boolean;
}

/** What the soak command parsed: the runner's range and checks, plus the CLI's own settings. */
export interface SoakCliOptions
  extends Pick<
    SoakOptions,
    'protocol' | 'mode' | 'threadsRatio' | 'faults' | 'base' | 'firstSeed' | 'seeds' | 'wallMs' | 'shard' | 'recheck'
  > {
  readonly shrink: boolean;
  readonly shrinkAttempts: number;
  readonly shrinkMax: number;
  readonly outDir: string;
  readonly jobs: number;
  readonly seedTimeoutMs: number;
}

function intFlag(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = toInteger(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag}: expected an integer from ${min} to ${max}, received ${describeReceived(text)}`,
      flag,
    );
  }
  return n;
}

const runFlagOf: Record<string, string> = {
  nodes: '--nodes',
  processes: '--processes',
  durationMs: '--run-duration',
  files: '--files',
  journalBlocks: '--journal-blocks',
  ops: '--ops',
  timeScale: '--time-scale',
  mode: '--mode',
  protocol: '--protocol',
  faults: '--faults',
};

function timestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

export function soakOptionsFromFlags(f: SoakFlags, now = new Date()): SoakCliOptions {
  const protocol = validateProtocol(f.protocol, '--protocol');
  const mode: Mode = f.mode === undefined ? 'sim' : f.mode === 'threads' || f.mode === 'sim' ? f.mode : 'sim';
  if (f.mode !== undefined && f.mode !== 'sim' && f.mode !== 'threads') {
    throw new UsageError(`--mode: expected sim or threads, received ${describeReceived(f.mode)}`, '--mode');
  }
  const firstSeed = intFlag(f.firstSeed, '--first-seed', 0, SEED_MAX) ?? 1;
  const seeds = intFlag(f.seeds, '--seeds', 1, SEED_MAX - firstSeed + 1) ?? null;
  const wallMs = f.duration === undefined ? null : parseDuration(f.duration, '--duration');
  if (seeds === null && wallMs === null) {
    throw new UsageError('soak: expected a bound, --seeds N or --duration T (or both), received neither', '--seeds');
  }
  const shard = f.shard === undefined ? { index: 0, count: 1 } : parseShard(f.shard);
  const threadsRatio = f.threadsRatio === undefined ? 0 : parseFraction(f.threadsRatio, '--threads-ratio');
  const recheck = parseFraction(f.recheck ?? RECHECK_DEFAULT, '--recheck');
  const faults = f.faults ?? 'random';

  const base: SeedBase = {
    nodes: intFlag(f.nodes, '--nodes', 1, 16) ?? soakSeedDefaults.nodes,
    processes: intFlag(f.processes, '--processes', 1, 1024) ?? soakSeedDefaults.processes,
    durationMs:
      f.runDuration === undefined ? soakSeedDefaults.durationMs : parseDuration(f.runDuration, '--run-duration'),
    files: intFlag(f.files, '--files', 1, 1 << 24) ?? soakSeedDefaults.files,
    ...(f.journalBlocks !== undefined
      ? { journalBlocks: intFlag(f.journalBlocks, '--journal-blocks', 1, 1 << 30) }
      : {}),
    ...(f.ops !== undefined ? { ops: intFlag(f.ops, '--ops', 0, Number.MAX_SAFE_INTEGER) } : {}),
    ...(f.timeScale !== undefined ? { timeScale: Number(f.timeScale) } : {}),
  } as SeedBase;
  // The full validation (ranges, relationships, the fault plan) with the soak's flag names.
  validateRunOptions(
    {
      mode,
      seed: firstSeed,
      nodes: base.nodes,
      processes: base.processes,
      durationMs: base.durationMs,
      files: base.files,
      ...(base.journalBlocks !== undefined ? { journalBlocks: base.journalBlocks } : {}),
      ...(base.ops !== undefined ? { ops: base.ops } : {}),
      ...(f.timeScale !== undefined ? { timeScale: f.timeScale } : {}),
      protocol,
      faults,
    },
    { nameOf: (field) => runFlagOf[field] ?? field },
  );

  const parallelism = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const jobs = intFlag(f.jobs, '--jobs', 1, 256) ?? Math.max(1, parallelism);
  const seedTimeoutMs =
    f.seedTimeout === undefined ? SEED_TIMEOUT_DEFAULT_MS : parseDuration(f.seedTimeout, '--seed-timeout');
  const shardTag = shard.count === 1 ? '' : `-shard-${shard.index}-of-${shard.count}`;
  return {
    protocol,
    mode,
    threadsRatio,
    faults,
    base,
    firstSeed,
    seeds,
    wallMs,
    shard,
    recheck,
    shrink: f.shrink === true,
    shrinkAttempts: intFlag(f.shrinkAttempts, '--shrink-attempts', 1, 1000) ?? SHRINK_ATTEMPTS_DEFAULT,
    shrinkMax: intFlag(f.shrinkMax, '--shrink-max', 1, 100) ?? SHRINK_MAX_DEFAULT,
    outDir: f.out ?? join('results', 'soak', `${protocol.replace(':', '_')}-${timestamp(now)}${shardTag}`),
    jobs,
    seedTimeoutMs,
  };
}

/**
 * The run options of one default soak seed (what `soak` runs without overrides, and what the
 * fault table, the attribution and the P7 benchmark measure), validated.
 */
export function defaultSoakSeedOptions(seed: number, protocol: string): RunOptions {
  return validateRunOptions({ mode: 'sim', seed, ...soakSeedDefaults, protocol, faults: 'random' });
}
