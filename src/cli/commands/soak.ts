// `gfs2-stress soak`: many seeds of randomized fault plans for one protocol (issue #5). Sim
// seeds run in a piscina pool on every core; threads seeds (--mode threads, --threads-ratio)
// run one at a time in this process. Failing seeds are saved with their replay command, a
// sample is rerun to check determinism, a few failures can be shrunk, and the result document
// (mergeable across shards) is written to OUT/result.json. Exit: 0 clean, 1 violations,
// 2 usage, 70 a tool bug (crash, timeout, historyHash mismatch), 130 interrupted.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { Protocols } from '../../config/config.js';
import { formatDuration } from '../../config/duration.js';
import { toJson } from '../../report/json.js';
import { inProcessExecutor, poolExecutor, type SeedExecutor } from '../../soak/executor.js';
import { saveFailure } from '../../soak/failures.js';
import {
  RECHECK_DEFAULT,
  SEED_TIMEOUT_DEFAULT_MS,
  SHRINK_MAX_DEFAULT,
  type SoakCliOptions,
  type SoakFlags,
  soakOptionsFromFlags,
  soakSeedDefaults,
} from '../../soak/options.js';
import { createSoakProgress } from '../../soak/progress.js';
import type { SoakResult, SoakShrink } from '../../soak/result.js';
import { runSoak, type SoakExecutors } from '../../soak/runner.js';
import type { SeedOutcome, SeedRunCluster } from '../../soak/seed.js';
import { SHRINK_ATTEMPTS_DEFAULT, shrinkFailure } from '../../soak/shrink.js';
import { formatSoakSummary } from '../../soak/summary.js';
import { ExitCode } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { styleFor, writeText } from '../output.js';
import type { CliContext } from '../program.js';

export function soakExitCode(r: SoakResult): number {
  if (r.problems.length > 0 || r.recheck.mismatches.length > 0) return ExitCode.internal;
  if (r.state === 'interrupted') return ExitCode.interrupted;
  return r.violatedSeeds > 0 ? ExitCode.violation : ExitCode.ok;
}

export interface SoakDeps {
  /** Executors to use instead of the pool (tests). */
  readonly executors?: SoakExecutors;
  /** Aborts the soak as Ctrl-C does (tests). */
  readonly signal?: AbortSignal;
}

async function loadRunCluster(ctx: CliContext): Promise<SeedRunCluster> {
  if (ctx.runCluster !== undefined) return ctx.runCluster;
  return (await import('../../orchestrator/run.js')).runCluster;
}

/** Shrink up to shrinkMax failing sim seeds, side by side on the executor's slots. */
async function shrinkFailures(
  o: SoakCliOptions,
  failing: readonly SeedOutcome[],
  exec: SeedExecutor,
  signal: AbortSignal,
): Promise<SoakShrink[]> {
  const run = (job: Parameters<SeedExecutor['run']>[0]) => exec.run(job, signal);
  const shrunk = await Promise.all(
    failing.map(async (f) => {
      const s = await shrinkFailure(f, run, { attemptsMax: o.shrinkAttempts, signal });
      const saved = await saveFailure(o.outDir, s.minimal, `${f.seed}.min`, join('failures', `${f.seed}.json`));
      return {
        seed: f.seed,
        invariant: s.invariant,
        file: saved.file,
        attempts: s.attempts,
        before: s.before,
        after: s.after,
        command: saved.command,
      };
    }),
  );
  return shrunk.sort((a, b) => a.seed - b.seed);
}

