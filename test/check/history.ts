// Test helper (not a test file): builds event histories in the real record layout
// [timeNs, kind, node, a, b, c, d, seq] (src/memory/events.ts), for the oracle's canary tests.
// Every event advances time by stepNs, so histories are in one cluster order.

import { MetaType, writeMetaHeader } from '../../src/disk/meta.js';
import { EVENT_FIELDS, Ev } from '../../src/memory/events.js';

export const UN = 0;
export const EX = 1;
export const DF = 2;
export const SH = 3;
export const NOEXP = 0x4;

export class History {
  private buf = new Float64Array(64 * EVENT_FIELDS);
  private n = 0;
  private readonly seqs = new Map<number, number>();
  timeNs = 1_000;
  readonly stepNs: number;

  constructor(stepNs = 1_000) {
    this.stepNs = stepNs;
  }

  get length(): number {
    return this.n;
  }

  /** Append one record; `at` overrides the time (for out-of-order tests). */
  ev(node: number, kind: number, a = 0, b = 0, c = 0, d = 0, at?: number): this {
    if ((this.n + 1) * EVENT_FIELDS > this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    const seq = this.seqs.get(node) ?? 0;
    this.seqs.set(node, seq + 1);
    const t = at ?? this.timeNs;
    this.buf.set([t, kind, node, a, b, c, d, seq], this.n * EVENT_FIELDS);
    this.n++;
    if (at === undefined) this.timeNs += this.stepNs;
    return this;
  }

  /** Feed every record to `observe`, in order. */
  feed(observe: (rec: Float64Array, off: number) => void): void {
    for (let i = 0; i < this.n; i++) observe(this.buf, i * EVENT_FIELDS);
  }

  // Journal events.
  logBlock(node: number, blk: number, version: number, pos: number): this {
    return this.ev(node, Ev.logBlock, blk, version, pos);
  }
  revoke(node: number, blk: number, pos: number): this {
    return this.ev(node, Ev.revoke, blk, 0, pos);
  }
  commit(node: number, headerPos: number, blocks = 0): this {
    return this.ev(node, Ev.commit, headerPos, 0, blocks);
  }
  tail(node: number, tail: number, head: number): this {
    return this.ev(node, Ev.tail, tail, head);
  }
  versionCommit(node: number, blk: number, version: number, res: number): this {
    return this.ev(node, Ev.versionCommit, blk, version, res);
  }
  /**
   * One flush: each [blk, version, res] logged from `pos` on, then revokes of `revokes`, then
   * the header and the versionCommit events, as LogManager.flush and NodeLog.flush emit them.
   * Returns the next free journal position through `next`.
   */
  flush(
    node: number,
    pos: number,
    blocks: readonly (readonly [number, number, number])[],
    revokes: readonly number[] = [],
    next?: { pos: number },
  ): this {
    let p = pos;
    if (blocks.length > 0) p++; // the METADATA descriptor
    for (const [blk, ver] of blocks) this.logBlock(node, blk, ver, p++);
    for (const blk of revokes) this.revoke(node, blk, p);
    if (revokes.length > 0) p++;
    this.commit(node, p, blocks.length);
    for (const [blk, ver, res] of blocks) this.versionCommit(node, blk, ver, res);
    if (next !== undefined) next.pos = p + 1;
    return this;
  }
  writeBack(node: number, blk: number, version: number): this {
    return this.ev(node, Ev.writeInPlace, blk, version, 0);
  }
  replayWrite(node: number, blk: number, version: number): this {
    return this.ev(node, Ev.writeInPlace, blk, version, 1);
  }
  replayStart(node: number, jid: number): this {
    return this.ev(node, Ev.replayStart, jid);
  }
  replayEnd(node: number, jid: number, replayed = 0, seen = 0): this {
    return this.ev(node, Ev.replayEnd, jid, replayed, seen);
  }
  journalState(node: number, jid: number, clean: boolean): this {
    return this.ev(node, Ev.journalState, jid, clean ? 1 : 0);
  }
  read(node: number, blk: number, version: number, res: number): this {
    return this.ev(node, Ev.readBlock, blk, version, res);
  }
  bitmap(node: number, blk: number, from: number, to: number): this {
    return this.ev(node, Ev.bitmap, blk, from, to);
  }

  // Glock and DLM events.
  grant(node: number, res: number, state: number, flags = 0, pid = 1): this {
    return this.ev(node, Ev.grant, res, state, flags, pid);
  }
  /** A DLM reply arriving and the state change it makes, as the glock layer emits them. */
  dlmState(node: number, res: number, from: number, to: number): this {
    this.ev(node, Ev.dlmReply, res, from, to);
    return this.ev(node, Ev.dlmState, res, from, to);
  }
  callback(node: number, res: number, wanted: number): this {
    return this.ev(node, Ev.callback, res, wanted);
  }
  prep(node: number): this {
    return this.ev(node, Ev.dlmRecovery, 1);
  }
  slot(node: number, jid: number): this {
    return this.ev(node, Ev.dlmRecovery, 2, jid);
  }
  done(node: number): this {
    return this.ev(node, Ev.dlmRecovery, 3);
  }
  mount(node: number, mounted: boolean): this {
    return this.ev(node, Ev.mount, mounted ? 1 : 0);
  }
  lockspace(node: number, change: 1 | 2 | 3): this {
    return this.ev(node, Ev.lockspace, change);
  }
}

/** A disk image of `blocks` blocks whose meta headers carry the given versions (others 0). */
export function diskWithVersions(blocks: number, blockSize: number, versions: ReadonlyMap<number, number>): Uint8Array {
  const disk = new Uint8Array(blocks * blockSize);
  for (let b = 0; b < blocks; b++) {
    const o = b * blockSize;
    const v = versions.get(b) ?? 0;
    writeMetaHeader(disk, o, MetaType.di, v, 0);
  }
  return disk;
}
