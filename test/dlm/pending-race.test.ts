// The fast-path/slow-path race, staged deterministically: node 0's fast path has CASed the
// state word (its EX is counted) but not yet published its mode in its slot (PENDING). A slow
// path on another thread must wait for the slot before choosing whom to bast; reading the old
// slot would skip node 0, and node 1 would wait forever for a lock nobody asked back.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { CbKind, Dlm, DlmMode, DlmStatus, dlmRegionBytes, GlockType } from '../../src/dlm/index.js';
import { dlmLayout, EX_ONE, G_PENDING, R_NODE, R_STATE } from '../../src/dlm/layout.js';
import type { RequestStart } from './request-worker.js';

test('a slow path waits for a fast path in flight to publish its mode before choosing whom to bast', async () => {
  const nodes = 2;
  const sab = new SharedArrayBuffer(dlmRegionBytes(nodes));
  const dlm = new Dlm(sab, 0, nodes, (i32, index) => {
    Atomics.notify(i32, index);
  });
  dlm.join(0);
  dlm.join(1);
  const out = new Int32Array(4);
  for (let n = 0; n < nodes; n++) while (dlm.ring(n).take(out));
  const res = dlm.lookup(GlockType.inode, 42);
  const layout = dlmLayout(nodes, 0);
  const rb = layout.resources + res * layout.stride;
  const i32 = new Int32Array(sab);
  // Node 0 mid fast path: slot PENDING over "no lock", EX already counted in the state word.
  Atomics.store(i32, rb + R_NODE + 0, G_PENDING);
  Atomics.store(i32, rb + R_STATE, EX_ONE);
  const start: RequestStart = { sab, nodes, node: 1, res, mode: DlmMode.ex };
  const worker = new Worker(new URL('./request-worker.js', import.meta.url), { workerData: start });
  const status = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // Let the worker reach its wait on the PENDING slot, then finish node 0's fast path.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(dlm.ring(0).pending(), 0, 'no bast is chosen while the slot is unsettled');
  Atomics.store(i32, rb + R_NODE + 0, DlmMode.ex + 1);
  assert.equal(await status, DlmStatus.queued);
  await worker.terminate();
  assert.equal(dlm.ring(0).take(out), true, 'node 0 was basted');
  assert.deepEqual([...out], [CbKind.bast, res, DlmMode.ex, 0]);
});
