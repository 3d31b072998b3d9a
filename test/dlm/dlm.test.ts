// Behaviour of the shared-memory DLM, one behaviour per test, driven single-threaded.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limits } from '../../src/config/limits.js';
import {
  CbField,
  CbKind,
  Dlm,
  DlmFlag,
  DlmMode,
  DlmStatus,
  dlmRegionBytes,
  GlockType,
  StatField,
} from '../../src/dlm/index.js';

const { nl, cw, pr, ex } = DlmMode;

/** A lockspace with `nodes` members whose join messages are already drained. */
function lockspace(nodes: number): { dlm: Dlm; res: number } {
  const dlm = new Dlm(new SharedArrayBuffer(dlmRegionBytes(nodes)), 0, nodes, () => {});
  for (let n = 0; n < nodes; n++) dlm.join(n);
  for (let n = 0; n < nodes; n++) drain(dlm, n);
  return { dlm, res: dlm.lookup(GlockType.rgrp, 17) };
}

function drain(dlm: Dlm, node: number): number[][] {
  const out = new Int32Array(4);
  const recs: number[][] = [];
  while (dlm.ring(node).take(out)) recs.push([...out]);
  return recs;
}

test('the DLM grants a second node exactly the modes the compatibility matrix allows', () => {
  // Reference §1.2 in DLM terms (UN=NL, SH=PR, DF=CW, EX=EX): NL is compatible with everything,
  // PR with NL and PR, CW with NL and CW, EX only with NL. Rows: held by node 0; columns:
  // requested by node 1 with NOQUEUE (granted = compatible, tryFailed = not).
  const modes = [nl, pr, cw, ex];
  const compatible = [
    [true, true, true, true],
    [true, true, false, false],
    [true, false, true, false],
    [true, false, false, false],
  ];
  const { dlm, res } = lockspace(2);
  for (const [i, held] of modes.entries()) {
    for (const [j, wanted] of modes.entries()) {
      assert.equal(dlm.request(0, res, held, 0), DlmStatus.granted);
      const want = compatible[i]?.[j] ? DlmStatus.granted : DlmStatus.tryFailed;
      assert.equal(dlm.request(1, res, wanted, DlmFlag.noqueue), want, `held ${held}, requested ${wanted}`);
      dlm.release(1, res);
      dlm.release(0, res);
    }
  }
});

test('a TRY request that is not grantable fails without posting any blocking callback', () => {
  const { dlm, res } = lockspace(3);
  assert.equal(dlm.request(0, res, pr, 0), DlmStatus.granted);
  assert.equal(dlm.request(1, res, pr, 0), DlmStatus.granted);
  assert.equal(dlm.request(2, res, ex, DlmFlag.noqueue), DlmStatus.tryFailed);
  assert.deepEqual(drain(dlm, 0), []);
  assert.deepEqual(drain(dlm, 1), []);
  assert.equal(dlm.requestedMode(2, res), -1, 'nothing was queued');
  assert.equal(dlm.stat(2, StatField.tryFailed), 1);
});

test('a TRY_1CB request fails after posting exactly one bast carrying its mode to each incompatible holder', () => {
  const { dlm, res } = lockspace(3);
  dlm.request(0, res, pr, 0);
  dlm.request(1, res, pr, 0);
  assert.equal(dlm.request(2, res, ex, DlmFlag.noqueue | DlmFlag.noqueuebast), DlmStatus.tryFailed);
  assert.deepEqual(drain(dlm, 0), [[CbKind.bast, res, ex, 0]]);
  assert.deepEqual(drain(dlm, 1), [[CbKind.bast, res, ex, 0]]);
  assert.deepEqual(drain(dlm, 2), []);
  assert.equal(dlm.grantedMode(0, res), pr, 'the holders keep their locks');
});

test('a queued request completes with an ast when the holder releases, and waiters are served FIFO', () => {
  const { dlm, res } = lockspace(3);
  assert.equal(dlm.request(0, res, ex, 0), DlmStatus.granted);
  assert.equal(dlm.request(1, res, ex, 0), DlmStatus.queued);
  assert.equal(dlm.request(2, res, ex, 0), DlmStatus.queued);
  // Node 0 is asked once for EX; node 2's request adds no second bast (same mode level).
  assert.deepEqual(drain(dlm, 0), [[CbKind.bast, res, ex, 0]]);
  dlm.release(0, res);
  // Node 1 (first in line) is granted; as the new holder blocking node 2 it is basted at once.
  assert.deepEqual(drain(dlm, 1), [
    [CbKind.ast, res, ex, 0],
    [CbKind.bast, res, ex, 0],
  ]);
  assert.deepEqual(drain(dlm, 2), []);
  dlm.release(1, res);
  assert.deepEqual(drain(dlm, 2), [[CbKind.ast, res, ex, 0]]);
  assert.equal(dlm.grantedMode(2, res), ex);
});

test('two shared holders converting to EX is a conversion deadlock for the second, which keeps its mode', () => {
  const { dlm, res } = lockspace(2);
  dlm.request(0, res, pr, 0);
  dlm.request(1, res, pr, 0);
  assert.equal(dlm.request(0, res, ex, 0), DlmStatus.queued);
  assert.equal(dlm.request(1, res, ex, 0), DlmStatus.deadlock);
  assert.equal(dlm.grantedMode(1, res), pr);
  dlm.release(1, res);
  assert.deepEqual(drain(dlm, 0), [[CbKind.ast, res, ex, 0]]);
});

