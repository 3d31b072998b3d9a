import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { metaVersion } from '../../src/disk/meta.js';
import { BlockState, readRgrpHeader, rgrpHeaderCrcOk } from '../../src/disk/rgrp-format.js';
import { Ev } from '../../src/memory/events.js';
import type { EventSink } from '../../src/platform/platform.js';
import { computeRgrpGeometry, type RgrpGeometry } from '../../src/rgrp/geometry.js';
import { mkfsRgrpsInto } from '../../src/rgrp/mkfs.js';
import { Rgrp, RgrpStatus } from '../../src/rgrp/rgrp.js';

const { free: FREE, used: USED, unlinked: UNLINKED, dinode: DINODE } = BlockState;

function fresh(data: number, bs = 512, rgrps = 2): { g: RgrpGeometry; disk: Uint8Array } {
  const g = computeRgrpGeometry(3, rgrps, data, bs);
  const disk = new Uint8Array(g.endBlock * bs);
  mkfsRgrpsInto(disk, g);
  return { g, disk };
}

function loaded(data: number, bs = 512, index = 1, events: EventSink | null = null): Rgrp {
  const { g, disk } = fresh(data, bs);
  const rg = new Rgrp(g, index, events);
  for (let i = 0; i < rg.length; i++) rg.loadBlock(i, disk, (rg.addr + i) * bs);
  assert.equal(rg.loadDone(), RgrpStatus.ok);
  return rg;
}

/** Fill every data block with USED allocations. */
function fill(rg: Rgrp): void {
  for (let i = 0; i < rg.data; i++) assert.ok(rg.alloc(USED, 0) >= 0);
}

describe('in-core rgrp allocation', () => {
  test('alloc takes the goal block when it is free and returns its block number', () => {
    const rg = loaded(100);
    assert.equal(rg.alloc(USED, 40), rg.data0 + 40);
    assert.equal(rg.stateOf(rg.data0 + 40), USED);
    assert.equal(rg.freeCount, 99);
  });

  test('alloc searches forward from the goal and wraps to the start', () => {
    const rg = loaded(8);
    for (let k = 5; k < 8; k++) assert.equal(rg.alloc(USED, k), rg.data0 + k);
    assert.equal(rg.alloc(USED, 6), rg.data0 + 0);
  });

  test('a DINODE allocation counts in rg_dinodes and the header keeps a valid crc', () => {
    const rg = loaded(100);
    rg.alloc(DINODE, 0);
    const hdr = rg.blockImage(0);
    const h = readRgrpHeader(hdr, 0);
    assert.equal(h.free, 99);
    assert.equal(h.dinodes, 1);
    assert.ok(rgrpHeaderCrcOk(hdr, 0));
  });

  test('alloc reports full when no data block is FREE', () => {
    const rg = loaded(10);
    fill(rg);
    assert.equal(rg.alloc(USED, 3), RgrpStatus.full);
  });

  test('alloc of a kind other than USED or DINODE is refused', () => {
    const rg = loaded(10);
    assert.equal(rg.alloc(UNLINKED, 0), RgrpStatus.badKind);
    assert.equal(rg.alloc(FREE, 0), RgrpStatus.badKind);
  });

  test('an rgrp that was never loaded refuses every operation', () => {
    const { g } = fresh(10);
    const rg = new Rgrp(g, 0);
    assert.equal(rg.alloc(USED, 0), RgrpStatus.notLoaded);
    assert.equal(rg.free(rg.data0), RgrpStatus.notLoaded);
  });
});

describe('clone bitmap rule', () => {
  test('a block freed in a transaction is not reallocated before the next log flush', () => {
    const rg = loaded(10);
    fill(rg);
    assert.equal(rg.free(rg.data0 + 4), RgrpStatus.ok);
    assert.equal(rg.freeCount, 1);
    assert.equal(rg.alloc(USED, 0), RgrpStatus.full);
  });

  test('after onLogFlush the freed block is allocatable again', () => {
    const rg = loaded(10);
    fill(rg);
    rg.free(rg.data0 + 4);
    rg.onLogFlush();
    assert.equal(rg.pendingFreeCount, 0);
    assert.equal(rg.alloc(DINODE, 0), rg.data0 + 4);
  });

  test('a pending free is skipped in favour of a block that was already free', () => {
    const rg = loaded(10);
    rg.alloc(USED, 2);
    rg.free(rg.data0 + 2);
    assert.equal(rg.alloc(USED, 2), rg.data0 + 3);
  });
});

