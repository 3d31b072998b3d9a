// `--faults random`: a plan drawn from the run's seed. It always starts with a fault that makes a
// node withdraw or fail (otherwise there is nothing to recover), adds up to two more of any kind,
// and leaves at least one node free of destructive faults whenever the cluster has two or more,
// so some survivor can replay the failed journals and liveness can be judged. The plan is printed
// in canonical form at start, so a random run is reproduced with that text as well as the seed.

import { Prng } from '../platform/prng.js';
import { parseFaultPlan } from './grammar.js';
import type { CallbackKindName, Fault, FaultPlan, MetaOp } from './model.js';

/** Stream of the plan's draws: apart from the node and scheduler streams of the same seed. */
const RANDOM_PLAN_STREAM = 0xfa11;

function pick<T>(prng: Prng, items: readonly T[]): T {
  return items[prng.below(items.length)] as T;
}

/** A whole-millisecond time in [lo, hi) fractions of the run, at least 1ms. */
function timeIn(prng: Prng, durationMs: number, lo: number, hi: number): number {
  return Math.max(1, Math.floor(durationMs * (lo + (hi - lo) * prng.next())));
}

type Draw = (prng: Prng, node: number, durationMs: number) => Fault;

const drawJournalError: Draw = (prng, node, durationMs) => {
  const r = prng.next();
  const sticky = prng.next() < 0.8;
  if (r < 0.6) return { kind: 'jerr', node, atMs: timeIn(prng, durationMs, 0.1, 0.6), after: null, p: null, sticky };
  if (r < 0.85) return { kind: 'jerr', node, atMs: null, after: 1 + prng.below(64), p: null, sticky };
  // A probability from a small set of exact decimals, so the printed plan reads back exactly.
  const p = pick(prng, [0.001, 0.005, 0.01, 0.05]);
  return { kind: 'jerr', node, atMs: timeIn(prng, durationMs, 0.1, 0.4), after: null, p, sticky };
};

const drawMetaError: Draw = (prng, node, durationMs) => {
  const op = pick<MetaOp>(prng, ['rw', 'w', 'r']);
  const byTime = prng.next() < 0.7;
  return {
    kind: 'merr',
    node,
    op,
    atMs: byTime ? timeIn(prng, durationMs, 0.1, 0.6) : null,
    after: byTime ? null : 1 + prng.below(64),
    p: null,
    sticky: true,
  };
};

const drawCrash: Draw = (prng, node, durationMs) =>
  prng.next() < 0.7
    ? { kind: 'crash', node, atMs: timeIn(prng, durationMs, 0.1, 0.6), after: null }
    : { kind: 'crash', node, atMs: null, after: 1 + prng.below(64) };

const drawRecoveryWithdraw: Draw = (prng, node) => ({
  kind: 'recovery-withdraw',
  node,
  atMs: null,
  after: 1 + prng.below(4),
  p: null,
  sticky: true,
});

const drawSlow: Draw = (prng, node, durationMs) => {
  const fromMs = timeIn(prng, durationMs, 0, 0.5);
  const toMs = prng.next() < 0.5 ? null : fromMs + timeIn(prng, durationMs, 0.1, 0.3);
  return { kind: 'slow', node, writeMs: pick(prng, [1, 2, 5, 10]), fromMs, toMs };
};

const drawCallbackDelay: Draw = (prng, node) => ({
  kind: 'cbdelay',
  node,
  delayMs: pick(prng, [5, 20, 50, 200]),
  cb: pick<CallbackKindName | null>(prng, ['bast', 'ast', null]),
  fromMs: 0,
  toMs: null,
});

const drawAckDelay: Draw = (prng, node) => ({
  kind: 'ackdelay',
  node,
  delayMs: pick(prng, [50, 200, 1000]),
  fromMs: 0,
  toMs: null,
});

/**
 * Draw 1–3 faults for `nodes` nodes and a run of `durationMs` from `seed`. The same arguments
 * always give the same plan.
 */
export function randomPlan(seed: number, nodes: number, durationMs: number): FaultPlan {
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`randomPlan: expected nodes ≥ 1, received ${nodes}`);
  if (!(durationMs >= 1)) throw new RangeError(`randomPlan: expected durationMs ≥ 1, received ${durationMs}`);
  const prng = new Prng(seed, RANDOM_PLAN_STREAM);
  // Nodes not yet struck by a destructive fault, in a seeded order; one stays spare when it can.
  const free = Array.from({ length: nodes }, (_, i) => i);
  for (let i = free.length - 1; i > 0; i--) {
    const j = prng.below(i + 1);
    [free[i], free[j]] = [free[j] as number, free[i] as number];
  }
  const spare = nodes >= 2 ? 1 : 0;
  const takeNode = (): number => free.shift() as number;

  // The first fault is the trigger: a withdraw (journal or metadata error) or a failure.
  const faults: Fault[] = [];
  const first = prng.next();
  const trigger: Draw = first < 0.55 || nodes === 1 ? drawJournalError : first < 0.75 ? drawMetaError : drawCrash;
  const triggerNode = takeNode();
  faults.push(trigger(prng, triggerNode, durationMs));

  const extra = prng.below(3);
  for (let i = 0; i < extra; i++) {
    const destructiveOk = free.length > spare;
    const r = prng.next();
    if (destructiveOk && r < 0.45) {
      const kinds: Draw[] = [drawJournalError, drawMetaError, drawCrash, drawRecoveryWithdraw];
      faults.push(pick(prng, kinds)(prng, takeNode(), durationMs));
    } else if (r < 0.65) {
      faults.push(drawSlow(prng, prng.below(nodes), durationMs));
    } else if (r < 0.85) {
      faults.push(drawCallbackDelay(prng, prng.below(nodes), durationMs));
    } else {
      // A late acknowledgement matters only on a node that withdraws (not one that crashes).
      const withdrawing = faults.find((f) => f.kind === 'jerr' || f.kind === 'merr');
      faults.push(drawAckDelay(prng, withdrawing?.node ?? prng.below(nodes), durationMs));
    }
  }
  return { faults };
}

export interface ResolveContext {
  readonly seed: number;
  readonly nodes: number;
  readonly durationMs: number;
}

/**
 * The plan for a run from the `--faults` value as the CLI passes it: null (absent or `none`)
 * is the empty plan, `random` draws from the seed, anything else is parsed.
 * @throws UsageError for text that does not parse.
 */
export function resolveFaultPlan(text: string | null, ctx: ResolveContext): FaultPlan {
  if (text === null) return { faults: [] };
  if (text.trim() === 'random') return randomPlan(ctx.seed, ctx.nodes, ctx.durationMs);
  return parseFaultPlan(text, ctx.nodes);
}
