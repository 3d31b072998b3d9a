// `gfs2-stress bench [part]`: run the benchmark suites of issue #4 (bench/<suite>/index.ts),
// write results/<suite>-<date>.json per suite and regenerate results/README.md. Human text: the
// header and progress go to stderr, each suite's table to stdout (stderr with --json, where
// stdout carries only the combined document).
//
// Exit codes: 0 when the suites ran, whether or not each P-row met its target (the tables say
// so: issue #4 asks for a report, and a slow shared machine must not look like a failure);
// 3 with --check when a P-row missed its target; 2 for a bad command line; 70 when a suite
// crashed or returned a malformed result (nothing is written for it); 130 on Ctrl-C, after
// writing the suites finished so far and the interrupted suite's partial figures.

import { existsSync, statSync } from 'node:fs';
import { Argument, type Command } from 'commander';
import { SUITE_NAMES, type SuiteName } from '../../../bench/suite.js';
import { formatBenchText } from '../../bench/format.js';
import { missedTargets, runBench, type SuiteLoader } from '../../bench/runner.js';
import { toInteger } from '../../config/config.js';
import { UsageError } from '../../config/errors.js';
import { toJson } from '../../report/json.js';
import { toolInfo } from '../../report/result.js';
import { ExitCode } from '../exit-codes.js';
import { onInterrupt } from '../interrupt.js';
import { writeText } from '../output.js';
import type { CliContext } from '../program.js';

/** A fixed seed by default (benchmarks repeat the same work every run). */
export const DEFAULT_BENCH_SEED = 1;
export const DEFAULT_RESULTS_DIR = 'results';

export interface BenchFlags {
  readonly quick?: boolean;
  readonly json?: boolean;
  readonly out?: string;
  readonly seed?: string;
  readonly check?: boolean;
}

export function parseBenchSeed(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_BENCH_SEED;
  const n = toInteger(raw);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff)
    throw new UsageError(`--seed: expected an integer from 0 to 4294967295, received ${JSON.stringify(raw)}`, '--seed');
  return n;
}

function checkOutDir(dir: string): void {
  if (dir.trim() === '') throw new UsageError('--out: expected a directory, received ""', '--out');
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(`--out: expected a directory, received ${JSON.stringify(dir)}, which is a file`, '--out');
}

/** Execute `bench`; resolves to the exit code. `loadSuite` replaces the real suites (tests). */
export async function executeBench(
  part: string,
  flags: BenchFlags,
  ctx: CliContext,
  loadSuite?: SuiteLoader,
): Promise<number> {
  const { io } = ctx;
  const parts: readonly SuiteName[] = part === 'all' ? SUITE_NAMES : [part as SuiteName];
  const seed = parseBenchSeed(flags.seed);
  const outDir = flags.out ?? DEFAULT_RESULTS_DIR;
  checkOutDir(outDir);
  const json = flags.json === true;
  const human = json ? io.stderr : io.stdout;
  await writeText(
    io.stderr,
    `gfs2-stress ${toolInfo().version} bench: ${parts.join(', ')} (${flags.quick === true ? 'quick' : 'full'}, seed ${seed}) → ${outDir}/\n`,
  );

  const interrupt = onInterrupt(ctx, io.stderr, 'stopping the suite and writing partial results');
  let outcome: Awaited<ReturnType<typeof runBench>>;
  try {
    outcome = await runBench({
      parts,
      quick: flags.quick === true,
      seed,
      outDir,
      command: ctx.command,
      log: (line) => io.stderr.write(`  ${line}\n`),
      signal: interrupt.signal,
      ...(loadSuite !== undefined ? { loadSuite } : {}),
      onSuiteDone: (doc, path) => human.write(formatBenchText(doc, path)),
    });
  } finally {
    interrupt.dispose();
  }
  const { document } = outcome;
  await writeText(io.stderr, `README: ${outcome.readmePath}\n`);
  if (json) await writeText(io.stdout, toJson(document));
  if (document.state === 'interrupted') return ExitCode.interrupted;
  const missed = missedTargets(document.suites);
  if (missed.length > 0) {
    await writeText(io.stderr, `targets missed: ${missed.join(', ')}\n`);
    if (flags.check === true) return ExitCode.threshold;
  }
  return ExitCode.ok;
}

/** Register `bench` on the program. `loadSuite` replaces the real suites (tests). */
export function registerBenchCommand(program: Command, ctx: CliContext, loadSuite?: SuiteLoader): Command {
  return program
    .command('bench')
    .description('Run the benchmark suites; write results/<suite>-<date>.json and results/README.md')
    .addArgument(new Argument('[part]', 'which suite').choices([...SUITE_NAMES, 'all']).default('all'))
    .option('--quick', 'smoke size (the whole `bench all --quick` takes under a minute)')
    .option('--json', 'write one combined JSON document to stdout; human text goes to stderr')
    .option('--out <dir>', `directory for the result files and README.md (default: ${DEFAULT_RESULTS_DIR})`)
    .option('--seed <n>', `seed for every random choice of the suites (default: ${DEFAULT_BENCH_SEED})`)
    .option('--check', 'exit 3 when any P-row misses its target (default: report only, exit 0)')
    .addHelpText(
      'after',
      `
Results: one <suite>-<YYYY-MM-DD>.json per suite and day (UTC; the same day overwrites), and
README.md regenerated from every bench result in the directory (text above <!-- generated -->
is kept). Compare two results with \`gfs2-stress compare A.json B.json\`.

Examples:
  gfs2-stress bench
  gfs2-stress bench micro --quick
  gfs2-stress bench all --json --out /tmp/bench > bench.json`,
    )
    .action(async (part: string, flags: BenchFlags) => {
      ctx.exitCode = await executeBench(part, flags, ctx, loadSuite);
    });
}