describe('bitmap transitions in core', () => {
  test('freeing a FREE block is a consistency error that changes nothing', () => {
    const rg = loaded(10);
    assert.equal(rg.free(rg.data0 + 1), RgrpStatus.inconsistent);
    assert.equal(rg.freeCount, 10);
    assert.equal(rg.dirtyCount, 0);
  });

  test('unlink moves DINODE to UNLINKED and leaves both counts alone', () => {
    const rg = loaded(10);
    const b = rg.alloc(DINODE, 0);
    assert.equal(rg.unlink(b), RgrpStatus.ok);
    assert.equal(rg.stateOf(b), UNLINKED);
    assert.deepEqual([rg.freeCount, rg.dinodeCount], [9, 1]);
  });

  test('freeing an UNLINKED block gives back its dinode slot', () => {
    const rg = loaded(10);
    const b = rg.alloc(DINODE, 0);
    rg.unlink(b);
    assert.equal(rg.free(b), RgrpStatus.ok);
    assert.deepEqual([rg.freeCount, rg.dinodeCount], [10, 0]);
  });

  test('unlinking a USED block is refused', () => {
    const rg = loaded(10);
    const b = rg.alloc(USED, 0);
    assert.equal(rg.unlink(b), RgrpStatus.inconsistent);
    assert.equal(rg.stateOf(b), USED);
  });

  test('a block outside the rgrp data range is out of range', () => {
    const rg = loaded(10);
    assert.equal(rg.free(rg.addr), RgrpStatus.outOfRange);
    assert.equal(rg.free(rg.data0 + 10), RgrpStatus.outOfRange);
  });

  test('every change emits Ev.bitmap with block, old state and new state', () => {
    const seen: number[][] = [];
    const rg = loaded(10, 512, 0, { emit: (k, a, b, c) => seen.push([k, a, b, c]) });
    const blk = rg.alloc(DINODE, 0);
    rg.unlink(blk);
    rg.free(blk);
    assert.deepEqual(seen, [
      [Ev.bitmap, blk, FREE, DINODE],
      [Ev.bitmap, blk, DINODE, UNLINKED],
      [Ev.bitmap, blk, UNLINKED, FREE],
    ]);
  });
});

describe('dirty blocks and versions', () => {
  test('a change in the RB region dirties the header and that bitmap block once each', () => {
    const rg = loaded(3000); // 512-byte blocks: the header maps data offsets 0..1535
    rg.alloc(USED, 2000);
    rg.alloc(USED, 2001);
    assert.equal(rg.dirtyCount, 2);
    assert.deepEqual([rg.dirtyBlock(0), rg.dirtyBlock(1)], [rg.addr, rg.addr + 1]);
    rg.clearDirty();
    assert.equal(rg.dirtyCount, 0);
  });

  test('stampVersion writes the version and keeps the header crc valid', () => {
    const rg = loaded(10);
    rg.alloc(USED, 0);
    rg.stampVersion(0, 7);
    assert.equal(metaVersion(rg.blockImage(0), 0), 7);
    assert.ok(rgrpHeaderCrcOk(rg.blockImage(0), 0));
  });

  test('loading a header with a bad crc is reported as corrupt', () => {
    const { g, disk } = fresh(10);
    const at = g.addr[0]! * 512 + 29;
    disk[at] = disk[at]! ^ 1;
    const rg = new Rgrp(g, 0);
    for (let i = 0; i < rg.length; i++) rg.loadBlock(i, disk, (rg.addr + i) * 512);
    assert.equal(rg.loadDone(), RgrpStatus.corrupt);
    assert.equal(rg.loaded, false);
  });

  test('images written back and reloaded keep every state and count', () => {
    const { g, disk } = fresh(3000);
    const a = new Rgrp(g, 0);
    for (let i = 0; i < a.length; i++) a.loadBlock(i, disk, (a.addr + i) * 512);
    a.loadDone();
    const d = a.alloc(DINODE, 2500);
    a.alloc(USED, 10);
    for (let i = 0; i < a.length; i++) disk.set(a.blockImage(i), (a.addr + i) * 512);
    const b = new Rgrp(g, 0);
    for (let i = 0; i < b.length; i++) b.loadBlock(i, disk, (b.addr + i) * 512);
    assert.equal(b.loadDone(), RgrpStatus.ok);
    assert.deepEqual([b.stateOf(d), b.freeCount, b.dinodeCount], [DINODE, 2998, 1]);
  });
});

