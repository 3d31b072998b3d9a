// `gfs2-stress profile`: a run (with or without faults) with the glock profiler attached, then
// contention in GFS2's vocabulary: glstats, glocktop, a `perf lock contention` table and
// per-node fairness. The run flags are run's (runOptionsFromFlags); the defaults differ only in
// duration (3 s: a profile wants a contended sample, not a soak). Views go to stdout (stderr
// with --json, which writes the RunResult with `glocks`); `-x SEP` makes the contention table
// the only stdout output, as CSV.

import { type Command, Option } from 'commander';
import { defaultProtocol, Protocols } from '../../config/config.js';
import { Modes, Workloads } from '../../config/types.js';
import { type GlockProfileDetail, GlockProfiler } from '../../profile/collector.js';
import { ContentionSorts, formatContention, sortContention } from '../../profile/contention.js';
import { formatFairness } from '../../profile/fairness.js';
import { formatLive, formatRunView, type LiveSnapshot, snapshotLoad, takeSnapshot } from '../../profile/glocktop.js';
import { formatGlstats } from '../../profile/glstats.js';
import { type ProfileFlags, type ProfileOptions, ProfileViews, parseProfileOptions } from '../../profile/options.js';
import { toJson } from '../../report/json.js';
import type { RunResult } from '../../report/result.js';
import { formatSummary } from '../../report/summary.js';
import { attachTrace, traceLine } from '../../report/trace/attach.js';
import { ExitCode } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { createProgressReporter, type OutStream, styleFor, writeText } from '../output.js';
import type { CliContext } from '../program.js';
import { emptyRunResult, exitCodeOf, formatRunHeader, type RunFlags, runOptionsFromFlags } from './run.js';

const PROFILE_DURATION = '3s';
/** Snapshot cadence for the busiest-moment glocktop view when not refreshing live. */
const SAMPLE_MS = 100;

type Flags = RunFlags & ProfileFlags;

/** The human views, in the order asked. */
export function formatViews(
  glocks: readonly GlockProfileDetail[],
  nodes: number,
  p: ProfileOptions,
  busiest: LiveSnapshot | null,
): string {
  const parts: string[] = [];
  for (const v of p.views) {
    if (v === 'glstats')
      parts.push(
        `glstats (top ${p.top} by qcount; ns; per-node records: counts summed, means weighted by dcount)\n${formatGlstats(glocks, p.top)}`,
      );
    if (v === 'glocktop') {
      parts.push(formatRunView(glocks, p.top));
      if (busiest !== null) parts.push(formatLive(busiest, p.top, 'glocktop (busiest sample)'));
    }
    if (v === 'contention' && p.separator === undefined)
      parts.push(`contention (perf lock style, sorted by ${p.sort})\n${formatContention(glocks, p)}`);
    if (v === 'fairness')
      parts.push(
        `fairness (grants per node, locktorture style)\n${formatFairness(glocks, sortContention(glocks, 'contended').slice(0, p.top), nodes)}`,
      );
  }
  return parts.join('\n');
}

