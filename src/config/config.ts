// Defaults and validation: the only way to build a Config. Input comes from the CLI (strings)
// or from code and JSON files (numbers); both go through validateConfig, which checks every
// field's range against limits.ts and the relationships between fields, and throws a
// UsageError whose message names the option, what was expected and what was received.
//
// The exact shared-memory size comes from src/memory/layout.ts; here we check a conservative
// estimate (disk blocks × block size) so an absurd config is refused before anything is built.

import { randomBytes } from 'node:crypto';
import { formatFaultPlan, resolveFaultPlan } from '../faults/index.js';
import { inCoreLogBlocks, opReserveBlocksFor } from './capacity.js';
import { parseDuration } from './duration.js';
import { describeReceived, UsageError } from './errors.js';
import { limits } from './limits.js';
import { type Config, type Mode, Modes, type Workload, Workloads } from './types.js';

/** Protocol generations and ablations (`--protocol`); see reference §4. */
export const Protocols = [
  'legacy',
  'force-withdraw',
  'release-recover',
  'force-withdraw:no-secondary-wait',
  'force-withdraw:late-clear',
] as const;
export type Protocol = (typeof Protocols)[number];

/**
 * Kernel HZ accepted by `--hz`: any integer from 10 to 10000. The kernel builds with 100, 250,
 * 300 or 1000; other values are allowed for experiments. Below 10, HZ/5 (the delay before the
 * live-lock request) would round to one jiffy or less and stop meaning anything.
 */
export const hzMin = 10;
export const hzMax = 10_000;
/** Upper bound on --time-scale: beyond it a single HZ delay would outlast any sane run. */
export const timeScaleMax = 1000;
/** Glock names besides inodes and rgrps: live, freeze, rename, jindex, statfs, quota… (reference §1.5). */
export const fixedGlocksReserved = 16;

export const defaults = {
  mode: 'threads',
  nodes: 4,
  processes: 4,
  durationMs: 10_000,
  ops: 0,
  blockSize: 4096,
  journalBlocks: 2048,
  rgrps: 8,
  rgrpDataBlocks: 2048,
  workload: 'mixed',
  hotSkew: 0.8,
  readFraction: 0.3,
  files: 256,
  hz: 1000,
  timeScale: 1,
  remountAfterMs: 0,
  dumpJournalsDir: null,
  json: false,
} as const satisfies Omit<Config, 'seed'>;

export const defaultProtocol: Protocol = 'force-withdraw';

/** Unvalidated input: every field optional, numbers may still be strings from the command line. */
export type RawConfig = { readonly [K in keyof Config]?: unknown };

export interface ValidateOptions {
  /** How to name a field in messages (the CLI passes `--journal-blocks` for `journalBlocks`). */
  readonly nameOf?: (field: keyof Config) => string;
  /** Seed source when none is given; defaults to a random 32-bit value. */
  readonly randomSeed?: () => number;
}

/** A random 32-bit unsigned seed. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

/** `journalBlocks` → `--journal-blocks`. */
export function flagName(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const decimalIntRe = /^[+]?\d[\d_]*$/;
const hexIntRe = /^0x[0-9a-f]+$/i;
const expIntRe = /^\d+(\.\d+)?e\+?\d+$/i;
const numberRe = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parse an integer given as a number or a string (`4096`, `1_000_000`, `1e6`, `0x2a`). NaN if not one. */
export function toInteger(value: unknown): number {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number.NaN;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return Number.NaN;
  const s = value.trim();
  if (decimalIntRe.test(s) && !s.endsWith('_')) return Number(s.replace(/_/g, ''));
  if (hexIntRe.test(s)) return Number.parseInt(s.slice(2), 16);
  if (expIntRe.test(s)) {
    const n = Number(s);
    return Number.isInteger(n) ? n : Number.NaN;
  }
  return Number.NaN;
}

/** Parse a finite real number given as a number or a decimal string. NaN if not one. */
export function toReal(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== 'string') return Number.NaN;
  const s = value.trim();
  return numberRe.test(s) ? Number(s) : Number.NaN;
}

