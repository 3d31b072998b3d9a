// `gfs2-stress compare A.json B.json`: two bench results (or two run results) side by side with
// a relative change and a significance mark per metric (src/bench/compare.ts). Exit 0 when the
// comparison was printed, whatever it shows; 2 when a file is missing, not JSON, of another
// schema or kind, or the two cannot be compared (different suites, a bench and a run).

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compareDocuments, formatComparison } from '../../bench/compare.js';
import { parseResultDocument, type ResultDocument } from '../../bench/parse.js';
import { toReal } from '../../config/config.js';
import { UsageError } from '../../config/errors.js';
import { toJson } from '../../report/json.js';
import { SCHEMA_VERSION } from '../../report/result.js';
import { ExitCode } from '../exit-codes.js';
import { writeText } from '../output.js';
import type { CliContext } from '../program.js';

export const DEFAULT_ALPHA = 0.05;

export interface CompareFlags {
  readonly json?: boolean;
  readonly alpha?: string;
}

export function parseAlpha(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_ALPHA;
  const a = toReal(raw);
  if (!(a > 0 && a < 1))
    throw new UsageError(
      `--alpha: expected a number between 0 and 1 (exclusive), received ${JSON.stringify(raw)}`,
      '--alpha',
    );
  return a;
}

function readDocument(path: string): ResultDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? (err as Error).message);
    throw new UsageError(`${path}: expected a readable result file, received ${why}`);
  }
  return parseResultDocument(text, path);
}

export async function executeCompare(a: string, b: string, flags: CompareFlags, ctx: CliContext): Promise<number> {
  const alpha = parseAlpha(flags.alpha);
  const c = compareDocuments(readDocument(a), readDocument(b), { a, b }, alpha);
  if (flags.json === true) await writeText(ctx.io.stdout, toJson({ schemaVersion: SCHEMA_VERSION, ...c }));
  else await writeText(ctx.io.stdout, formatComparison(c));
  return ExitCode.ok;
}

export function registerCompareCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('compare')
    .description('Compare two result files: medians, relative change, Mann–Whitney significance')
    .argument('<a>', 'the baseline result (JSON)')
    .argument('<b>', 'the result to compare with it (JSON)')
    .option('--json', 'write the comparison as one JSON document to stdout')
    .option('--alpha <p>', `significance level; p ≥ alpha prints ~ (default: ${DEFAULT_ALPHA})`)
    .addHelpText(
      'after',
      `
Reads bench results (results/<suite>-<date>.json, or a \`bench --json\` document: suites present in
both are compared) or two \`run --json\` results (single figures, shown untested).

Examples:
  gfs2-stress compare results/micro-2026-11-24.json results/micro-2026-11-25.json
  gfs2-stress compare before.json after.json --alpha 0.01 --json`,
    )
    .action(async (a: string, b: string, flags: CompareFlags) => {
      ctx.exitCode = await executeCompare(a, b, flags, ctx);
    });
}
