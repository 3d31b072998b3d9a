// Worker for threads.test.ts: one simulated node contending for a few DLM resources. It waits
// for completions on its own ring, parked on its doorbell with a timeout (never unbounded), and
// does a deliberately non-atomic read-modify-write of a shared counter while holding EX.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CbField, CbKind, Dlm, DlmMode, DlmStatus } from '../../src/dlm/index.js';

export interface ContendStart {
  sab: SharedArrayBuffer;
  nodes: number;
  node: number;
  resources: number[];
  counterByteOffset: number;
  iterations: number;
  deadlineMs: number;
}

export interface ContendResult {
  node: number;
  exAcquisitions: number[];
  sharedReads: number;
  /** PR holders that saw the counter change under them (must be 0). */
  torn: number;
  deadlocks: number;
  error: string | null;
}

function run(start: ContendStart): ContendResult {
  const { sab, nodes, node, resources, iterations } = start;
  const dlm = new Dlm(sab, 0, nodes, (i32, index) => {
    Atomics.notify(i32, index);
  });
  const ring = dlm.ring(node);
  const counters = new Int32Array(sab, start.counterByteOffset, resources.length);
  const out = new Int32Array(4);
  const deadline = Date.now() + start.deadlineMs;
  const result: ContendResult = {
    node,
    exAcquisitions: resources.map(() => 0),
    sharedReads: 0,
    torn: 0,
    deadlocks: 0,
    error: null,
  };
  let seed = node * 7919 + 17;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  // Locks stay cached after use, as glocks do, and are given up only when a bast asks for
  // them: a bast the DLM fails to send leaves a waiter stuck until the deadline.
  const held = resources.map(() => -1);
  let usingRi = -1;
  let demoteAfterUse = false;
  const handle = (waitRes: number): boolean => {
    const kind = out[CbField.kind];
    const res = out[CbField.a] as number;
    if (kind === CbKind.ast) return res === waitRes;
    if (kind !== CbKind.bast) return false;
    const ri = resources.indexOf(res);
    if (ri === usingRi) demoteAfterUse = true;
    else if ((held[ri] as number) >= 0) {
      dlm.release(node, res);
      held[ri] = -1;
    }
    return false;
  };
  const acquire = (ri: number, mode: number): number => {
    const res = resources[ri] as number;
    usingRi = ri;
    const st = dlm.request(node, res, mode, 0);
    if (st === DlmStatus.granted) held[ri] = mode;
    if (st !== DlmStatus.queued) return st;
    for (;;) {
      const bell = ring.doorbell();
      while (ring.take(out)) {
        if (handle(res)) {
          held[ri] = mode;
          return DlmStatus.granted;
        }
      }
      if (Date.now() > deadline) throw new Error(`node ${node} waited past the deadline for resource ${res}`);
      Atomics.wait(ring.i32, ring.doorbellIndex, bell, 20);
    }
  };
  const bumpUnderEx = (ri: number): void => {
    const v = counters[ri] as number;
    for (let k = 0; k < 200; k++) seed = (seed + k) | 0; // widen the window a lost update needs
    counters[ri] = v + 1;
    result.exAcquisitions[ri] = (result.exAcquisitions[ri] as number) + 1;
  };
  try {
    // Start together (the word after the counters), or the first thread may finish alone.
    const barrier = new Int32Array(sab, start.counterByteOffset + 4 * resources.length, 1);
    Atomics.add(barrier, 0, 1);
    Atomics.notify(barrier, 0);
    for (let seen = Atomics.load(barrier, 0); seen < nodes; seen = Atomics.load(barrier, 0)) {
      if (Date.now() > deadline) throw new Error(`node ${node} waited past the deadline at the start barrier`);
      Atomics.wait(barrier, 0, seen, 20);
    }
    for (let i = 0; i < iterations; i++) {
      while (ring.take(out)) handle(-1);
      const ri = rand() % resources.length;
      const res = resources[ri] as number;
      demoteAfterUse = false;
      if (rand() % 4 === 0) {
        // Read under PR (or a cached EX), then convert to EX and write.
        if ((held[ri] as number) < DlmMode.pr && acquire(ri, DlmMode.pr) !== DlmStatus.granted)
          throw new Error('PR not granted');
        usingRi = ri;
        const a = counters[ri] as number;
        for (let k = 0; k < 100; k++) seed = (seed + k) | 0;
        if ((counters[ri] as number) !== a) result.torn++;
        result.sharedReads++;
      }
      const st = held[ri] === DlmMode.ex ? DlmStatus.granted : acquire(ri, DlmMode.ex);
      if (st === DlmStatus.granted) bumpUnderEx(ri);
      else if (st === DlmStatus.deadlock) {
        result.deadlocks++;
        demoteAfterUse = true;
      } else throw new Error(`EX request returned ${st}`);
      usingRi = -1;
      if (demoteAfterUse) {
        dlm.release(node, res);
        held[ri] = -1;
      }
    }
    for (let ri = 0; ri < resources.length; ri++)
      if ((held[ri] as number) >= 0) dlm.release(node, resources[ri] as number);
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
  }
  return result;
}

if (!isMainThread && parentPort) parentPort.postMessage(run(workerData as ContendStart));