/** Validate and complete a raw config. Throws UsageError on the first bad field. */
export function validateConfig(raw: RawConfig = {}, opts: ValidateOptions = {}): Config {
  if (raw === null || typeof raw !== 'object') {
    throw new UsageError(`config: expected an object, received ${describeReceived(raw)}`);
  }
  const nameOf = opts.nameOf ?? ((f: keyof Config) => f);
  const fail = (field: keyof Config, expected: string, received: unknown, note = ''): never => {
    const name = nameOf(field);
    throw new UsageError(`${name}: expected ${expected}, received ${describeReceived(received)}${note}`, name);
  };
  const known = new Set<string>([...Object.keys(defaults), 'seed']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      throw new UsageError(`config: unknown field ${JSON.stringify(key)}; expected one of ${[...known].join(', ')}`);
    }
  }

  const int = (field: keyof Config, fallback: number, min: number, max: number, expected?: string): number => {
    const v = raw[field];
    if (v === undefined) return fallback;
    const n = toInteger(v);
    const what = expected ?? `an integer from ${min} to ${max}`;
    if (!Number.isSafeInteger(n)) fail(field, what, v);
    if (n < min || n > max) fail(field, what, v);
    return n;
  };
  const real = (field: keyof Config, fallback: number, min: number, max: number): number => {
    const v = raw[field];
    if (v === undefined) return fallback;
    const n = toReal(v);
    const what = `a number from ${min} to ${max}`;
    if (Number.isNaN(n) || n < min || n > max) fail(field, what, v);
    return n;
  };
  const choice = <T extends string>(field: keyof Config, fallback: T, choices: readonly T[]): T => {
    const v = raw[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      fail(field, `one of ${choices.join(', ')}`, v);
    }
    return v as T;
  };

  const mode: Mode = choice('mode', defaults.mode, Modes);
  const workload: Workload = choice('workload', defaults.workload, Workloads);

  const seedRaw = raw.seed;
  const seed =
    seedRaw === undefined || seedRaw === null
      ? (opts.randomSeed ?? randomSeed)()
      : int('seed', 0, 0, 0xffff_ffff, 'an integer from 0 to 4294967295 (decimal or 0x hex)');

  const nodes = int('nodes', defaults.nodes, 1, limits.nodesMax);
  const processes = int('processes', defaults.processes, 1, limits.processesPerNodeMax);

  let durationMs: number = defaults.durationMs;
  if (raw.durationMs !== undefined) {
    const v = raw.durationMs;
    if (typeof v === 'string') durationMs = parseDuration(v, nameOf('durationMs'));
    else durationMs = int('durationMs', defaults.durationMs, 1, limits.durationMaxMs, 'a duration in milliseconds');
    if (durationMs < 1 || durationMs > limits.durationMaxMs) {
      fail('durationMs', `a duration from 1ms to 24h (limits.durationMaxMs)`, v);
    }
  }
  const ops = int('ops', defaults.ops, 0, limits.opsMax, `an integer from 0 (unbounded) to ${limits.opsMax}`);

  const blockSize = int(
    'blockSize',
    defaults.blockSize,
    limits.blockSizeMin,
    limits.blockSizeMax,
    `a power of two from ${limits.blockSizeMin} to ${limits.blockSizeMax}`,
  );
  if ((blockSize & (blockSize - 1)) !== 0) {
    fail('blockSize', `a power of two from ${limits.blockSizeMin} to ${limits.blockSizeMax}`, raw.blockSize);
  }
  const journalBlocks = int('journalBlocks', defaults.journalBlocks, limits.journalBlocksMin, limits.journalBlocksMax);
  const rgrps = int('rgrps', defaults.rgrps, 1, limits.rgrpsMax);
  // At least a few bitmap bytes per rgrp, so allocation has room to search.
  const rgrpDataBlocks = int('rgrpDataBlocks', defaults.rgrpDataBlocks, 16, limits.rgrpDataBlocksMax);
  const files = int('files', defaults.files, 1, limits.dlmResourcesMax);
  const hotSkew = real('hotSkew', defaults.hotSkew, 0, 1);
  const readFraction = real('readFraction', defaults.readFraction, 0, 1);
  const hz = int(
    'hz',
    defaults.hz,
    hzMin,
    hzMax,
    `an integer from ${hzMin} to ${hzMax} (the kernel uses 100, 250, 300 or 1000)`,
  );
  const timeScale = real('timeScale', defaults.timeScale, 0, timeScaleMax);

  // Every workload process may hold one operation's log reservation at once; together they
  // must fit in what one journal flush can carry.
  const reserve = opReserveBlocksFor(rgrpDataBlocks, blockSize);
  if (processes * reserve > inCoreLogBlocks(journalBlocks)) {
    const need = processes * reserve + 8;
    throw new UsageError(
      `${nameOf('journalBlocks')}: expected at least ${need} blocks for ${processes} processes per node (each may hold a ${reserve}-block log reservation), received ${journalBlocks}`,
      nameOf('journalBlocks'),
    );
  }

  let remountAfterMs: number = defaults.remountAfterMs;
  if (raw.remountAfterMs !== undefined && raw.remountAfterMs !== null) {
    const v = raw.remountAfterMs;
    remountAfterMs =
      typeof v === 'string'
        ? parseDuration(v, nameOf('remountAfterMs'))
        : int('remountAfterMs', 0, 0, limits.durationMaxMs, 'a duration in milliseconds');
  }

  let dumpJournalsDir: string | null = defaults.dumpJournalsDir;
  if (raw.dumpJournalsDir !== undefined && raw.dumpJournalsDir !== null) {
    if (typeof raw.dumpJournalsDir !== 'string' || raw.dumpJournalsDir.trim() === '') {
      fail('dumpJournalsDir', 'a directory path', raw.dumpJournalsDir);
    }
    dumpJournalsDir = raw.dumpJournalsDir as string;
  }
  let json: boolean = defaults.json;
  if (raw.json !== undefined) {
    if (typeof raw.json !== 'boolean') fail('json', 'true or false', raw.json);
    json = raw.json as boolean;
  }

  // Relationships between fields.
  const dataBlocks = rgrps * rgrpDataBlocks;
  // Each file needs its dinode and room for at least one data block.
  if (files * 2 > dataBlocks) {
    fail(
      'files',
      `at most ${Math.floor(dataBlocks / 2)} files for ${rgrps} rgrps × ${rgrpDataBlocks} data blocks (a dinode and a data block each)`,
      raw.files ?? files,
    );
  }
  // DLM resources are never reclaimed here (no rsb toss), so the table must hold every name a
  // run can use: an inode glock for any data block that may become a dinode, the directory
  // blocks, the rgrps, two per journal, and the fixed glocks — at most half full, so probes
  // stay short.
  const glocks = dataBlocks + Math.ceil(files / 16) + rgrps + 2 * nodes + fixedGlocksReserved;
  if (glocks * 2 > limits.dlmResourcesMax) {
    fail(
      'rgrpDataBlocks',
      `rgrps × rgrp-data-blocks small enough that every possible glock name fits half of the ${limits.dlmResourcesMax} DLM resources (limits.dlmResourcesMax)`,
      raw.rgrpDataBlocks ?? rgrpDataBlocks,
      ` (${rgrps} × ${rgrpDataBlocks} needs ${glocks})`,
    );
  }
  const bytes = estimateSharedBytes({ nodes, blockSize, journalBlocks, rgrps, rgrpDataBlocks, files });
  if (bytes > limits.sharedBytesMax) {
    const name = nameOf('journalBlocks');
    throw new UsageError(
      `${name}: expected a disk of at most ${formatBytes(limits.sharedBytesMax)} of shared memory (limits.sharedBytesMax), ` +
        `received a config needing ${formatBytes(bytes)} (${nodes} journals × ${journalBlocks} blocks + ` +
        `${rgrps} rgrps × ${rgrpDataBlocks} data blocks, ${blockSize}-byte blocks)`,
      name,
    );
  }

  return {
    mode,
    seed,
    nodes,
    processes,
    durationMs,
    ops,
    blockSize,
    journalBlocks,
    rgrps,
    rgrpDataBlocks,
    workload,
    hotSkew,
    readFraction,
    files,
    hz,
    timeScale,
    remountAfterMs,
    dumpJournalsDir,
    json,
  };
}

