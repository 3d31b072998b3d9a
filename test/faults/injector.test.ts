import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SharedDisk } from '../../src/disk/device.js';
import { CbKind } from '../../src/dlm/api.js';
import { FaultCode, FaultInjector, parseFaultPlan } from '../../src/faults/index.js';
import type { BlockCopyIo } from '../../src/journal/replay.js';
import { Ev } from '../../src/memory/events.js';
import { type BlockIo, IoStatus } from '../../src/platform/platform.js';

// A 3-node layout: journal j occupies blocks 10 + 32j .. 10 + 32j + 31; blocks from 200 are
// in-place metadata.
const journals = { journalStart: 10, journalBlocks: 32, journals: 3 };
const BS = 512;
const META = 200;
const journalBlock = (jid: number, i = 0): number => journals.journalStart + jid * journals.journalBlocks + i;

interface Rig {
  inj: FaultInjector;
  io: BlockIo;
  disk: SharedDisk;
  clock: { nowNs: number };
  events: number[][];
  buf: Uint8Array;
}

function rig(text: string, node = 0, seed = 1): Rig {
  const disk = new SharedDisk(new SharedArrayBuffer(256 * BS), 0, 256, BS);
  const clock = { nowNs: 0 };
  const events: number[][] = [];
  const inj = new FaultInjector({
    plan: parseFaultPlan(text, 3),
    node,
    seed,
    nowNs: () => clock.nowNs,
    events: { emit: (kind, a, b, c, d) => void events.push([kind, a, b, c, d]) },
    journals,
  });
  return { inj, io: inj.wrapIo(disk), disk, clock, events, buf: new Uint8Array(BS) };
}

const logWrite = (r: Rig, i: number, node = 0): number => r.io.write(node, journalBlock(node, i % 32), r.buf, 0, true);
const metaWrite = (r: Rig, blk = META, node = 0): number => r.io.write(node, blk, r.buf, 0, false);
const metaRead = (r: Rig, blk = META, node = 0): number => r.io.read(node, blk, r.buf, 0);

