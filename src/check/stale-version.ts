// Invariant I1, no stale replay or write-back (reference §4.8), and its visible consequence,
// the stale read.
//
// Checks:
// - write-back (Ev.writeInPlace c=0): the version written is ≥ the block's highest committed
//   version at that moment. A node writes back the newest copy it logged; a lower version means
//   another node committed the block while this node still had it in its AIL.
// - replay (Ev.writeInPlace c=1, between Ev.replayStart and Ev.replayEnd on the recovering
//   node): judged per block at replayEnd, on the LAST version the replay wrote, against the
//   highest committed version at the time of that write. A replay legitimately writes every
//   un-revoked copy in journal order, so older copies of a block that a later copy in the same
//   journal supersedes are written first and overwritten; only the final image counts. Copies
//   suppressed by a later revoke are never written (the replay rule), so they are never seen.
// - stale read (Ev.readBlock): a node read a version lower than the highest committed one —
//   the S1/S2 consequence of a stale replay, or of a read before a replay finished. The detail
//   names the last in-place write of the block (often the stale replay) and the commit.
//
// Deliberately not checked:
// - mkfs and other writes (c=2): version 0 by construction, before any commit;
// - blocks freed in their bitmap after their latest commit (a read or write of a freed block's
//   old content is garbage by design; reallocation creates a fresh, higher version);
// - a replay that never reached replayEnd (the recovering node died): the final on-disk state
//   is judged by the durability check and the dirty journal by liveness instead;
// - versions higher than committed: a node that dies between writing its log header and
//   emitting versionCommit leaves committed copies the oracle never heard about.

import { Ev } from '../memory/events.js';
import type { CheckContext } from './context.js';
import { F } from './context.js';
import { WriteSource } from './event-format.js';

/** One replay in progress on a recovering node: block → last version written and the max then. */
interface ReplayRun {
  jid: number;
  startNs: number;
  blocks: Map<number, { version: number; committedMax: number; committedBy: number; timeNs: number }>;
}

function sourceName(source: number): string {
  return source === WriteSource.writeBack ? 'write-back' : source === WriteSource.replay ? 'replay' : 'other write';
}

export class StaleVersionChecker {
  private readonly ctx: CheckContext;
  /** Recovering node → its replay in progress. */
  private readonly replays = new Map<number, ReplayRun>();
  /** Bound on blocks remembered per replay: a journal holds at most this many images. */
  private readonly replayBlocksMax: number;

  constructor(ctx: CheckContext, journalBlocks: number) {
    this.ctx = ctx;
    this.replayBlocksMax = journalBlocks;
  }

  observe(rec: Float64Array, off: number): void {
    const kind = rec[off + F.kind] as number;
    const node = rec[off + F.node] as number;
    const timeNs = rec[off + F.time] as number;
    switch (kind) {
      case Ev.writeInPlace:
        this.onWrite(node, rec[off + F.a] as number, rec[off + F.b] as number, rec[off + F.c] as number, timeNs);
        break;
      case Ev.readBlock:
        this.onRead(node, rec[off + F.a] as number, rec[off + F.b] as number, rec[off + F.c] as number, timeNs);
        break;
      case Ev.replayStart:
        this.replays.set(node, { jid: rec[off + F.a] as number, startNs: timeNs, blocks: new Map() });
        break;
      case Ev.replayEnd:
        // An aborted replay (d < 0) left a half-written image: that is for durability and
        // liveness to judge at the end, not a final image to compare with the committed max.
        if ((rec[off + F.d] as number) === 0) this.onReplayEnd(node, rec[off + F.a] as number, timeNs);
        else this.replays.delete(node);
        break;
      default:
        break;
    }
  }

