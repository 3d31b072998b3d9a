// `gfs2-stress run`: one cluster run. Validates the flags into a Config (exit 2 on bad input),
// prints the seed and every derived option first (stderr), shows progress (stderr), calls the
// orchestrator, then prints the summary (stdout, or stderr with --json) and the JSON document
// (stdout with --json). Exit: 0 ok, 1 violation, 70 crash, 130 interrupted.

import { type Command, Option } from 'commander';
import {
  defaultProtocol,
  defaults,
  estimateSharedBytes,
  flagName,
  Protocols,
  type RawConfig,
  type RunOptions,
  validateRunOptions,
} from '../../config/config.js';
import { formatDuration } from '../../config/duration.js';
import { type Config, Modes, Workloads } from '../../config/types.js';
import type { ClusterMemory } from '../../memory/cluster-memory.js';
import type { EventObserver } from '../../orchestrator/consumer.js';
import { toJson } from '../../report/json.js';
import type { GlockProfile } from '../../report/result.js';
import { collectEnv, errorInfo, type Progress, type RunResult, SCHEMA_VERSION, toolInfo } from '../../report/result.js';
import { formatSummary } from '../../report/summary.js';
import { attachTrace, traceLine } from '../../report/trace/attach.js';
import { ExitCode } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { createProgressReporter, styleFor, writeText } from '../output.js';
import type { CliContext } from '../program.js';

/** What the orchestrator's runCluster accepts besides the config. */
export interface RunClusterOptions {
  readonly protocol: string;
  readonly faults: string | null;
  /** Run a scenario's scripts instead of the random workload. */
  readonly scenario?: string;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
  /**
   * Extra passive observers of every event record (a trace writer, a contention profile). They
   * see records in drain order (threads mode: per node in order, nodes interleaved by drain).
   */
  readonly observers?: readonly EventObserver[];
  /**
   * A per-glock contention profiler (`profile`; off for `run` because it costs a map update per
   * glock event): attached to the shared memory before the nodes start, read after they stop.
   */
  readonly glockProfiler?: GlockProfilerHook;
}

/** What the orchestrator needs of a glock profiler (src/profile/collector.ts implements it). */
export interface GlockProfilerHook {
  attach(mem: ClusterMemory, config: Config): EventObserver;
  collect(): readonly GlockProfile[];
}

export type RunClusterFn = (config: Config, opts: RunClusterOptions) => Promise<RunResult>;

/** The flags as commander hands them over: strings, booleans, undefined when not given. */
export interface RunFlags {
  readonly mode?: string;
  readonly seed?: string;
  readonly nodes?: string;
  readonly processes?: string;
  readonly duration?: string;
  readonly ops?: string;
  readonly blockSize?: string;
  readonly journalBlocks?: string;
  readonly rgrps?: string;
  readonly rgrpDataBlocks?: string;
  readonly workload?: string;
  readonly hotSkew?: string;
  readonly readFraction?: string;
  readonly files?: string;
  readonly hz?: string;
  readonly timeScale?: string;
  readonly dumpJournals?: string;
  readonly remountAfter?: string;
  readonly protocol?: string;
  readonly faults?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly color?: boolean;
  readonly trace?: string;
}

/** Config field → the flag that sets it, for error messages. */
export function runFlagOf(field: string): string {
  if (field === 'durationMs') return '--duration';
  if (field === 'dumpJournalsDir') return '--dump-journals';
  if (field === 'remountAfterMs') return '--remount-after';
  return flagName(field);
}

