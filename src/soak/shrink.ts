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
    opsBound: c.ops === 0 ? null : c.ops,
    opsRun: o.ops,
  };
}

/** One way to make a failing run smaller: `fault:<i>` drops fault i, the others reduce a field. */
export type ShrinkStep = 'nodes' | 'processes' | 'duration' | 'files' | 'journal' | 'ops' | `fault:${number}`;

/** Smaller variants of a failing run's job, labelled by step, most valuable first. */
export function candidates(o: SeedOutcome): { readonly step: ShrinkStep; readonly job: SeedJob }[] {
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
  const out: { step: ShrinkStep; job: SeedJob }[] = [];
  const plan = o.faults === null ? [] : parseFaultPlan(o.faults, c.nodes).faults;
  for (let i = 0; i < plan.length; i++) {
    const rest = plan.filter((_, j) => j !== i);
    out.push({ step: `fault:${i}`, job: job(rest.length === 0 ? null : formatFaultPlan({ faults: rest }), base) });
  }
  // One node fewer, when no fault names the last node.
  if (c.nodes > 1 && plan.every((f) => f.node < c.nodes - 1)) {
    out.push({ step: 'nodes', job: job(o.faults, { ...base, nodes: c.nodes - 1 }) });
  }
  if (c.processes > 1) out.push({ step: 'processes', job: job(o.faults, { ...base, processes: c.processes - 1 }) });
  if (c.durationMs > DURATION_MIN_MS) {
    const durationMs = Math.max(DURATION_MIN_MS, Math.floor(c.durationMs / 2));
    out.push({ step: 'duration', job: job(o.faults, { ...base, durationMs }) });
  }
  if (c.files > 1)
    out.push({ step: 'files', job: job(o.faults, { ...base, files: Math.max(1, Math.floor(c.files / 2)) }) });
  if (c.journalBlocks > JOURNAL_BLOCKS_MIN) {
    const journalBlocks = Math.max(JOURNAL_BLOCKS_MIN, Math.floor(c.journalBlocks / 2));
    out.push({ step: 'journal', job: job(o.faults, { ...base, journalBlocks }) });
  }
  const ops = c.ops === 0 ? o.ops : c.ops;
  if (ops > 1) out.push({ step: 'ops', job: job(o.faults, { ...base, ops: Math.floor(ops / 2) }) });
  return out;
}

/** The plan's measures, in the order they are compared; an absent ops bound is unbounded. */
export function planMeasures(s: ShrinkSize): number[] {
  return [
    s.faults,
    s.nodes,
    s.processes,
    s.durationMs,
    s.files,
    s.journalBlocks,
    s.opsBound ?? Number.POSITIVE_INFINITY,
  ];
}

function noLarger(a: ShrinkSize, b: ShrinkSize): boolean {
  const mb = planMeasures(b);
  return planMeasures(a).every((v, i) => v <= (mb[i] as number));
}

/** A fault step's index, -1 for the field steps (which come after the faults). */
function faultIndex(step: ShrinkStep): number {
  return step.startsWith('fault:') ? Number(step.slice(6)) : -1;
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
  // Passes over the steps; each step is repeated while it keeps the failure (halving the
  // duration again, dropping the next fault), then the pass moves on, so a step that failed
  // is not retried until another step has changed the run.
  let progressed = true;
  while (progressed && attempts < attemptsMax && !aborted()) {
    progressed = false;
    // Faults from the last, so dropping one leaves the indices still to try unchanged.
    const steps = candidates(current)
      .map((c) => c.step)
      .sort((a, b) => faultIndex(b) - faultIndex(a));
    for (const step of steps) {
      for (;;) {
        if (attempts >= attemptsMax || aborted()) break;
        const c = candidates(current).find((x) => x.step === step);
        if (c === undefined) break;
        attempts++;
        // A candidate whose config does not validate (too small a journal for the processes…)
        // comes back `errored` from the seed runner and is simply not kept.
        const o = await runJob(c.job);
        // Kept only if no measure of the plan grew (a guard: each step lowers one measure).
        if (o.state !== 'completed' || !o.invariants.includes(invariant) || !noLarger(sizeOf(o), sizeOf(current)))
          break;
        current = o;
        progressed = true;
        if (step.startsWith('fault:')) break;
      }
    }
  }
  return { invariant, attempts, before: sizeOf(failing), after: sizeOf(current), minimal: current };
}
