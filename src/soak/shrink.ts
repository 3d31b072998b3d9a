// Shrinking a failing seed: keep the seed, make the plan and the cluster smaller one step at a
// time — drop one fault, one node, one process, halve the run length, the files, the journal,
// the operations — rerun it in the simulator, and keep a step when the same invariant is still
// violated. Greedy passes until a pass keeps nothing or the attempt budget is spent. Each
// attempt is one sim run, so the budget bounds the time.

import { formatFaultPlan, parseFaultPlan } from '../faults/index.js';
import type { ShrinkSize } from './result.js';
import type { SeedBase, SeedJob, SeedOutcome } from './seed.js';

export const SHRINK_ATTEMPTS_DEFAULT = 40;
const DURATION_MIN_MS = 50;
const JOURNAL_BLOCKS_MIN = 32;

export interface ShrinkOutcome {
  readonly invariant: string;
  readonly attempts: number;
  readonly before: ShrinkSize;
  readonly after: ShrinkSize;
  /** The smallest failing run found (the original when nothing could be removed). */
  readonly minimal: SeedOutcome;
}

export function sizeOf(o: SeedOutcome): ShrinkSize {
  if (o.config === null) throw new TypeError(`sizeOf: seed ${o.seed} has no config`);
  const c = o.config;
  return {
    faults: o.faults === null ? 0 : parseFaultPlan(o.faults, c.nodes).faults.length,
    nodes: c.nodes,
    processes: c.processes,
    durationMs: c.durationMs,
    files: c.files,
    journalBlocks: c.journalBlocks,
    ops: c.ops === 0 ? o.ops : Math.min(c.ops, o.ops),
  };
}

/** Smaller variants of a failing run's job, most valuable first. */
export function candidates(o: SeedOutcome): SeedJob[] {
  const c = o.config;
  if (c === null) return [];
  const base: SeedBase = {
    nodes: c.nodes,
    processes: c.processes,
    durationMs: c.durationMs,
    files: c.files,
    journalBlocks: c.journalBlocks,
    ops: c.ops,
    timeScale: c.timeScale,
  };
  const job = (faults: string | null, b: SeedBase): SeedJob => ({
    seed: o.seed,
    mode: 'sim',
    protocol: o.protocol,
    faults: faults ?? 'none',
    base: b,
  });
  const out: SeedJob[] = [];
  const plan = o.faults === null ? [] : parseFaultPlan(o.faults, c.nodes).faults;
  for (let i = 0; i < plan.length; i++) {
    const rest = plan.filter((_, j) => j !== i);
    out.push(job(rest.length === 0 ? null : formatFaultPlan({ faults: rest }), base));
  }
  // One node fewer, when no fault names the last node.
  if (c.nodes > 1 && plan.every((f) => f.node < c.nodes - 1)) out.push(job(o.faults, { ...base, nodes: c.nodes - 1 }));
  if (c.processes > 1) out.push(job(o.faults, { ...base, processes: c.processes - 1 }));
  if (c.durationMs > DURATION_MIN_MS) {
    out.push(job(o.faults, { ...base, durationMs: Math.max(DURATION_MIN_MS, Math.floor(c.durationMs / 2)) }));
  }
  if (c.files > 1) out.push(job(o.faults, { ...base, files: Math.max(1, Math.floor(c.files / 2)) }));
  if (c.journalBlocks > JOURNAL_BLOCKS_MIN) {
    out.push(job(o.faults, { ...base, journalBlocks: Math.max(JOURNAL_BLOCKS_MIN, Math.floor(c.journalBlocks / 2)) }));
  }
  const ops = c.ops === 0 ? o.ops : c.ops;
  if (ops > 1) out.push(job(o.faults, { ...base, ops: Math.floor(ops / 2) }));
  return out;
}

export interface ShrinkOptions {
  readonly attemptsMax?: number;
  readonly signal?: AbortSignal;
}

/** Shrink a failing sim outcome while `invariant` (default: its first) stays violated. */
export async function shrinkFailure(
  failing: SeedOutcome,
  runJob: (job: SeedJob) => Promise<SeedOutcome>,
  opts: ShrinkOptions = {},
): Promise<ShrinkOutcome> {
  const invariant = failing.invariants[0];
  if (invariant === undefined) throw new TypeError(`shrinkFailure: seed ${failing.seed} violated nothing`);
  const attemptsMax = opts.attemptsMax ?? SHRINK_ATTEMPTS_DEFAULT;
  const aborted = (): boolean => opts.signal?.aborted === true;
  let current = failing;
  let attempts = 0;
  let progressed = true;
  while (progressed && attempts < attemptsMax && !aborted()) {
    progressed = false;
    for (const job of candidates(current)) {
      if (attempts >= attemptsMax || aborted()) break;
      attempts++;
      // A candidate whose config does not validate (too small a journal for the processes…)
      // comes back `errored` from the seed runner and is simply not kept.
      const o = await runJob(job);
      if (o.state === 'completed' && o.invariants.includes(invariant)) {
        current = o;
        progressed = true;
        break;
      }
    }
  }
  return { invariant, attempts, before: sizeOf(failing), after: sizeOf(current), minimal: current };
}
