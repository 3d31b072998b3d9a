// Durability (issue #3): every version committed to a journal must, at the end of the run, be in
// place on the disk or superseded by a higher committed version — whatever happened to the
// journal's owner (clean unmount, withdraw, crash) and whoever recovered the journal.
//
// Checks, once, on a quiescent disk image: for every block with a committed version (from
// Ev.versionCommit), the version stamp in the block's meta header pad (metaVersion at
// block × blockSize) is ≥ the highest committed version. Since versions of one block only grow,
// "superseded" needs no separate case: a later commit raised the maximum and that one must be
// on disk. A version above every committed one is not flagged (see stale-version.ts).
//
// Deliberately not checked:
// - blocks freed in their bitmap (Ev.bitmap new state FREE) after their latest commit: a freed
//   block's logged copies are revoked and dropped from the AIL, so its last content may never
//   reach the disk, by design;
// - blocks whose newest version was committed by a node whose journal is still dirty at the end:
//   the copy is still in that journal and a remount or first mounter will replay it ("left for
//   remount", §4.6). They are counted (deferred) and liveness decides whether leaving the
//   journal dirty was acceptable;
// - the content beyond the version stamp (the version is the block's identity here);
// - when during the run the disk was behind (that is I1's stale-read check).

import { metaMagicOk, metaVersion } from '../disk/meta.js';
import type { BlockFacts } from './block-facts.js';
import type { GlockNameResolver } from './event-format.js';
import type { ViolationSink } from './violations.js';

/** The part of a journal's end state this check needs (JournalState and JournalResult fit). */
export interface JournalCleanness {
  readonly jid: number;
  readonly clean: boolean;
}

export interface DurabilitySummary {
  /** Blocks with a committed version that were checked against the disk. */
  readonly checkedBlocks: number;
  /** Blocks skipped because they were freed after their last commit. */
  readonly freedBlocks: number;
  /** Blocks whose newest copy still sits in a dirty journal (left for remount). */
  readonly deferredBlocks: number;
  readonly violations: number;
}

export function checkDurability(
  disk: Uint8Array,
  blockSize: number,
  facts: BlockFacts,
  journals: readonly JournalCleanness[],
  sink: ViolationSink,
  glockName: GlockNameResolver,
): DurabilitySummary {
  const dirty = new Set<number>();
  for (const j of journals) if (!j.clean) dirty.add(j.jid);
  let checked = 0;
  let freed = 0;
  let deferred = 0;
  let violations = 0;
  for (const [blk, f] of facts.committed()) {
    if (f.freedOrd > f.commitOrd) {
      freed++;
      continue;
    }
    if (f.committedBy >= 0 && dirty.has(f.committedBy)) {
      deferred++;
      continue;
    }
    checked++;
    const off = blk * blockSize;
    let problem: string | null = null;
    let onDisk = -1;
    if (!Number.isSafeInteger(off) || off < 0 || off + blockSize > disk.length) {
      problem = `block ${blk} lies beyond the disk (${disk.length} bytes)`;
    } else if (!metaMagicOk(disk, off)) {
      problem = `block ${blk} has no meta header on disk, but node ${f.committedBy} committed version ${f.committedMax}`;
    } else {
      onDisk = metaVersion(disk, off);
      if (onDisk < f.committedMax) {
        problem =
          `block ${blk} holds version ${onDisk} on disk at the end, but node ${f.committedBy} committed version ${f.committedMax} ` +
          `at ${(f.commitNs / 1e6).toFixed(6)}ms and its journal is clean: the committed change was lost`;
      }
    }
    if (problem === null) continue;
    violations++;
    if (!sink.wants('durability')) {
      sink.count('durability');
      continue;
    }
    sink.add({
      invariant: 'durability',
      detail: problem,
      block: blk,
      versions: onDisk >= 0 ? { onDisk, committed: f.committedMax } : { committed: f.committedMax },
      nodes: f.committedBy >= 0 ? [f.committedBy] : [],
      timeNs: f.commitNs,
      trail: facts.trails.lines(blk, glockName),
      ...(f.res >= 0 ? { glock: glockName(f.res) } : {}),
    });
  }
  return { checkedBlocks: checked, freedBlocks: freed, deferredBlocks: deferred, violations };
}