/** Turn commander's flags into validated run options (throws UsageError). */
export function runOptionsFromFlags(f: RunFlags, randomSeed?: () => number): RunOptions {
  const raw: Record<string, unknown> = {
    mode: f.mode,
    seed: f.seed,
    nodes: f.nodes,
    processes: f.processes,
    durationMs: f.duration,
    ops: f.ops,
    blockSize: f.blockSize,
    journalBlocks: f.journalBlocks,
    rgrps: f.rgrps,
    rgrpDataBlocks: f.rgrpDataBlocks,
    workload: f.workload,
    hotSkew: f.hotSkew,
    readFraction: f.readFraction,
    files: f.files,
    hz: f.hz,
    timeScale: f.timeScale,
    dumpJournalsDir: f.dumpJournals,
    remountAfterMs: f.remountAfter,
    json: f.json === true,
    protocol: f.protocol,
    faults: f.faults,
  };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  return validateRunOptions(raw as RawConfig & { protocol?: unknown; faults?: unknown }, {
    nameOf: runFlagOf,
    ...(randomSeed !== undefined ? { randomSeed } : {}),
  });
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** The header printed before a run: the seed first, then every derived option. */
export function formatRunHeader(o: RunOptions, seedGiven: boolean): string {
  const c = o.config;
  const lines = [
    `gfs2-stress ${toolInfo().version} run: seed ${c.seed}${seedGiven ? '' : ` (random; repeat with --seed ${c.seed})`}`,
    `  mode ${c.mode}  protocol ${o.protocol}  faults ${o.faults ?? 'none'}`,
    `  nodes ${c.nodes} × processes ${c.processes}  duration ${formatDuration(c.durationMs)}  ops ${c.ops === 0 ? 'unbounded' : c.ops}`,
    `  workload ${c.workload}  hot-skew ${c.hotSkew}  read-fraction ${c.readFraction}  files ${c.files}`,
    `  block-size ${c.blockSize}  journal-blocks ${c.journalBlocks} (${mib(c.journalBlocks * c.blockSize)} each)  rgrps ${c.rgrps} × rgrp-data-blocks ${c.rgrpDataBlocks}  disk ≥ ${mib(estimateSharedBytes(c))}`,
    `  hz ${c.hz}  time-scale ${c.timeScale}  dump-journals ${c.dumpJournalsDir ?? '-'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The exit code a result implies. */
export function exitCodeOf(r: Pick<RunResult, 'state' | 'checker'>): number {
  if (r.state === 'errored') return ExitCode.internal;
  if (!r.checker.ok) return ExitCode.violation;
  if (r.state === 'interrupted') return ExitCode.interrupted;
  return ExitCode.ok;
}

/** A result document for a run that produced none (runCluster threw), so --json still has one. */
export function emptyRunResult(
  o: RunOptions,
  command: readonly string[],
  startedAt: Date,
  wallMs: number,
  state: 'errored' | 'interrupted',
  err: unknown,
): RunResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    state,
    error: err === undefined ? null : errorInfo(err),
    tool: toolInfo(),
    env: collectEnv(),
    command,
    seed: o.config.seed,
    mode: o.config.mode,
    protocol: o.protocol,
    faults: o.faults,
    config: o.config,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    wallMs,
    totals: { ops: 0, opsPerSec: 0 },
    nodes: [],
    journals: [],
    historyHash: null,
    checker: { ok: true, violations: [] },
    latency: {},
    messages: [],
  };
}

async function loadRunCluster(): Promise<RunClusterFn> {
  // Loaded on demand so that usage errors and --help never load the engine.
  const mod = await import('../../orchestrator/run.js');
  return mod.runCluster;
}

/** Execute a validated run; resolves to the exit code. */
export async function executeRun(o: RunOptions, flags: RunFlags, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const json = o.config.json;
  const colorFlag = flags.color !== false;
  // The summary is the main output without --json; with --json it is human text, so stderr.
  const summaryStream = json ? io.stderr : io.stdout;
  // Checked before the run: a bad --trace path is a usage error that costs no run.
  const trace = flags.trace === undefined ? null : attachTrace({ file: flags.trace });
  await writeText(io.stderr, formatRunHeader(o, flags.seed !== undefined));

  const progress = createProgressReporter(io.stderr, { quiet: flags.quiet === true, totalMs: o.config.durationMs });
  const interrupt = onInterrupt(ctx, io.stderr, 'stopping the run and writing partial results', () => progress.clear());

  const startedAt = new Date();
  const t0 = performance.now();
  let result: RunResult;
  try {
    const runCluster = ctx.runCluster ?? (await loadRunCluster());
    result = await runCluster(o.config, {
      protocol: o.protocol,
      faults: o.faults,
      onProgress: (p) => progress.update(p),
      signal: interrupt.signal,
      ...(trace !== null ? { observers: trace.observers } : {}),
    });
  } catch (err) {
    progress.clear();
    const wallMs = Math.round(performance.now() - t0);
    if (interrupt.aborted()) {
      result = emptyRunResult(o, ctx.command, startedAt, wallMs, 'interrupted', undefined);
    } else {
      // A crash of the engine: the stack goes to stderr (exit 70); --json still gets a document.
      result = emptyRunResult(o, ctx.command, startedAt, wallMs, 'errored', err);
      if (json) await writeText(io.stdout, toJson(result));
      throw err;
    }
  } finally {
    interrupt.dispose();
  }
  progress.clear();
  result = { ...result, command: ctx.command };
  if (interrupt.aborted() && result.state === 'completed') result = { ...result, state: 'interrupted' };

  const traced = trace?.write(result) ?? null;
  await writeText(summaryStream, formatSummary(result, { style: styleFor(summaryStream, io.env, colorFlag) }));
  if (json) await writeText(io.stdout, toJson(result));
  if (traced !== null) await writeText(io.stderr, traceLine(traced));
  // A trace that could not be written is a usage error (the path), unless the run found worse.
  const code = exitCodeOf(result);
  return traced !== null && !traced.ok && code === ExitCode.ok ? ExitCode.usage : code;
}

/** Register `run` on the program. */
export function registerRunCommand(program: Command, ctx: CliContext): Command {
  const d = defaults;
  const cmd = program
    .command('run')
    .description('Run a cluster under a workload, then check it and print a summary')
    .addOption(
      new Option('--mode <mode>', `driver: worker threads or the deterministic simulator (default: ${d.mode})`).choices(
        Modes,
      ),
    )
    .option('--seed <n>', 'seed for everything random, 0..2^32-1 (default: random, printed first)')
    .option('--nodes <n>', `cluster nodes, 1..16 (default: ${d.nodes})`)
    .option('--processes <n>', `workload processes per node (default: ${d.processes})`)
    .option('--duration <time>', `run length, e.g. 500ms, 30s, 5m, 1h30m (default: ${formatDuration(d.durationMs)})`)
    .option('--ops <n>', 'total workload operations; 0 = bounded by --duration only (default: 0)')
    .option('--block-size <bytes>', `block size, a power of two 512..4096 (default: ${d.blockSize})`)
    .option('--journal-blocks <n>', `blocks per node journal, >= 32 (default: ${d.journalBlocks})`)
    .option('--rgrps <n>', `resource groups (default: ${d.rgrps})`)
    .option('--rgrp-data-blocks <n>', `data blocks per resource group (default: ${d.rgrpDataBlocks})`)
    .addOption(new Option('--workload <name>', `workload shape (default: ${d.workload})`).choices(Workloads))
    .option('--hot-skew <f>', `fraction of operations on the hot set, 0..1 (default: ${d.hotSkew})`)
    .option('--read-fraction <f>', `fraction of read-only operations, 0..1 (default: ${d.readFraction})`)
    .option('--files <n>', `file slots in the cluster (default: ${d.files})`)
    .option('--hz <n>', `kernel HZ, 10..10000; protocol delays are in jiffies (default: ${d.hz})`)
    .option('--time-scale <f>', `multiplier on protocol delays, 0 = full speed (default: ${d.timeScale})`)
    .option('--remount-after <duration>', 'a withdrawn node remounts this long after its withdraw (default: never)')
    .option('--dump-journals <dir>', 'write each journal as raw blocks into DIR (live image and after unmount)')
    .addOption(new Option('--protocol <name>', `withdraw protocol (default: ${defaultProtocol})`).choices(Protocols))
    .option('--faults <plan>', 'fault plan, e.g. "random" (default: none)')
    .option('--json', 'write the result as one JSON document to stdout; human text goes to stderr')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colour (also off when NO_COLOR is set or output is not a TTY)')
    .option('--trace <file>', 'write a Chrome trace-event timeline (open in ui.perfetto.dev) to FILE')
    .addHelpText(
      'after',
      `
Examples:
  gfs2-stress run
  gfs2-stress run --mode sim --seed 42 --json > result.json
  gfs2-stress run --nodes 8 --duration 1m --workload contended --protocol release-recover`,
    )
    .action(async (flags: RunFlags) => {
      const o = runOptionsFromFlags(flags);
      ctx.exitCode = await executeRun(o, flags, ctx);
    });
  return cmd;
}