/**
 * A lower-bound estimate of the shared disk in bytes: journals, rgrp headers + bitmaps + data,
 * and one metadata block per file. src/memory/layout.ts computes the exact figure.
 */
export function estimateSharedBytes(
  c: Pick<Config, 'nodes' | 'blockSize' | 'journalBlocks' | 'rgrps' | 'rgrpDataBlocks' | 'files'>,
): number {
  const bitmapBytes = Math.ceil(c.rgrpDataBlocks / 4);
  const rgrpMetaBlocks = 1 + Math.ceil(bitmapBytes / c.blockSize);
  const blocks = c.nodes * c.journalBlocks + c.rgrps * (rgrpMetaBlocks + c.rgrpDataBlocks) + c.files;
  return blocks * c.blockSize;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** Validate a protocol name (`--protocol`). */
export function validateProtocol(value: unknown, name = 'protocol'): Protocol {
  if (value === undefined || value === null) return defaultProtocol;
  if (typeof value !== 'string' || !(Protocols as readonly string[]).includes(value)) {
    throw new UsageError(`${name}: expected one of ${Protocols.join(', ')}, received ${describeReceived(value)}`, name);
  }
  return value as Protocol;
}

/** What `run` (and later `scenario`) needs beside the Config until Config grows these fields. */
export interface RunOptions {
  readonly config: Config;
  readonly protocol: Protocol;
  /** The fault plan as given (`--faults`), unparsed; null for none. */
  readonly faults: string | null;
}

/** Validate a raw config plus protocol and fault plan. */
export function validateRunOptions(
  raw: RawConfig & { readonly protocol?: unknown; readonly faults?: unknown },
  opts: ValidateOptions = {},
): RunOptions {
  const { protocol: rawProtocol, faults: rawFaults, ...rest } = raw;
  const nameOf = opts.nameOf as ((f: string) => string) | undefined;
  const protocol = validateProtocol(rawProtocol, nameOf ? nameOf('protocol') : 'protocol');
  let faults: string | null = null;
  if (rawFaults !== undefined && rawFaults !== null) {
    const name = nameOf ? nameOf('faults') : 'faults';
    if (typeof rawFaults !== 'string' || rawFaults.trim() === '') {
      throw new UsageError(
        `${name}: expected a fault plan such as "random", received ${describeReceived(rawFaults)}`,
        name,
      );
    }
    faults = rawFaults.trim();
    if (faults === 'none') faults = null;
  }
  const config = validateConfig(rest, opts);
  // Parse the plan now (a bad plan is a usage error) and keep its canonical text, so that
  // `random` is printed and recorded as the plan it drew and a saved command reproduces it.
  const plan = resolveFaultPlan(faults, { seed: config.seed, nodes: config.nodes, durationMs: config.durationMs });
  faults = plan.faults.length === 0 ? null : formatFaultPlan(plan);
  return { config, protocol, faults };
}
