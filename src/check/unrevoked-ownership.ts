// Invariant I2, ownership while un-revoked (reference §4.8): while node A's journal holds an
// un-revoked copy of block b in its active region, no other node may be granted b's glock.
//
// Model of each node's active region (what a replay of A's journal would write), from A's own
// journal events only:
// - Ev.logBlock(b, ver, pos) and Ev.revoke(b, pos) are staged and take effect at A's next
//   Ev.commit: a flush writes its copies and revokes first and its log header last, and until
//   the header is on disk neither is reachable by a replay;
// - Ev.tail(t) records the in-core tail; copies behind it leave the region only at A's next
//   commit, because replay starts at the tail recorded in the last header, not the in-core one
//   (this is what the kernel's "revoke what is still in the log" protects);
// - a revoke cancels A's copy of b; a newer copy of b replaces the older one (a replay writes
//   both in order, so the region still holds b either way);
// - Ev.replayEnd(jid A) or Ev.journalState(jid A, clean), by any node, empties A's region;
//   so do A's Ev.mount (its journal is clean when it mounts or unmounts).
// A copy's glock is the one A reported for b when it committed (versionCommit c), else the
// last one any node reported (readBlock / versionCommit c).
//
// Checks: Ev.grant of a non-UN state on glock g to node B while some A ≠ B has a copy under g.
// One violation per (A, B, g) until A's copies under g are gone, so a long-lived breach is
// reported once, not at every grant.
//
// Deliberately not checked: grants before the glock of a block is known (no versionCommit or
// readBlock named it yet); a replay that ended with an I/O error (replayEnd carries no status,
// so it is taken as emptying the region; I1 and durability still see what it failed to write);
// writes of the copy by A itself (those are I1's). Replays of a journal that is being replayed
// concurrently by two nodes are not distinguished.

import { Ev } from '../memory/events.js';
import type { CheckContext } from './context.js';
import { F } from './context.js';
import { describeFields } from './event-format.js';

interface Copy {
  version: number;
  pos: number;
  res: number;
  timeNs: number;
}

interface Region {
  /** Staged since the last commit: [kind (0 log, 1 revoke), blk, version, pos, timeNs] × n. */
  staged: number[];
  /** In-core tail reported since the last commit, or -1. */
  pendingTail: number;
  copies: Map<number, Copy>;
  /** Glock res → blocks with a copy under it. */
  byRes: Map<number, Set<number>>;
}

const STAGE_FIELDS = 5;
const LMSTATE_UN = 0;

function inRing(p: number, from: number, to: number, n: number): boolean {
  const span = (((to - from) % n) + n) % n;
  return (((p - from) % n) + n) % n < span;
}

export class UnrevokedOwnershipChecker {
  private readonly ctx: CheckContext;
  private readonly journalBlocks: number;
  private readonly regions: Region[] = [];
  /** `${A}:${B}:${res}` already reported and still standing. */
  private readonly reported = new Set<string>();

  constructor(ctx: CheckContext, nodes: number, journalBlocks: number) {
    this.ctx = ctx;
    this.journalBlocks = journalBlocks;
    for (let n = 0; n < nodes; n++)
      this.regions.push({ staged: [], pendingTail: -1, copies: new Map(), byRes: new Map() });
  }

  observe(rec: Float64Array, off: number): void {
    const kind = rec[off + F.kind] as number;
    const node = rec[off + F.node] as number;
    const a = rec[off + F.a] as number;
    const r = this.regions[node];
    switch (kind) {
      case Ev.logBlock:
      case Ev.revoke:
        // A flush writes at most journalBlocks − 2 blocks; more staged entries mean the header
        // never came (a failed flush) and the node kept going, which the engine does not do.
        if (r !== undefined && r.staged.length < STAGE_FIELDS * this.journalBlocks) {
          r.staged.push(
            kind === Ev.logBlock ? 0 : 1,
            a,
            rec[off + F.b] as number,
            rec[off + F.c] as number,
            rec[off + F.time] as number,
          );
        }
        break;
      case Ev.tail:
        if (r !== undefined) r.pendingTail = a;
        break;
      case Ev.commit:
        if (r !== undefined) this.onCommit(node, r, a);
        break;
      case Ev.versionCommit: {
        const c = r?.copies.get(a);
        const res = rec[off + F.c] as number;
        if (r !== undefined && c !== undefined && res >= 0 && c.res !== res) {
          this.unindex(node, r, a, c.res);
          c.res = res;
          this.index(r, a, res);
        }
        break;
      }
      case Ev.replayEnd:
        // Only a replay that finished makes the journal's copies harmless.
        if ((rec[off + F.d] as number) === 0) this.clear(a);
        break;
      case Ev.journalState:
        if ((rec[off + F.b] as number) === 1) this.clear(a);
        break;
      case Ev.mount:
        this.clear(node);
        break;
      case Ev.grant:
        if ((rec[off + F.b] as number) !== LMSTATE_UN)
          this.onGrant(
            node,
            a,
            rec[off + F.b] as number,
            rec[off + F.time] as number,
            rec[off + F.c] as number,
            rec[off + F.d] as number,
          );
        break;
      default:
        break;
    }
  }