describe('model-based check against a simple Set model', () => {
  type Op =
    | { op: 'alloc'; kind: number; goal: number }
    | { op: 'free'; pick: number }
    | { op: 'unlink'; pick: number }
    | { op: 'freeAny'; k: number }
    | { op: 'flush' };

  function run(data: number, ops: Op[]): void {
    const rg = loaded(data);
    const state = new Array<number>(data).fill(FREE);
    const pending = new Set<number>();
    for (const o of ops) {
      const allocated = [...state.keys()].filter((k) => state[k] !== FREE);
      if (o.op === 'alloc') {
        const goal = o.goal >= 0 && o.goal < data ? o.goal : 0;
        let want = -1;
        for (let i = 0; i < data && want < 0; i++) {
          const k = (goal + i) % data;
          if (state[k] === FREE && !pending.has(k)) want = k;
        }
        const got = rg.alloc(o.kind, o.goal);
        assert.equal(got, want < 0 ? RgrpStatus.full : rg.data0 + want);
        if (want >= 0) state[want] = o.kind;
      } else if (o.op === 'free' || o.op === 'freeAny') {
        const k = o.op === 'free' ? allocated[o.pick % Math.max(1, allocated.length)] : o.k;
        if (k === undefined) continue;
        const st = rg.free(rg.data0 + k);
        assert.equal(st, state[k] === FREE ? RgrpStatus.inconsistent : RgrpStatus.ok);
        if (state[k] !== FREE) {
          state[k] = FREE;
          pending.add(k);
        }
      } else if (o.op === 'unlink') {
        const k = allocated[o.pick % Math.max(1, allocated.length)];
        if (k === undefined) continue;
        const st = rg.unlink(rg.data0 + k);
        assert.equal(st, state[k] === DINODE ? RgrpStatus.ok : RgrpStatus.inconsistent);
        if (st === RgrpStatus.ok) state[k] = UNLINKED;
      } else {
        rg.onLogFlush();
        pending.clear();
      }
      const freeModel = state.filter((s) => s === FREE).length;
      let freeBits = 0;
      for (let k = 0; k < data; k++) if (rg.stateOf(rg.data0 + k) === FREE) freeBits++;
      assert.equal(rg.freeCount, freeModel);
      assert.equal(freeBits, freeModel);
      assert.equal(rg.dinodeCount, state.filter((s) => s === DINODE || s === UNLINKED).length);
      assert.equal(rg.verifyCounts(), RgrpStatus.ok);
    }
  }

  const opArb = (data: number): fc.Arbitrary<Op> =>
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          op: fc.constant('alloc' as const),
          kind: fc.constantFrom(USED, DINODE),
          goal: fc.integer({ min: -2, max: data + 2 }),
        }),
      },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('unlink' as const), pick: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant('freeAny' as const), k: fc.integer({ min: 0, max: data - 1 }) }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('flush' as const) }) },
    );

  test('rg_free equals the FREE bit count and the model in a small rgrp that fills up', () => {
    fc.assert(
      fc.property(fc.array(opArb(13), { maxLength: 120 }), (ops) => run(13, ops)),
      { numRuns: 200 },
    );
  });

  test('rg_free equals the FREE bit count and the model across header and RB bitmap blocks', () => {
    fc.assert(
      fc.property(fc.array(opArb(2000), { maxLength: 80 }), (ops) => run(2000, ops)),
      { numRuns: 40 },
    );
  });
});