for (const kind of ['fail', 'leave'] as const) {
  test(`a ${kind === 'fail' ? 'failed' : 'cleanly departed'} node's locks are purged and its waiters granted after recoverPrep${kind === 'fail' ? ', with recoverSlot' : ', without recoverSlot'}`, () => {
    const { dlm, res } = lockspace(3);
    const gen0 = dlm.generation();
    dlm.request(0, res, ex, 0);
    assert.equal(dlm.request(1, res, pr, 0), DlmStatus.queued);
    drain(dlm, 0);
    assert.equal(dlm[kind](0), true);
    const gen = gen0 + 1;
    assert.equal(dlm.generation(), gen);
    const slot = kind === 'fail' ? [[CbKind.recoverSlot, 0, gen, 0]] : [];
    // The survivor waiting on node 0's lock: prep first, then (failure only) the slot, then the
    // grant the purge produced, then done — gfs2 can only freeze a grant it sees after prep.
    assert.deepEqual(drain(dlm, 1), [
      [CbKind.recoverPrep, gen, 0, 0],
      ...slot,
      [CbKind.ast, res, pr, 0],
      [CbKind.recoverDone, gen, 0, 0],
    ]);
    assert.deepEqual(drain(dlm, 2), [[CbKind.recoverPrep, gen, 0, 0], ...slot, [CbKind.recoverDone, gen, 0, 0]]);
    assert.deepEqual(drain(dlm, 0), [], 'nothing is posted to the departed node');
    assert.equal(dlm.hasLock(0, res), false);
    assert.equal(dlm.membership(0), false);
    assert.equal(dlm.request(0, res, pr, 0), DlmStatus.notMember);
  });
}

test('a grant to a node that has not read its recoverPrep yet arrives as an ast behind the prep', () => {
  const { dlm, res } = lockspace(2);
  dlm.request(0, res, ex, 0);
  dlm.fail(0);
  // Node 1 requests the purged lock before draining its ring: a synchronous grant could be used
  // before node 1 knows recovery started, so it is delivered after the prep instead.
  assert.equal(dlm.request(1, res, ex, 0), DlmStatus.queued);
  const recs = drain(dlm, 1);
  assert.deepEqual(
    recs.map((r) => r[CbField.kind]),
    [CbKind.recoverPrep, CbKind.recoverSlot, CbKind.recoverDone, CbKind.ast],
  );
  dlm.release(1, res);
  assert.equal(dlm.request(1, res, ex, 0), DlmStatus.granted, 'after the prep is read grants are synchronous again');
});

test('a rejoined node starts with an empty ring and can take locks again', () => {
  const { dlm, res } = lockspace(2);
  dlm.request(1, res, ex, 0);
  dlm.request(0, res, ex, 0);
  dlm.fail(0);
  assert.equal(dlm.join(0), true);
  assert.deepEqual(drain(dlm, 0), [[CbKind.recoverDone, dlm.generation(), 0, 0]]);
  assert.equal(dlm.request(0, res, pr, 0), DlmStatus.queued, 'node 1 still holds EX');
});

test('the value block written under EX becomes visible when the holder converts down, and is lost if it fails', () => {
  const { dlm, res } = lockspace(2);
  const v = new Int32Array(8);
  dlm.request(0, res, ex, 0);
  assert.equal(dlm.lvbWrite(0, res, Int32Array.of(7, 0, 0, 0, 0, 0, 0, 9)), true);
  dlm.request(0, res, pr, 0);
  dlm.request(1, res, pr, 0);
  dlm.lvbRead(res, v);
  assert.deepEqual([...v], [7, 0, 0, 0, 0, 0, 0, 9]);
  assert.equal(dlm.lvbWrite(1, res, v), false, 'only an EX holder may write');
  dlm.release(1, res);
  dlm.request(0, res, ex, 0);
  dlm.lvbWrite(0, res, Int32Array.of(1, 1, 1, 1, 1, 1, 1, 1));
  dlm.fail(0);
  dlm.lvbRead(res, v);
  assert.deepEqual([...v], [7, 0, 0, 0, 0, 0, 0, 9]);
  const bytes = new Uint8Array(32);
  dlm.lvbRead(res, bytes);
  assert.equal(bytes[0], 7, 'bytes are little-endian');
});

test('lookup returns one index per name and -1 once the table is full', () => {
  const { dlm, res } = lockspace(1);
  assert.equal(dlm.lookup(GlockType.rgrp, 17), res);
  assert.notEqual(dlm.lookup(GlockType.inode, 17), res);
  assert.equal(dlm.resourceType(res), GlockType.rgrp);
  assert.equal(dlm.resourceNumber(res), 17);
  let full = -1;
  for (let i = 0; i < limits.dlmResourcesMax + 1 && full < 0; i++) {
    if (dlm.lookup(GlockType.inode, 100_000 + i) < 0) full = i;
  }
  assert.ok(full > 0, 'the table eventually reports full instead of looping');
  assert.ok(dlm.resourcesUsed() <= limits.dlmResourcesMax);
});
