// `gfs2-stress report <result.json|dir> [--out DIR]`: a self-contained report.html (inline SVG
// plots, no network asset) from one run result or a directory of them. Exit 0 on success,
// 2 on bad input (missing or foreign file, unwritable --out).

import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../config/errors.js';
import { ExitCode } from '../exit-codes.js';
import { writeText } from '../output.js';
import type { CliContext } from '../program.js';

interface ReportFlags {
  readonly out?: string;
}

/** Create --out if needed; throws UsageError when it cannot be a directory. */
function outDir(out: string): string {
  const dir = resolve(out);
  try {
    if (!statSync(dir).isDirectory())
      throw new UsageError(`--out: expected a directory, received the file ${JSON.stringify(out)}`, '--out');
    return dir;
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(
      `--out: expected a directory that can be created, received ${JSON.stringify(out)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      '--out',
    );
  }
  return dir;
}

async function runReport(input: string, f: ReportFlags, ctx: CliContext): Promise<number> {
  const { loadRuns } = await import('../../report/html/load.js');
  const loaded = loadRuns(input);
  const dir = outDir(f.out ?? '.');
  // Loaded on demand: vega is large and only this command needs it.
  const { renderReport } = await import('../../report/html/render.js');
  const page = await renderReport(loaded, new Date());
  const file = join(dir, 'report.html');
  try {
    writeFileSync(file, page.html);
  } catch (err) {
    throw new UsageError(
      `--out: could not write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      '--out',
    );
  }
  const skipped = loaded.skipped.length > 0 ? `, ${loaded.skipped.length} file(s) skipped` : '';
  await writeText(
    ctx.io.stderr,
    `report: ${file} (${loaded.runs.length} run(s), ${page.plots} plots, ${page.notes} without data${skipped})\n`,
  );
  return ExitCode.ok;
}

export function registerReportCommand(program: Command, ctx: CliContext, configure: (c: Command) => Command): void {
  configure(
    program
      .command('report')
      .description('Write a self-contained report.html with plots from a run result (or a directory of them)')
      .argument('<input>', 'a result JSON file (run --json) or a directory of them')
      .option('--out <dir>', 'directory for report.html (default: the current directory)')
      .addHelpText(
        'after',
        `
Examples:
  gfs2-stress run --mode sim --faults random --json > result.json && gfs2-stress report result.json --out rep
  gfs2-stress report results/ --out rep`,
      ),
  ).action(async (input: string, f: ReportFlags) => {
    ctx.exitCode = await runReport(input, f, ctx);
  });
}
