// Real threads contending for EX (and PR → EX conversions) on a few resources through the
// shared-memory DLM: mutual exclusion is checked by a non-atomic counter bumped under EX.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Dlm, dlmRegionBytes, GlockType, StatField } from '../../src/dlm/index.js';
import type { ContendResult, ContendStart } from './contend-worker.js';

const NODES = 4;
const RESOURCES = 3;
const ITERATIONS = 3000;
const DEADLINE_MS = 30_000;

test('four threads contending for EX on three resources never overlap and all finish in time', async (t) => {
  const regionBytes = dlmRegionBytes(NODES);
  const sab = new SharedArrayBuffer(regionBytes + 4 * (RESOURCES + 1));
  const dlm = new Dlm(sab, 0, NODES, (i32, index) => {
    Atomics.notify(i32, index);
  });
  for (let n = 0; n < NODES; n++) dlm.join(n);
  const resources = Array.from({ length: RESOURCES }, (_, i) => dlm.lookup(GlockType.rgrp, 4096 * (i + 1)));
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: NODES }, (_, node) => {
      const start: ContendStart = {
        sab,
        nodes: NODES,
        node,
        resources,
        counterByteOffset: regionBytes,
        iterations: ITERATIONS,
        deadlineMs: DEADLINE_MS,
      };
      const worker = new Worker(new URL('./contend-worker.js', import.meta.url), { workerData: start });
      return new Promise<ContendResult>((resolve, reject) => {
        worker.once('message', (r: ContendResult) => resolve(r));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`worker ${node} exited with ${code} before reporting`)));
      }).finally(() => worker.terminate());
    }),
  );
  const elapsedMs = Date.now() - started;
  for (const r of results) assert.equal(r.error, null, `node ${r.node}: ${r.error}`);
  assert.ok(elapsedMs < DEADLINE_MS, `took ${elapsedMs} ms`);
  const counters = new Int32Array(sab, regionBytes, RESOURCES);
  for (let ri = 0; ri < RESOURCES; ri++) {
    const acquisitions = results.reduce((sum, r) => sum + (r.exAcquisitions[ri] ?? 0), 0);
    assert.equal(counters[ri], acquisitions, `resource ${ri}: every EX acquisition bumped the counter exactly once`);
    for (let n = 0; n < NODES; n++) assert.equal(dlm.hasLock(n, resources[ri] as number), false);
  }
  assert.equal(
    results.reduce((s, r) => s + r.torn, 0),
    0,
    'no PR holder saw a write',
  );
  const sum = (f: number) => Array.from({ length: NODES }, (_, n) => dlm.stat(n, f)).reduce((a, b) => a + b, 0);
  t.diagnostic(
    `${elapsedMs} ms; immediate ${sum(StatField.grantsImmediate)}, queued ${sum(StatField.grantsQueued)}, slow paths ${sum(StatField.slowPaths)}, lock parks ${sum(StatField.lockParks)}, deadlocks ${sum(StatField.deadlocks)}`,
  );
  assert.ok(sum(StatField.grantsQueued) > 0, 'the threads really contended (some grants were queued)');
  const total = results.reduce((s, r) => s + r.exAcquisitions.reduce((a, b) => a + b, 0), 0);
  assert.ok(total > NODES * ITERATIONS * 0.5, `most iterations acquired EX (${total})`);
});