async function executeProfile(flags: Flags, ctx: CliContext): Promise<number> {
  const p = parseProfileOptions(flags);
  const o = runOptionsFromFlags({ ...flags, duration: flags.duration ?? PROFILE_DURATION });
  const { io } = ctx;
  const json = o.config.json;
  const human: OutStream = json || p.separator !== undefined ? io.stderr : io.stdout;
  await writeText(io.stderr, formatRunHeader(o, flags.seed !== undefined).replace(' run: ', ' profile: '));

  const live = p.intervalMs !== null && io.stdout.isTTY === true && !json && p.separator === undefined;
  if (p.intervalMs !== null && !live)
    await writeText(
      io.stderr,
      'gfs2-stress: --interval ignored: live refresh needs stdout on a TTY (and no --json or -x)\n',
    );
  const progress = createProgressReporter(io.stderr, {
    quiet: flags.quiet === true || live,
    totalMs: o.config.durationMs,
  });
  // Checked before the run: a bad --trace path is a usage error that costs no run.
  const trace = flags.trace === undefined ? null : attachTrace({ file: flags.trace });
  const profiler = new GlockProfiler(o.config.nodes);
  const t0 = performance.now();
  let busiest: LiveSnapshot | null = null;
  const timer = setInterval(
    () => {
      if (profiler.memory === null) return;
      const s = takeSnapshot(profiler, performance.now() - t0);
      if (busiest === null || snapshotLoad(s) > snapshotLoad(busiest)) busiest = s;
      if (live) io.stdout.write(`\x1b[H\x1b[2J${formatLive(s, p.top, 'glocktop (live)')}`);
    },
    live ? (p.intervalMs ?? SAMPLE_MS) : SAMPLE_MS,
  );
  const interrupt = onInterrupt(ctx, io.stderr, 'stopping the run and writing partial results', () => progress.clear());
  const startedAt = new Date();
  let result: RunResult;
  try {
    const runCluster = ctx.runCluster ?? (await import('../../orchestrator/run.js')).runCluster;
    result = await runCluster(o.config, {
      protocol: o.protocol,
      faults: o.faults,
      onProgress: (pr) => progress.update(pr),
      signal: interrupt.signal,
      glockProfiler: profiler,
      ...(trace !== null ? { observers: trace.observers } : {}),
    });
  } catch (err) {
    if (!interrupt.aborted()) throw err;
    result = emptyRunResult(o, ctx.command, startedAt, Math.round(performance.now() - t0), 'interrupted', undefined);
  } finally {
    clearInterval(timer);
    interrupt.dispose();
    progress.clear();
  }
  result = { ...result, command: ctx.command };
  if (interrupt.aborted() && result.state === 'completed') result = { ...result, state: 'interrupted' };
  const glocks = (result.glocks ?? []) as readonly GlockProfileDetail[];

  await writeText(io.stderr, formatSummary(result, { style: styleFor(io.stderr, io.env, flags.color !== false) }));
  await writeText(human, formatViews(glocks, o.config.nodes, p, busiest));
  if (p.separator !== undefined && p.views.includes('contention'))
    await writeText(io.stdout, formatContention(glocks, p));
  if (json) await writeText(io.stdout, toJson(result));
  const traced = trace?.write(result) ?? null;
  if (traced !== null) await writeText(io.stderr, traceLine(traced));
  const code = exitCodeOf(result);
  return traced !== null && !traced.ok && code === ExitCode.ok ? ExitCode.usage : code;
}

/** Register `profile` on the program. */
export function registerProfileCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('profile')
    .description('Run a workload and report glock contention: glstats, glocktop, perf-lock-style table, fairness')
    .addOption(
      new Option('--mode <mode>', 'driver: worker threads or the deterministic simulator (default: threads)').choices(
        Modes,
      ),
    )
    .option('--seed <n>', 'seed for everything random (default: random, printed first)')
    .option('--nodes <n>', 'cluster nodes, 1..16 (default: 4)')
    .option('--processes <n>', 'workload processes per node (default: 4)')
    .option('--duration <time>', `run length, e.g. 500ms, 3s (default: ${PROFILE_DURATION})`)
    .option('--ops <n>', 'total workload operations; 0 = bounded by --duration only (default: 0)')
    .addOption(new Option('--workload <name>', 'workload shape (default: mixed)').choices(Workloads))
    .option('--hot-skew <f>', 'fraction of operations on the hot set, 0..1 (default: 0.8)')
    .option('--read-fraction <f>', 'fraction of read-only operations, 0..1 (default: 0.3)')
    .option('--files <n>', 'file slots in the cluster (default: 256)')
    .option('--hz <n>', 'kernel HZ (default: 1000)')
    .option('--time-scale <f>', 'multiplier on protocol delays, 0 = full speed (default: 1)')
    .addOption(new Option('--protocol <name>', `withdraw protocol (default: ${defaultProtocol})`).choices(Protocols))
    .option('--faults <plan>', 'fault plan, e.g. "random" (default: none)')
    .option('--top <n>', 'glocks per view (default: 10)')
    .option('--sort <key>', `contention table order: ${ContentionSorts.join('|')} (default: contended)`)
    .option('-x, --field-separator <sep>', 'contention table as CSV with this separator on stdout (perf lock -x)')
    .option('--interval <time>', 'refresh the glocktop view live on a TTY, e.g. 1s')
    .option('--view <name>', `${ProfileViews.join('|')} (default: all)`)
    .option('--trace <file>', 'write a Chrome trace-event timeline (open in ui.perfetto.dev) to FILE')
    .option('--json', 'write the result (with glocks) as JSON to stdout; views go to stderr')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colour')
    .addHelpText(
      'after',
      `
Examples:
  gfs2-stress profile --mode sim --seed 7
  gfs2-stress profile --view contention --sort wait-max -x,
  gfs2-stress profile --faults random --interval 1s`,
    )
    .action(async (flags: Flags) => {
      ctx.exitCode = await executeProfile(flags, ctx);
    });
}