describe('FaultInjector block I/O', () => {
  test('after=k fails exactly the k-th journal write and none before it', () => {
    const r = rig('jerr:node=0,after=5,sticky=0');
    const got = Array.from({ length: 8 }, (_, i) => logWrite(r, i));
    assert.deepEqual(got, [0, 0, 0, 0, IoStatus.eio, 0, 0, 0]);
  });

  test('in-place writes and reads do not count towards a journal fault', () => {
    const r = rig('jerr:node=0,after=2,sticky=0');
    for (let i = 0; i < 5; i++) {
      assert.equal(metaWrite(r), IoStatus.ok);
      assert.equal(metaRead(r), IoStatus.ok);
    }
    assert.equal(logWrite(r, 0), IoStatus.ok);
    assert.equal(logWrite(r, 1), IoStatus.eio);
  });

  test('a sticky journal error fails every later write of the node but leaves its reads working', () => {
    const r = rig('jerr:node=0,after=2');
    assert.equal(logWrite(r, 0), IoStatus.ok);
    assert.equal(logWrite(r, 1), IoStatus.eio);
    assert.equal(logWrite(r, 2), IoStatus.eio);
    assert.equal(metaWrite(r), IoStatus.eio);
    assert.equal(metaRead(r), IoStatus.ok);
    assert.equal(r.io.read(0, journalBlock(0), r.buf, 0), IoStatus.ok);
  });

  test('at= fails nothing until the clock passes it, then the first journal write', () => {
    const r = rig('jerr:node=0,at=2s,sticky=0');
    r.clock.nowNs = 1.999e9;
    for (let i = 0; i < 10; i++) assert.equal(logWrite(r, i), IoStatus.ok);
    r.clock.nowNs = 2e9;
    assert.equal(logWrite(r, 10), IoStatus.eio);
    assert.equal(logWrite(r, 11), IoStatus.ok);
  });

  test('after= counts from at= when both are given', () => {
    const r = rig('jerr:node=0,at=1s,after=3,sticky=0');
    for (let i = 0; i < 5; i++) assert.equal(logWrite(r, i), IoStatus.ok);
    r.clock.nowNs = 1e9;
    assert.deepEqual([logWrite(r, 5), logWrite(r, 6), logWrite(r, 7)], [0, 0, IoStatus.eio]);
  });

  test('a probability fault makes the same decisions for the same seed and different ones for another', () => {
    const run = (seed: number): number[] => {
      const r = rig('jerr:node=0,p=0.1,sticky=0', 0, seed);
      return Array.from({ length: 2000 }, (_, i) => logWrite(r, i));
    };
    const a = run(7);
    assert.deepEqual(run(7), a);
    assert.notDeepEqual(run(8), a);
    // Binomial(2000, 0.1): mean 200, sd ≈ 13.4; 130..270 is beyond 5 sd either side.
    const hits = a.filter((s) => s === IoStatus.eio).length;
    assert.ok(hits > 130 && hits < 270, `${hits} hits`);
  });

  test('a failed write never reaches the disk', () => {
    const r = rig('merr:node=0,op=w,after=2,sticky=0');
    r.buf.fill(1);
    assert.equal(metaWrite(r, META), IoStatus.ok);
    r.buf.fill(2);
    assert.equal(metaWrite(r, META), IoStatus.eio);
    assert.equal(r.disk.bytes[META * BS], 1);
  });

  test('merr op=r fails reads only, op=w in-place writes only', () => {
    const rd = rig('merr:node=0,op=r,after=1,sticky=0');
    assert.equal(metaWrite(rd), IoStatus.ok);
    assert.equal(logWrite(rd, 0), IoStatus.ok);
    assert.equal(metaRead(rd), IoStatus.eio);
    const wr = rig('merr:node=0,op=w,after=1,sticky=0');
    assert.equal(metaRead(wr), IoStatus.ok);
    assert.equal(logWrite(wr, 0), IoStatus.ok);
    assert.equal(metaWrite(wr), IoStatus.eio);
  });

  test('a sticky read fault keeps failing reads, even of the node own journal', () => {
    const r = rig('merr:node=0,op=r,after=1');
    assert.equal(metaRead(r), IoStatus.eio);
    assert.equal(r.io.read(0, journalBlock(0), r.buf, 0), IoStatus.eio);
  });

  test('recovery-withdraw fails the in-place write that follows a read of another node journal', () => {
    const r = rig('recovery-withdraw:node=0', 0);
    // The node's own traffic: a read of its own journal then an in-place write is not a replay.
    assert.equal(r.io.read(0, journalBlock(0, 3), r.buf, 0), IoStatus.ok);
    assert.equal(metaWrite(r), IoStatus.ok);
    assert.equal(metaRead(r), IoStatus.ok);
    assert.equal(metaWrite(r), IoStatus.ok);
    // Replay of journal 1: read the logged image, write it home.
    assert.equal(r.io.read(0, journalBlock(1, 5), r.buf, 0), IoStatus.ok);
    assert.equal(metaWrite(r, META + 1), IoStatus.eio);
    // Sticky: the recovering node's own log writes fail afterwards, so it withdraws.
    assert.equal(logWrite(r, 0), IoStatus.eio);
  });

  test('recovery-withdraw after=k strikes the k-th replay write, counting the clean header', () => {
    const r = rig('recovery-withdraw:node=0,after=3,sticky=0', 0);
    const replayOne = (): number => {
      r.io.read(0, journalBlock(2, 1), r.buf, 0);
      return metaWrite(r);
    };
    assert.equal(replayOne(), IoStatus.ok);
    assert.equal(replayOne(), IoStatus.ok);
    // The clean header recovery writes into the other node's journal is the third.
    assert.equal(r.io.write(0, journalBlock(2, 9), r.buf, 0, true), IoStatus.eio);
    assert.equal(replayOne(), IoStatus.ok);
  });

  test('only the write right after a read of another node journal counts as a replay write', () => {
    const r = rig('recovery-withdraw:node=0,after=2,sticky=0', 0);
    assert.equal(r.io.read(0, journalBlock(1, 4), r.buf, 0), IoStatus.ok);
    assert.equal(metaWrite(r, META), IoStatus.ok);
    // No journal read in between: ordinary write-back, not the second replay write.
    assert.equal(metaWrite(r, META + 1), IoStatus.ok);
    assert.equal(r.io.read(0, journalBlock(1, 5), r.buf, 0), IoStatus.ok);
    assert.equal(metaWrite(r, META + 2), IoStatus.eio);
  });

  test('a probability fault that hits many times is recorded once', () => {
    const r = rig('jerr:node=0,p=0.5,sticky=0', 0);
    for (let i = 0; i < 100; i++) logWrite(r, i);
    assert.ok(r.inj.counters.failedIos > 10);
    assert.equal(r.events.length, 1);
  });

  test('I/O issued in another node name passes through untouched', () => {
    const r = rig('jerr:node=0,after=1');
    assert.equal(logWrite(r, 0, 1), IoStatus.ok);
    assert.equal(logWrite(r, 0, 0), IoStatus.eio);
    assert.equal(logWrite(r, 1, 1), IoStatus.ok);
  });

  test('a node without I/O faults gets the device itself', () => {
    const r = rig('jerr:node=1,after=1+cbdelay:node=0,ms=5', 0);
    assert.equal(r.io, r.disk);
  });

  test('the first hit of each fault is recorded as one Ev.fault event', () => {
    const r = rig('jerr:node=0,after=2+merr:node=0,op=r,at=1s,sticky=0', 0);
    logWrite(r, 0);
    logWrite(r, 1);
    logWrite(r, 2);
    r.clock.nowNs = 1e9;
    metaRead(r, META + 4);
    metaRead(r, META + 5);
    // a = code, b = block, c = index in the plan, d = ordinal of the matching I/O.
    assert.deepEqual(r.events, [
      [Ev.fault, FaultCode.jerr, journalBlock(0, 1), 0, 2],
      [Ev.fault, FaultCode.merr, META + 4, 1, 1],
    ]);
    assert.equal(r.inj.counters.failedIos, 3);
  });

  test('a one-pass copy counts as a read of the source and a write of the destination', () => {
    const disk = new SharedDisk(new SharedArrayBuffer(256 * BS), 0, 256, BS);
    const copying: BlockCopyIo = Object.assign(Object.create(disk) as SharedDisk, {
      copyBlock: (_n: number, src: number, dst: number) => disk.write(0, dst, disk.bytes.subarray(src * BS), 0, false),
    });
    const inj = new FaultInjector({
      plan: parseFaultPlan('recovery-withdraw:node=0', 3),
      node: 0,
      seed: 1,
      nowNs: () => 0,
      journals,
    });
    const io = inj.wrapIo(copying) as BlockCopyIo;
    assert.equal(typeof io.copyBlock, 'function');
    const peek = new Uint8Array(24);
    assert.equal(io.copyBlock(0, journalBlock(0, 2), META, peek, 24), IoStatus.ok);
    assert.equal(io.copyBlock(0, journalBlock(1, 2), META, peek, 24), IoStatus.eio);
  });
});

