// P1 and P2: the single-threaded lock paths against raw Atomics on a word of the same table.
//   P1  Dlm.request(EX) + Dlm.release on a free resource   vs  compareExchange 0→1 + store 0
//   P2  GlockManager.nq + dq of a cached EX glock          vs  compareExchange 0→1 + 1→0
// Both are "lower is better" (ns per pair): the ratio is value / baseline, "× the raw cost",
// and the target "≤ 5×" is met when ratio ≤ 5. (ratioRow's own convention for 'lower' is
// baseline / value, "× as fast"; we pass the figures as 'higher' so that the stored ratio reads
// the way the issue states the target. See index.ts.)

import { DlmMode, DlmStatus } from '../../src/dlm/index.js';
import { Holder, holderInit } from '../../src/glock/index.js';
import { Proc } from '../../src/node/proc.js';
import { benchGlocks, benchPlatform, GlockType, joinedCluster, LmState, microConfig, spareDlmWord } from './cluster.js';
import { type Paired, type PairedOptions, pairedNsPerOp } from './timing.js';

export interface LockFigures {
  readonly p1: Paired;
  readonly p2: Paired;
  /** Operations done on each side (checksum input). */
  readonly ops: number;
}

export function measureLocks(seed: number, o: Omit<PairedOptions, 'batch'>, batch: number): LockFigures {
  const nodes = 2;
  const mem = joinedCluster(microConfig(seed, nodes, 64));
  const dlm = mem.dlm;
  const i32 = new Int32Array(mem.sab);
  const word = spareDlmWord(mem, nodes);
  const res = dlm.lookup(GlockType.rgrp, 17 + (seed & 0xffff));
  let statusSum = 0;
  let grants = 0;
  const p1 = pairedNsPerOp(
    { ...o, batch },
    () => {
      for (let i = 0; i < batch; i++) {
        statusSum += dlm.request(0, res, DlmMode.ex, 0);
        statusSum += dlm.release(0, res);
      }
    },
    () => {
      for (let i = 0; i < batch; i++) {
        if (Atomics.compareExchange(i32, word, 0, 1) === 0) grants++;
        Atomics.store(i32, word, 0);
      }
    },
  );
  if (statusSum !== DlmStatus.granted)
    throw new Error(`P1: every request/release on a free resource must be granted at once; status sum ${statusSum}`);

  const logs: string[] = [];
  const m = benchGlocks(mem, 0, benchPlatform(mem, logs));
  const proc = new Proc(0, 1, 'micro');
  const h = new Holder();
  holderInit(h, m.get(GlockType.rgrp, 4096 + (seed & 0xffff)), LmState.ex, 0);
  // The first enqueue takes EX from the DLM; from then on the glock stays cached in EX.
  if (m.nq(proc, h) !== 0 || m.dq(proc, h) !== 0)
    throw new Error(`P2: the first EX enqueue was not granted at once: ${logs.join('; ')}`);
  let nqSum = 0;
  const p2 = pairedNsPerOp(
    { ...o, batch },
    () => {
      for (let i = 0; i < batch; i++) {
        nqSum += m.nq(proc, h);
        nqSum += m.dq(proc, h);
      }
    },
    () => {
      for (let i = 0; i < batch; i++) {
        if (Atomics.compareExchange(i32, word, 0, 1) === 0) grants++;
        Atomics.compareExchange(i32, word, 1, 0);
      }
    },
  );
  if (nqSum !== 0) throw new Error(`P2: a cached EX re-acquire must be granted at once (sum ${nqSum})`);
  if (m.workPending() !== 0 || logs.length > 0)
    throw new Error(`P2: the cached path queued glock work or logged: ${logs.join('; ')}`);
  if (dlm.grantedMode(0, res) !== DlmMode.nl || dlm.hasLock(0, res))
    throw new Error('P1: the resource is not free after the bench');
  return { p1, p2, ops: grants };
}
