// The report's input: one run result file, or a directory of them (every *.json in it that is a
// run result). Anything else is a usage error saying what was expected and what was found; a
// document of a kind the report does not draw (e.g. a soak or bench summary) is named as such.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../../config/errors.js';
import { parseRunResult } from '../json.js';
import type { RunResult } from '../result.js';

/** Files read from one directory at most (each is parsed whole). */
const FILES_MAX = 200;

export interface LoadedRun {
  /** Short label for legends: the file name without `.json`. */
  readonly label: string;
  readonly file: string;
  readonly result: RunResult;
}

function readRun(file: string): LoadedRun {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `report: expected a readable result file, received ${JSON.stringify(file)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let kind: unknown;
  try {
    kind = (JSON.parse(text) as { kind?: unknown } | null)?.kind;
  } catch {
    kind = undefined; // parseRunResult says why
  }
  if (kind !== undefined && kind !== 'run') {
    throw new UsageError(
      `${file}: expected a run result (kind "run"), received a document of kind ${JSON.stringify(kind)}; the report draws run results only`,
    );
  }
  return { label: basename(file).replace(/\.json$/i, ''), file, result: parseRunResult(text, file) };
}

export interface LoadedRuns {
  readonly runs: LoadedRun[];
  /** Files of a directory that were not drawn, and why. */
  readonly skipped: { readonly file: string; readonly reason: string }[];
}

/**
 * The runs to report on. A file must be a run result; in a directory, other JSON documents
 * (traces, summaries of other kinds) are skipped and listed, and at least one run is required.
 * Throws UsageError otherwise.
 */
export function loadRuns(path: string): LoadedRuns {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(
      `report: expected a result JSON file or a directory of them, received ${JSON.stringify(path)} (not found)`,
    );
  }
  if (!st.isDirectory()) return { runs: [readRun(path)], skipped: [] };
  const files = readdirSync(path)
    .filter((f) => f.toLowerCase().endsWith('.json'))
    .sort();
  if (files.length === 0)
    throw new UsageError(`report: expected *.json run results in the directory ${JSON.stringify(path)}, received none`);
  if (files.length > FILES_MAX)
    throw new UsageError(
      `report: expected at most ${FILES_MAX} result files in ${JSON.stringify(path)}, received ${files.length}`,
    );
  const runs: LoadedRun[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const f of files) {
    try {
      runs.push(readRun(join(path, f)));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      skipped.push({ file: f, reason: err.message.replace(`${join(path, f)}: `, '') });
    }
  }
  if (runs.length === 0) {
    const why = skipped
      .slice(0, 3)
      .map((s) => `${s.file}: ${s.reason}`)
      .join('; ');
    throw new UsageError(`report: expected at least one run result in ${JSON.stringify(path)}, received none (${why})`);
  }
  return { runs, skipped };
}