describe('FaultInjector delays', () => {
  test('a slow disk reports its delay for writes inside its window only', () => {
    const r = rig('slow:node=0,write=5ms,from=1s,to=2s');
    metaWrite(r);
    assert.equal(r.io.lastWriteDelayNs(0), 0);
    r.clock.nowNs = 1.5e9;
    logWrite(r, 0);
    assert.equal(r.io.lastWriteDelayNs(0), 5e6);
    assert.equal(r.io.lastWriteDelayNs(1), 0);
    r.clock.nowNs = 2e9;
    metaWrite(r);
    assert.equal(r.io.lastWriteDelayNs(0), 0);
  });

  test('callback delays apply only to the targeted node and callback kind', () => {
    const r = rig('cbdelay:node=0,delay=50ms,kind=bast', 0);
    const hooks = r.inj.delayHooks();
    assert.ok(hooks !== null);
    assert.equal(hooks.callbackDelayNs(0, CbKind.bast), 50e6);
    assert.equal(hooks.callbackDelayNs(0, CbKind.ast), 0);
    assert.equal(hooks.callbackDelayNs(1, CbKind.bast), 0);
    assert.equal(hooks.withdrawAckDelayNs(0), 0);
  });

  test('a callback delay without a kind applies to every kind', () => {
    const hooks = rig('cbdelay:node=2,ms=20', 2).inj;
    for (const kind of Object.values(CbKind)) assert.equal(hooks.callbackDelayNs(2, kind), 20e6);
  });

  test('a withdraw acknowledgement delay applies only to its node', () => {
    const r = rig('ackdelay:node=1,ms=200', 1);
    assert.equal(r.inj.withdrawAckDelayNs(1), 200e6);
    assert.equal(r.inj.withdrawAckDelayNs(0), 0);
    assert.equal(r.inj.callbackDelayNs(1, CbKind.bast), 0);
  });

  test('a node without delay faults gets no delay hooks', () => {
    assert.equal(rig('jerr:node=0,after=1', 0).inj.delayHooks(), null);
    assert.equal(rig('cbdelay:node=1,ms=5', 0).inj.delayHooks(), null);
  });
});

describe('FaultInjector crashes', () => {
  test('a timed crash is due once the clock reaches it, and says when', () => {
    const r = rig('crash:node=0,at=3s');
    assert.equal(r.inj.crashDueAtNs(), 3e9);
    r.clock.nowNs = 2.9e9;
    assert.equal(r.inj.crashDue(), false);
    r.clock.nowNs = 3e9;
    assert.equal(r.inj.crashDue(), true);
    assert.deepEqual(r.events, [[Ev.fault, FaultCode.crash, 0, 0, 0]]);
  });

  test('a crash after k log writes is due after the k-th and not before', () => {
    const r = rig('crash:node=0,after=3');
    assert.equal(r.inj.crashDueAtNs(), Number.POSITIVE_INFINITY);
    logWrite(r, 0);
    logWrite(r, 1);
    metaWrite(r);
    assert.equal(r.inj.crashDue(), false);
    logWrite(r, 2);
    assert.equal(r.inj.crashDue(), true);
  });

  test('a crash fault on another node never makes this one due', () => {
    const r = rig('crash:node=1,at=1s', 0);
    r.clock.nowNs = 5e9;
    assert.equal(r.inj.crashDue(), false);
    assert.equal(r.inj.crashDueAtNs(), Number.POSITIVE_INFINITY);
  });
});
