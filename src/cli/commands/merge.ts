// `gfs2-stress merge FILE…`: combine soak result documents (one per shard) into one: counts
// added, histograms merged, failure files made relative to the merged document's readers (each
// shard's failures keep the path of the shard's directory). Writes the merged document to
// --out (or stdout with --json) and prints its summary. Exit as soak's: 0, 1, 70, 130 for an
// incomplete set, 2 for unreadable or mismatched files.

import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../config/errors.js';
import { toJson } from '../../report/json.js';
import { mergeSoakResults, missingShards, type NamedSoakResult } from '../../soak/merge.js';
import { formatSoakSummary } from '../../soak/summary.js';
import { styleFor, writeText } from '../output.js';
import type { CliContext } from '../program.js';
import { soakExitCode } from './soak.js';

export interface MergeFlags {
  readonly out?: string;
  readonly json?: boolean;
  readonly color?: boolean;
}

async function readSoakFile(path: string): Promise<NamedSoakResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${path}: expected a readable soak result file, received ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: expected JSON, received text that does not parse (${(err as Error).message})`);
  }
  // Failure files are relative to the shard's directory; keep them reachable from anywhere.
  const d = doc as { kind?: unknown; failures?: { file: string }[]; shrunk?: { file: string }[] };
  if (d !== null && typeof d === 'object' && d.kind === 'soak') {
    const dir = dirname(path);
    for (const list of [d.failures, d.shrunk]) {
      if (Array.isArray(list)) for (const f of list) if (typeof f.file === 'string') f.file = join(dir, f.file);
    }
  }
  return { name: path, doc };
}

export async function executeMerge(files: readonly string[], flags: MergeFlags, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  if (files.length === 0) throw new UsageError('merge: expected one or more soak result files, received none');
  const inputs = await Promise.all(files.map(readSoakFile));
  const merged = mergeSoakResults(inputs, ctx.command);
  const summaryStream = flags.json === true ? io.stderr : io.stdout;
  await writeText(summaryStream, formatSoakSummary(merged, styleFor(summaryStream, io.env, flags.color !== false)));
  const missing = missingShards(merged);
  if (missing.length > 0)
    await writeText(io.stderr, `merge: shards ${missing.join(', ')} of ${merged.shards[0]?.count} are missing\n`);
  if (flags.out !== undefined) {
    await writeFile(flags.out, toJson(merged));
    await writeText(io.stderr, `merged result: ${flags.out}\n`);
  }
  if (flags.json === true) await writeText(io.stdout, toJson(merged));
  return soakExitCode(
    missing.length > 0 && merged.state === 'completed' ? { ...merged, state: 'interrupted' } : merged,
  );
}

export function registerMergeCommand(program: Command, ctx: CliContext, configure: (c: Command) => Command): Command {
  return configure(program.command('merge'))
    .description('Combine soak result files (e.g. one per shard) into one, histograms included')
    .argument('<files...>', 'soak result.json files')
    .option('--out <file>', 'write the merged document to FILE')
    .option('--json', 'write the merged document to stdout; the summary goes to stderr')
    .option('--no-color', 'no colour (also off when NO_COLOR is set or output is not a TTY)')
    .addHelpText('after', '\nExample:\n  gfs2-stress merge results/soak/*/result.json --out results/soak/merged.json')
    .action(async (files: string[], flags: MergeFlags) => {
      ctx.exitCode = await executeMerge(files, flags, ctx);
    });
}