  private onWrite(node: number, blk: number, version: number, source: number, timeNs: number): void {
    const facts = this.ctx.facts;
    if (source === WriteSource.replay) {
      let run = this.replays.get(node);
      if (run === undefined) {
        // A replay write without replayStart (not emitted by the engine today): judge it as a
        // replay of an unknown journal at the next replayEnd of this node.
        run = { jid: -1, startNs: timeNs, blocks: new Map() };
        this.replays.set(node, run);
      }
      const f = facts.get(blk);
      if (run.blocks.size < this.replayBlocksMax || run.blocks.has(blk)) {
        run.blocks.set(blk, { version, committedMax: f?.committedMax ?? 0, committedBy: f?.committedBy ?? -1, timeNs });
      }
    } else if (source === WriteSource.writeBack) {
      const max = facts.committedMax(blk);
      if (version < max && !facts.freedSinceCommit(blk)) {
        const f = facts.at(blk);
        this.report(
          blk,
          `write-back by node ${node} put version ${version} of block ${blk} in place, but node ${f.committedBy} had committed version ${max}`,
          { written: version, committed: max },
          [node, f.committedBy],
          timeNs,
          'stale-write-back',
        );
      }
    }
    facts.noteWrite(blk, node, version, source, timeNs);
  }

  private onReplayEnd(node: number, jid: number, timeNs: number): void {
    const run = this.replays.get(node);
    if (run === undefined) return;
    this.replays.delete(node);
    const facts = this.ctx.facts;
    for (const [blk, w] of run.blocks) {
      if (w.version >= w.committedMax || facts.freedSinceCommit(blk)) continue;
      const detail =
        `replay of journal ${jid} by node ${node} left version ${w.version} of block ${blk} in place, ` +
        `below version ${w.committedMax} committed by node ${w.committedBy} (no later copy or revoke in journal ${jid} covered it)`;
      this.report(
        blk,
        detail,
        { written: w.version, committed: w.committedMax },
        [node, jid, w.committedBy],
        w.timeNs,
        'stale-replay',
        { jid, replayEndNs: timeNs },
      );
    }
  }

  private onRead(node: number, blk: number, version: number, res: number, timeNs: number): void {
    const facts = this.ctx.facts;
    const max = facts.committedMax(blk);
    if (version < max && !facts.freedSinceCommit(blk)) {
      const f = facts.at(blk);
      const by =
        f.lastWriteNode >= 0
          ? `; the disk's copy was last written by node ${f.lastWriteNode} (${sourceName(f.lastWriteSource)} of version ${f.lastWriteVersion} at ${(f.lastWriteNs / 1e6).toFixed(6)}ms)`
          : '; no in-place write of a newer version was seen';
      const detail = `stale read: node ${node} read version ${version} of block ${blk}, but node ${f.committedBy} had committed version ${max}${by}`;
      this.report(
        blk,
        detail,
        { read: version, committed: max },
        [node, f.committedBy],
        timeNs,
        'stale-read',
        res >= 0 ? { res } : {},
      );
    }
    facts.noteRead(blk, res);
  }

  private report(
    blk: number,
    detail: string,
    versions: Record<string, number>,
    nodes: number[],
    timeNs: number,
    check: string,
    extra: Record<string, number> = {},
  ): void {
    const { sink, facts, glockName } = this.ctx;
    if (!sink.wants('I1')) {
      sink.count('I1');
      return;
    }
    const res = extra.res ?? facts.resOf(blk);
    const v = {
      invariant: 'I1',
      check,
      detail,
      block: blk,
      versions,
      nodes: [...new Set(nodes.filter((n) => n >= 0))],
      timeNs,
      trail: facts.trails.lines(blk, glockName),
      ...(res >= 0 ? { glock: glockName(res) } : {}),
      ...extra,
    };
    sink.add(v);
  }

  /** Replays that never ended (the recovering node died), for the report. */
  unfinishedReplays(): { node: number; jid: number; startNs: number; blocks: number }[] {
    return [...this.replays].map(([node, r]) => ({ node, jid: r.jid, startNs: r.startNs, blocks: r.blocks.size }));
  }
}