/** Run a validated soak; resolves to the exit code. */
export async function executeSoak(
  o: SoakCliOptions,
  flags: SoakFlags,
  ctx: CliContext,
  deps: SoakDeps = {},
): Promise<number> {
  const { io } = ctx;
  const json = flags.json === true;
  const summaryStream = json ? io.stderr : io.stdout;
  const bound = [
    o.seeds !== null ? `${o.seeds} seeds from ${o.firstSeed}` : `seeds from ${o.firstSeed}`,
    o.wallMs !== null ? `for at most ${formatDuration(o.wallMs)}` : '',
  ];
  await writeText(
    io.stderr,
    `gfs2-stress soak: protocol ${o.protocol}, ${bound.join(' ').trim()}, shard ${o.shard.index}/${o.shard.count}, faults ${o.faults}\n` +
      `  per seed: mode ${o.mode} (threads ratio ${o.mode === 'threads' ? 1 : o.threadsRatio}), nodes ${o.base.nodes} × processes ${o.base.processes}, run ${formatDuration(o.base.durationMs)}, files ${o.base.files}` +
      `${o.base.journalBlocks !== undefined ? `, journal-blocks ${o.base.journalBlocks}` : ''}\n` +
      `  ${deps.executors !== undefined || ctx.runCluster !== undefined || o.mode === 'threads' ? 'in-process' : `${o.jobs} worker threads`}, recheck ${(o.recheck * 100).toFixed(1)}%, seed timeout ${formatDuration(o.seedTimeoutMs)}, out ${o.outDir}\n`,
  );
  await mkdir(o.outDir, { recursive: true });

  const progress = createSoakProgress(io.stderr, { quiet: flags.quiet === true });
  const interrupt = onInterrupt(ctx, io.stderr, 'abandoning running seeds and writing the partial summary', () =>
    progress.clear(),
  );
  const signal = deps.signal !== undefined ? AbortSignal.any([deps.signal, interrupt.signal]) : interrupt.signal;

  let executors = deps.executors;
  const owned: SeedExecutor[] = [];
  if (executors === undefined) {
    const threads = inProcessExecutor(await loadRunCluster(ctx), 1, o.seedTimeoutMs);
    // With --mode threads every seed is a threads seed: no sim pool to start.
    const sim =
      o.mode === 'threads'
        ? threads
        : ctx.runCluster !== undefined
          ? inProcessExecutor(ctx.runCluster, 1)
          : poolExecutor({ threads: o.jobs, seedTimeoutMs: o.seedTimeoutMs });
    owned.push(sim);
    if (sim !== threads) owned.push(threads);
    executors = { sim, threads };
  }
  const failing: SeedOutcome[] = [];
  let result: SoakResult;
  try {
    result = await runSoak(
      {
        ...o,
        command: ctx.command,
        signal,
        onProgress: (p) => progress.update(p),
        onFailure: (f) => {
          // The lowest failing seeds, whatever order the workers finish them in.
          if (!o.shrink || f.mode !== 'sim') return;
          failing.push(f);
          failing.sort((a, b) => a.seed - b.seed);
          if (failing.length > o.shrinkMax) failing.pop();
        },
      },
      executors,
    );
    progress.stop();
    if (o.shrink && failing.length > 0 && !signal.aborted) {
      await writeText(
        io.stderr,
        `shrinking ${failing.length} failing seeds (at most ${o.shrinkAttempts} runs each)…\n`,
      );
      result = { ...result, shrunk: await shrinkFailures(o, failing, executors.sim, signal) };
    }
    // Ctrl-C during the shrink: the soak's figures are whole, the shrink is not.
    if (signal.aborted) result = { ...result, state: 'interrupted' };
  } finally {
    progress.stop();
    interrupt.dispose();
    for (const e of owned) await e.close();
  }
  await writeFile(join(o.outDir, 'result.json'), toJson(result));
  await writeText(
    summaryStream,
    formatSoakSummary(result, styleFor(summaryStream, io.env, flags.color !== false), o.outDir),
  );
  await writeText(io.stderr, `result: ${join(o.outDir, 'result.json')}\n`);
  if (json) await writeText(io.stdout, toJson(result));
  return soakExitCode(result);
}

/** Register `soak` on the program. */
export function registerSoakCommand(program: Command, ctx: CliContext, configure: (c: Command) => Command): Command {
  const d = soakSeedDefaults;
  const cmd = configure(program.command('soak'))
    .description('Run many seeds of random fault plans for a protocol; save, replay and shrink the failures')
    .option('--seeds <n>', 'seeds to run (this or --duration is required)')
    .option('--duration <time>', 'stop starting seeds after this much wall time, e.g. 1h')
    .option('--first-seed <n>', 'first seed of the range (default: 1)')
    .option('--shard <i/n>', 'run only shard i of n (0-based) of the seed range, e.g. 0/4')
    .addOption(new Option('--protocol <name>', 'withdraw protocol (default: force-withdraw)').choices(Protocols))
    .option('--faults <plan>', 'fault plan per seed (default: random, drawn from each seed)')
    .addOption(new Option('--mode <mode>', 'driver of every seed (default: sim)').choices(['sim', 'threads']))
    .option(
      '--threads-ratio <f>',
      'in sim mode, this fraction of seeds runs under the threads driver instead (default: 0)',
    )
    .option('--nodes <n>', `nodes per seed (default: ${d.nodes})`)
    .option('--processes <n>', `workload processes per node (default: ${d.processes})`)
    .option('--run-duration <time>', `run length of each seed (default: ${formatDuration(d.durationMs)})`)
    .option('--files <n>', `file slots per seed (default: ${d.files})`)
    .option('--journal-blocks <n>', 'blocks per node journal (default: as run)')
    .option('--ops <n>', 'operations per seed, 0 = bounded by --run-duration (default: 0)')
    .option('--time-scale <f>', 'multiplier on protocol delays (default: as run)')
    .option('--recheck <pct>', `rerun this share of sim seeds and compare historyHash (default: ${RECHECK_DEFAULT})`)
    .option('--shrink', 'reduce failing plans to smaller ones that still violate the same invariant')
    .option('--shrink-max <n>', `failures to shrink at most (default: ${SHRINK_MAX_DEFAULT})`)
    .option('--shrink-attempts <n>', `runs per shrink at most (default: ${SHRINK_ATTEMPTS_DEFAULT})`)
    .option('--out <dir>', 'output directory (default: results/soak/<protocol>-<time>)')
    .option('--jobs <n>', 'worker threads (default: all available cores)')
    .option(
      '--seed-timeout <time>',
      `report a seed as stuck after this long (default: ${formatDuration(SEED_TIMEOUT_DEFAULT_MS)})`,
    )
    .option('--json', 'write the result document to stdout; human text goes to stderr')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no colour (also off when NO_COLOR is set or output is not a TTY)')
    .addHelpText(
      'after',
      `
Examples:
  gfs2-stress soak --seeds 2000 --protocol legacy --shrink
  gfs2-stress soak --duration 1h --protocol release-recover --shard 3/8 --out results/soak/rr-3
  gfs2-stress merge results/soak/rr-*/result.json`,
    )
    .action(async (flags: SoakFlags) => {
      const o = soakOptionsFromFlags(flags);
      ctx.exitCode = await executeSoak(o, flags, ctx);
    });
  return cmd;
}
