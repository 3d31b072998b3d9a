// Failing seeds on disk: DIR/failures/<seed>.json holds everything needed to look at and replay
// one failure — the concrete plan, the config, the violations with their event trails, the
// history hash, and the exact `gfs2-stress run` command that reproduces it.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import type { ToolInfo, Violation } from '../report/result.js';
import { toolInfo } from '../report/result.js';
import { reproduceCommand } from '../report/summary.js';
import type { SoakFailure } from './result.js';
import type { SeedOutcome } from './seed.js';

export interface FailureFile {
  readonly kind: 'soak-failure';
  readonly tool: ToolInfo;
  readonly seed: number;
  readonly protocol: string;
  readonly faults: string | null;
  readonly config: Config;
  readonly command: string;
  readonly historyHash: string | null;
  readonly invariants: readonly string[];
  readonly violationCount: number;
  readonly violations: readonly Violation[];
  /** Set on a shrunk plan: the seed's original failure file. */
  readonly shrunkFrom?: string;
}

export function failureCommand(o: Pick<SeedOutcome, 'seed' | 'protocol' | 'faults'> & { config: Config }): string {
  return reproduceCommand({ seed: o.seed, protocol: o.protocol, faults: o.faults, config: o.config });
}

export function failureFileOf(o: SeedOutcome, shrunkFrom?: string): FailureFile {
  if (o.config === null) throw new TypeError(`failureFileOf: seed ${o.seed} has no config (it did not run)`);
  return {
    kind: 'soak-failure',
    tool: toolInfo(),
    seed: o.seed,
    protocol: o.protocol,
    faults: o.faults,
    config: o.config,
    command: failureCommand({ ...o, config: o.config }),
    historyHash: o.historyHash,
    invariants: o.invariants,
    violationCount: o.violationCount,
    violations: o.violations,
    ...(shrunkFrom !== undefined ? { shrunkFrom } : {}),
  };
}

/** Write `failures/<name>.json` under `outDir` (null: nothing written) and describe it. */
export async function saveFailure(
  outDir: string | null,
  o: SeedOutcome,
  name = String(o.seed),
  shrunkFrom?: string,
): Promise<SoakFailure> {
  const file = join('failures', `${name}.json`);
  const doc = failureFileOf(o, shrunkFrom);
  if (outDir !== null) {
    await mkdir(join(outDir, 'failures'), { recursive: true });
    await writeFile(join(outDir, file), `${JSON.stringify(doc, null, 1)}\n`);
  }
  return {
    seed: o.seed,
    mode: o.mode,
    faults: o.faults,
    invariants: o.invariants,
    historyHash: o.historyHash,
    file,
    command: doc.command,
  };
}
