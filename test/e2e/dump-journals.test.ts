// `--dump-journals DIR` (issue #2): after a run DIR holds, for every jid, journal<jid>.live.bin
// (taken when the workload stopped, before unmount: a crash image) and journal<jid>.bin (after
// unmount), each the journal's N blocks in logical order. The images are read here with the
// engine's own head search and replay, over a block device built on the file bytes, so the test
// checks that another tool could recover the cluster from them.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findHead } from '../../src/journal/head.js';
import { replayJournal, scanJournal } from '../../src/journal/replay.js';
import { type JournalLoc, JournalStatus, newJournalHead } from '../../src/journal/types.js';
import type { BlockIo } from '../../src/platform/platform.js';
import type { RunResult } from '../../src/report/result.js';
import { memIo } from '../journal/mem-io.js';
import { describeRun, runSim } from './cluster.js';

const NODES = 3;
const BS = 512;
const JOURNAL_BLOCKS = 64;

/** A BlockIo over a plain byte array of whole blocks. */
const bytesIo = (disk: Uint8Array): BlockIo => memIo(disk, BS);

interface Logged {
  blk: number;
  pos: number;
  version: number;
  revoked: boolean;
}

/** Every logged image in the active range of a journal image (empty for a clean journal). */
function scanImage(image: Uint8Array, jid: number): { status: number; logged: Logged[] } {
  const loc: JournalLoc = { jid, startBlk: 0, journalBlocks: JOURNAL_BLOCKS, blockSize: BS };
  const logged: Logged[] = [];
  const status = scanJournal(bytesIo(image), jid, loc, (blk, pos, version, revoked) =>
    logged.push({ blk, pos, version, revoked }),
  );
  return { status, logged };
}

function headOf(image: Uint8Array, jid: number) {
  const head = newJournalHead();
  findHead(bytesIo(image), jid, { jid, startBlk: 0, journalBlocks: JOURNAL_BLOCKS, blockSize: BS }, head);
  return head;
}

describe('--dump-journals', () => {
  let dir = '';
  let result: RunResult;
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gfs2-stress-dump-'));
    // Seed 7 leaves every node with committed transactions not yet written back when it quiesces.
    result = await runSim({
      seed: 7,
      nodes: NODES,
      ops: 500,
      blockSize: BS,
      journalBlocks: JOURNAL_BLOCKS,
      dumpJournalsDir: dir,
    });
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('the run itself ends clean', () => {
    assert.equal(result.state, 'completed', describeRun(result));
    assert.equal(result.checker.ok, true, describeRun(result));
  });

  test('writes a live and an unmounted image for every jid and nothing else', () => {
    const want: string[] = [];
    for (let jid = 0; jid < NODES; jid++) want.push(`journal${jid}.bin`, `journal${jid}.live.bin`);
    assert.deepEqual(readdirSync(dir).sort(), want.sort());
  });

  test('every image is exactly journalBlocks × blockSize bytes', () => {
    for (const name of readdirSync(dir)) assert.equal(read(name).length, JOURNAL_BLOCKS * BS, name);
  });

  test('every unmounted image has an UNMOUNT head and nothing to replay', () => {
    for (let jid = 0; jid < NODES; jid++) {
      const image = read(`journal${jid}.bin`);
      const head = headOf(image, jid);
      assert.equal(head.status, JournalStatus.ok, `journal${jid}.bin`);
      assert.equal(head.clean, true, `journal${jid}.bin head at ${head.blkno} is not UNMOUNT`);
      // The result document reports the same head as the file holds.
      assert.equal(head.blkno, result.journals[jid]?.head);
      assert.equal(head.sequence, result.journals[jid]?.sequence);
      assert.deepEqual(scanImage(image, jid), { status: JournalStatus.ok, logged: [] });
    }
  });

  test('a live image is a crash image: a committed non-UNMOUNT head over logged blocks', () => {
    let crashImages = 0;
    for (let jid = 0; jid < NODES; jid++) {
      const image = read(`journal${jid}.live.bin`);
      const head = headOf(image, jid);
      assert.equal(head.status, JournalStatus.ok, `journal${jid}.live.bin has no valid head`);
      if (head.clean) continue;
      const scan = scanImage(image, jid);
      assert.equal(scan.status, JournalStatus.ok, `journal${jid}.live.bin active range is corrupt`);
      if (scan.logged.length > 0) crashImages++;
      // The live head is older than the unmounted one: unmount only adds headers after it.
      assert.ok(head.sequence < (result.journals[jid]?.sequence ?? 0), `journal${jid}: live head is not older`);
    }
    assert.ok(crashImages >= 1, 'no live image holds logged blocks in its active range');
  });

  test('replaying a live image writes its unrevoked logged blocks in place and marks it clean', () => {
    let replayedImages = 0;
    for (let jid = 0; jid < NODES; jid++) {
      const image = read(`journal${jid}.live.bin`);
      const { status, logged } = scanImage(image, jid);
      assert.equal(status, JournalStatus.ok);
      if (logged.length === 0) continue;
      // A disk big enough for every logged block, with the journal placed after them all.
      const startBlk = Math.max(...logged.map((l) => l.blk)) + 1;
      const disk = new Uint8Array((startBlk + JOURNAL_BLOCKS) * BS);
      disk.set(image, startBlk * BS);
      const loc: JournalLoc = { jid, startBlk, journalBlocks: JOURNAL_BLOCKS, blockSize: BS };
      const out = replayJournal(bytesIo(disk), jid, loc, null, { diskBlocks: startBlk + JOURNAL_BLOCKS });
      assert.equal(out.status, JournalStatus.ok, `journal${jid}.live.bin replay failed`);
      const live = logged.filter((l) => !l.revoked);
      assert.equal(out.total, logged.length);
      assert.equal(out.replayed, live.length);
      // The last unrevoked copy of each block wins (journal order = scan order).
      const want = new Map<number, Logged>();
      for (const l of live) want.set(l.blk, l);
      for (const [blk, l] of want) {
        const inPlace = disk.subarray(blk * BS, (blk + 1) * BS);
        const copy = image.subarray(l.pos * BS, (l.pos + 1) * BS);
        assert.ok(
          Buffer.from(inPlace).equals(Buffer.from(copy)),
          `journal${jid}: block ${blk} is not its copy at ${l.pos}`,
        );
      }
      // A block whose every copy was revoked is never written.
      for (const l of logged) {
        if (want.has(l.blk)) continue;
        assert.ok(
          disk.subarray(l.blk * BS, (l.blk + 1) * BS).every((b) => b === 0),
          `journal${jid}: revoked block ${l.blk} was written`,
        );
      }
      const headAfter = newJournalHead();
      findHead(bytesIo(disk), jid, loc, headAfter);
      assert.equal(headAfter.clean, true, `journal${jid}: not clean after replay`);
      replayedImages++;
    }
    assert.ok(replayedImages >= 1, 'no live image had anything to replay');
  });
});
