// Worker for pending-race.test.ts: one DLM request from another thread, reporting its status.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Dlm } from '../../src/dlm/index.js';

export interface RequestStart {
  sab: SharedArrayBuffer;
  nodes: number;
  node: number;
  res: number;
  mode: number;
}

if (!isMainThread && parentPort) {
  const w = workerData as RequestStart;
  const dlm = new Dlm(w.sab, 0, w.nodes, (i32, index) => {
    Atomics.notify(i32, index);
  });
  parentPort.postMessage(dlm.request(w.node, w.res, w.mode, 0));
}