  private onCommit(node: number, r: Region, headerPos: number): void {
    const n = this.journalBlocks;
    if (r.pendingTail >= 0) {
      // The header records a tail at least as far as the last in-core tail; keep [tail, header].
      const tail = r.pendingTail;
      for (const [blk, c] of r.copies) if (!inRing(c.pos, tail, headerPos + 1, n)) this.drop(node, r, blk);
      r.pendingTail = -1;
    }
    const s = r.staged;
    for (let i = 0; i < s.length; i += STAGE_FIELDS) {
      const blk = s[i + 1] as number;
      const old = r.copies.get(blk);
      // A flush writes its copies before its revokes, and the engine never revokes a copy
      // logged in the same flush, so a revoke always cancels the copy the region holds.
      if (s[i] === 1) {
        if (old !== undefined) this.drop(node, r, blk);
        continue;
      }
      if (old !== undefined) this.drop(node, r, blk);
      const res = this.ctx.facts.resOf(blk);
      r.copies.set(blk, { version: s[i + 2] as number, pos: s[i + 3] as number, res, timeNs: s[i + 4] as number });
      this.index(r, blk, res);
    }
    s.length = 0;
  }

  private onGrant(node: number, res: number, state: number, timeNs: number, flags: number, pid: number): void {
    for (let owner = 0; owner < this.regions.length; owner++) {
      if (owner === node) continue;
      const r = this.regions[owner] as Region;
      const blks = r.byRes.get(res);
      if (blks === undefined || blks.size === 0) continue;
      const key = `${owner}:${node}:${res}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.report(owner, node, res, state, blks, timeNs, flags, pid);
    }
  }

  private report(
    owner: number,
    node: number,
    res: number,
    state: number,
    blks: Set<number>,
    timeNs: number,
    flags: number,
    pid: number,
  ): void {
    const { sink, facts, glockName } = this.ctx;
    if (!sink.wants('I2')) {
      sink.count('I2');
      return;
    }
    const blk = blks.values().next().value as number;
    const c = (this.regions[owner] as Region).copies.get(blk) as Copy;
    const max = facts.committedMax(blk);
    const others = blks.size > 1 ? ` (and ${blks.size - 1} more block(s) under that glock)` : '';
    const stateName = ['UN', 'EX', 'DF', 'SH'][state] ?? `state ${state}`;
    sink.add({
      invariant: 'I2',
      detail:
        `node ${node} was granted ${glockName(res)} ${stateName} while journal ${owner} still held an un-revoked copy of block ${blk} ` +
        `(version ${c.version}, journal block ${c.pos})${others}: a replay of journal ${owner} would overwrite what node ${node} writes`,
      block: blk,
      versions: { unrevoked: c.version, committed: max },
      nodes: [owner, node],
      glock: glockName(res),
      timeNs,
      trail: [
        ...facts.trails.lines(blk, glockName),
        describeFields(timeNs, Ev.grant, node, res, state, flags, pid, glockName),
      ],
      blocks: [...blks].slice(0, 16),
    });
  }

  private index(r: Region, blk: number, res: number): void {
    if (res < 0) return;
    let set = r.byRes.get(res);
    if (set === undefined) {
      set = new Set();
      r.byRes.set(res, set);
    }
    set.add(blk);
  }

  private unindex(owner: number, r: Region, blk: number, res: number): void {
    const set = r.byRes.get(res);
    if (set === undefined) return;
    set.delete(blk);
    if (set.size > 0) return;
    r.byRes.delete(res);
    // The breach is over: a new one later is a new violation.
    for (let b = 0; b < this.regions.length; b++) this.reported.delete(`${owner}:${b}:${res}`);
  }

  private drop(owner: number, r: Region, blk: number): void {
    const c = r.copies.get(blk);
    if (c === undefined) return;
    r.copies.delete(blk);
    this.unindex(owner, r, blk, c.res);
  }

  private clear(owner: number): void {
    const r = this.regions[owner];
    if (r === undefined) return;
    for (const blk of [...r.copies.keys()]) this.drop(owner, r, blk);
    r.staged.length = 0;
    r.pendingTail = -1;
  }

  /** Un-revoked copies per node right now (for tests and the end-of-run report). */
  copiesOf(owner: number): { blk: number; version: number; pos: number; res: number }[] {
    const r = this.regions[owner];
    if (r === undefined) return [];
    return [...r.copies].map(([blk, c]) => ({ blk, version: c.version, pos: c.pos, res: c.res }));
  }
}
