// Model-based fuzz: random single-threaded sequences of DLM calls across nodes, applied to the
// shared-memory Dlm and to the plain reference model (model.ts); after every call the return
// value, every node's granted and requested mode, each queue's order, membership and (on
// drain) every ring record must agree.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CbField, Dlm, DlmFlag, DlmMode, dlmRegionBytes, GlockType } from '../../src/dlm/index.js';
import { DlmModel, type Rec } from './model.js';

const NODES = 4;
const RESOURCES = 3;

type Op =
  | { t: 'req'; n: number; r: number; mode: number; flags: number }
  | { t: 'rel' | 'cancel'; n: number; r: number }
  | { t: 'drain' | 'join' | 'leave' | 'fail'; n: number }
  | { t: 'lvbw'; n: number; r: number; v: number }
  | { t: 'lvbr'; r: number };

const node = fc.integer({ min: 0, max: NODES - 1 });
const res = fc.integer({ min: 0, max: RESOURCES - 1 });
const mode = fc.constantFrom(DlmMode.nl, DlmMode.cw, DlmMode.pr, DlmMode.ex);
const flags = fc.constantFrom(
  0,
  0,
  0,
  DlmFlag.noqueue,
  DlmFlag.noqueue | DlmFlag.noqueuebast,
  DlmFlag.priority,
  DlmFlag.quecvt,
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('req' as const), n: node, r: res, mode, flags }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('rel' as const), n: node, r: res }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), n: node, r: res }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('drain' as const), n: node }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constantFrom('join' as const, 'leave' as const, 'fail' as const), n: node }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lvbw' as const), n: node, r: res, v: fc.integer() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lvbr' as const), r: res }) },
);

function drainReal(dlm: Dlm, n: number): Rec[] {
  const out = new Int32Array(4);
  const recs: Rec[] = [];
  while (dlm.ring(n).take(out)) {
    recs.push([out[CbField.kind] ?? 0, out[CbField.a] ?? 0, out[CbField.b] ?? 0, out[CbField.c] ?? 0]);
  }
  return recs;
}

function run(ops: Op[]): void {
  const dlm = new Dlm(new SharedArrayBuffer(dlmRegionBytes(NODES)), 0, NODES, () => {});
  const ids = Array.from({ length: RESOURCES }, (_, i) => dlm.lookup(GlockType.inode, 1000 + i));
  const model = new DlmModel(NODES, RESOURCES);
  for (let n = 0; n < NODES; n++) {
    dlm.join(n);
    model.membershipChange(n, 'join');
  }
  for (let n = 0; n < NODES; n++)
    assert.deepEqual(
      drainReal(dlm, n),
      model.drain(n).map((r) => mapRec(r, ids)),
    );
  const order = new Int32Array(NODES);
  const lvb = new Int32Array(8);
  for (const [step, o] of ops.entries()) {
    const where = `step ${step} ${JSON.stringify(o)}`;
    let got: unknown;
    let want: unknown;
    switch (o.t) {
      case 'req':
        got = dlm.request(o.n, ids[o.r] as number, o.mode, o.flags);
        want = model.request(o.n, o.r, o.mode, o.flags);
        break;
      case 'rel':
        got = dlm.release(o.n, ids[o.r] as number);
        want = model.release(o.n, o.r);
        break;
      case 'cancel':
        got = dlm.cancel(o.n, ids[o.r] as number);
        want = model.cancel(o.n, o.r);
        break;
      case 'drain':
        got = drainReal(dlm, o.n);
        want = model.drain(o.n).map((r) => mapRec(r, ids));
        break;
      case 'join':
      case 'leave':
      case 'fail':
        got = dlm[o.t](o.n);
        want = model.membershipChange(o.n, o.t);
        break;
      case 'lvbw':
        got = dlm.lvbWrite(o.n, ids[o.r] as number, Int32Array.of(o.v, 1, 2, 3, 4, 5, 6, o.n));
        want = model.lvbWrite(o.n, o.r, [o.v, 1, 2, 3, 4, 5, 6, o.n]);
        break;
      case 'lvbr':
        dlm.lvbRead(ids[o.r] as number, lvb);
        got = [...lvb];
        want = model.lvbRead(o.r);
        break;
    }
    assert.deepEqual(got, want, `${where}: result`);
    for (let r = 0; r < RESOURCES; r++) {
      const id = ids[r] as number;
      const mr = model.res[r];
      for (let n = 0; n < NODES; n++) {
        const g = mr?.granted[n] ?? -1;
        assert.equal(dlm.hasLock(n, id), g >= 0, `${where}: node ${n} has a lock on resource ${r}`);
        assert.equal(dlm.grantedMode(n, id), Math.max(g, 0), `${where}: node ${n} mode on resource ${r}`);
        const q = mr?.queue.find((x) => x.node === n);
        assert.equal(dlm.requestedMode(n, id), q ? q.mode : -1, `${where}: node ${n} request on resource ${r}`);
      }
      const k = dlm.waiters(id, order);
      assert.deepEqual(
        [...order.subarray(0, k)],
        model.order(mr as NonNullable<typeof mr>).map((q) => q.node),
        `${where}: queue order of resource ${r}`,
      );
    }
    for (let n = 0; n < NODES; n++) assert.equal(dlm.membership(n), model.members[n], `${where}: membership of ${n}`);
    assert.equal(dlm.generation(), model.generation, `${where}: generation`);
  }
}

/** The model numbers resources 0..R-1; ring records carry the Dlm's resource index in field a for basts and asts. */
function mapRec(r: Rec, ids: number[]): Rec {
  const [kind, a, b, c] = r;
  return kind === 1 || kind === 2 ? [kind, ids[a] as number, b, c] : r;
}

test('the shared-memory DLM agrees with the reference model on random single-threaded call sequences', () => {
  fc.assert(
    fc.property(fc.array(op, { minLength: 20, maxLength: 200, size: 'max' }), (ops) => {
      run(ops);
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: 20240601 },
  );
});
