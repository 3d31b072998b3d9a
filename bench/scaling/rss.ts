// P9: peak resident memory of a threads-mode run, measured in a child process (rss-child.ts).

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const childFile = fileURLToPath(new URL('./rss-child.js', import.meta.url));
/** Bound on one child: a 16-node run of a few seconds plus mount and unmount on a loaded machine. */
const CHILD_TIMEOUT_MS = 120_000;

export interface RssSample {
  readonly peakRssBytes: number;
  readonly ops: number;
  readonly ok: boolean;
}

/** Peak RSS of a child that runs `nodes` nodes for `durationMs` (or of an idle child with nodes 0). */
export async function measurePeakRss(nodes: number, durationMs: number, seed: number): Promise<RssSample> {
  const args = nodes === 0 ? [childFile, 'idle'] : [childFile, 'run', String(nodes), String(durationMs), String(seed)];
  const { stdout } = await run(process.execPath, args, { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20 });
  const line = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as RssSample;
  if (!Number.isFinite(parsed.peakRssBytes) || parsed.peakRssBytes <= 0)
    throw new Error(`rss child: expected a peak RSS, received ${line}`);
  return parsed;
}
