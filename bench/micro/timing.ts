// Paired timing for the micro suite: each round runs the measurement and its baseline in one
// tinybench Bench, back to back, so round i of both sides saw the same machine. A task call is a
// batch of operations (one op is far below the timer's resolution); the per-op cost is the
// median call time divided by the batch.

import { Bench, type FnOptions } from 'tinybench';

export interface PairedOptions {
  readonly rounds: number;
  /** tinybench time budget per task and round, ms. */
  readonly timeMs: number;
  /** Operations per task call. */
  readonly batch: number;
  readonly signal?: AbortSignal;
}

export interface Paired {
  /** ns per operation, one entry per round. */
  readonly value: number[];
  readonly baseline: number[];
}

/** Untimed per-call hooks (tinybench beforeEach): restore state the timed call consumed. */
export interface PairedHooks {
  readonly valueBefore?: () => void;
  readonly baselineBefore?: () => void;
}

/** Run `value` and `baseline` (each doing `batch` ops per call) for `rounds` paired rounds. */
export function pairedNsPerOp(
  o: PairedOptions,
  value: () => void,
  baseline: () => void,
  hooks: PairedHooks = {},
): Paired {
  const ms = pairedCallMs(o, value, baseline, hooks);
  return { value: ms.value.map((x) => (x * 1e6) / o.batch), baseline: ms.baseline.map((x) => (x * 1e6) / o.batch) };
}

/** Median ms per call of each side, one pair per round. */
export function pairedCallMs(
  o: Omit<PairedOptions, 'batch'>,
  value: () => void,
  baseline: () => void,
  hooks: PairedHooks = {},
): Paired {
  const out: Paired = { value: [], baseline: [] };
  const vOpts: FnOptions = hooks.valueBefore === undefined ? {} : { beforeEach: hooks.valueBefore };
  const bOpts: FnOptions = hooks.baselineBefore === undefined ? {} : { beforeEach: hooks.baselineBefore };
  for (let r = 0; r < o.rounds; r++) {
    if (o.signal?.aborted === true && r > 0) break;
    const bench = new Bench({ time: o.timeMs, warmupTime: Math.max(10, o.timeMs / 4), iterations: 8, throws: true });
    // Alternate which side runs first, so a steady drift of the machine favours neither.
    if (r % 2 === 0) bench.add('value', value, vOpts).add('baseline', baseline, bOpts);
    else bench.add('baseline', baseline, bOpts).add('value', value, vOpts);
    bench.runSync();
    out.value.push(callMs(bench, 'value'));
    out.baseline.push(callMs(bench, 'baseline'));
  }
  return out;
}

function callMs(bench: Bench, name: string): number {
  const r = bench.getTask(name)?.result;
  if (r === undefined || r.state !== 'completed')
    throw new Error(`micro bench task ${name}: expected a completed result, received ${r?.state}`);
  return r.latency.p50;
}

/** FNV-1a over 32-bit words: folds counters of the work done into one printable checksum. */
export function mixChecksum(h: number, word: number): number {
  let x = h >>> 0;
  for (let k = 0; k < 4; k++) {
    x ^= (word >>> (8 * k)) & 0xff;
    x = Math.imul(x, 0x01000193) >>> 0;
  }
  return x;
}

export const CHECKSUM_SEED = 0x811c9dc5;
