// Conformance with the real tools (Debian's gfs2-utils): a journal written by this engine's
// LogManager, spliced into a real mkfs.gfs2 image, is replayed by fsck.gfs2 exactly as our own
// replay would: the METADATA copy of one rgrp header is replayed, the other — revoked after its
// write-back — is not ("Replayed 1 of 2 metadata blocks"), and the journal is clean afterwards.
// Skipped where gfs2-utils is not installed (the other tests never need it).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32 } from '../../src/disk/crc.js';
import { findHead } from '../../src/journal/head.js';
import { LogBatch, LogManager } from '../../src/journal/log.js';
import { newJournalHead } from '../../src/journal/types.js';
import type { BlockIo } from '../../src/platform/platform.js';

const BS = 4096;
const haveTools = spawnSync('mkfs.gfs2', ['-V']).status === 0 && spawnSync('fsck.gfs2', ['-V']).status === 0;

test('fsck.gfs2 replays a journal this engine wrote, honouring its revoke', {
  skip: haveTools ? false : 'gfs2-utils not installed',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs2-conf-'));
  try {
    const img = join(dir, 'x.img');
    execFileSync('truncate', ['-s', '64M', img]);
    execFileSync('mkfs.gfs2', ['-O', '-p', 'lock_nolock', '-j', '1', '-J', '8', '-b', String(BS), img], {
      stdio: 'ignore',
    });
    const disk = new Uint8Array(readFileSync(img));
    const dv = new DataView(disk.buffer);
    // Find journal 0 (its log headers, lh_blkno = position) and the rgrp headers by scanning.
    let startBlk = -1;
    let n = 0;
    const rgs: number[] = [];
    for (let b = 0; b < disk.length / BS; b++) {
      const o = b * BS;
      if (dv.getUint32(o) !== 0x01161970) continue;
      const type = dv.getUint32(o + 4);
      if (type === 8) {
        if (startBlk < 0 && dv.getUint32(o + 40) === 0) startBlk = b;
        if (startBlk >= 0 && b === startBlk + n) n++;
      }
      if (type === 2) rgs.push(b);
    }
    assert.ok(
      startBlk > 0 && n === 2048 && rgs.length >= 2,
      `found journal at ${startBlk} (${n} blocks), rgrps ${rgs.join(',')}`,
    );
    const [rgA, rgB] = rgs as [number, number];
    const io: BlockIo = {
      read: (_n, b, dst, off) => (dst.set(disk.subarray(b * BS, b * BS + BS), off), 0),
      write: (_n, b, src, off) => (disk.set(src.subarray(off, off + BS), b * BS), 0),
      lastWriteDelayNs: () => 0,
    };
    const loc = { jid: 0, startBlk, journalBlocks: n, blockSize: BS };
    const log = new LogManager(io, 0, loc);
    assert.equal(log.mount(), 0);
    // Two rgrp headers with new version stamps (meta pad) and a fixed rg_crc, logged together.
    const images = [rgA, rgB].map((b, i) => {
      const im = disk.slice(b * BS, b * BS + BS);
      const v = new DataView(im.buffer);
      v.setUint32(12, 4242 + i);
      v.setUint32(64, 0);
      v.setUint32(64, crc32(im, 0, 128));
      return im;
    });
    const batch = new LogBatch(2);
    batch.add(rgA, images[0] as Uint8Array, 0);
    batch.add(rgB, images[1] as Uint8Array, 0);
    assert.equal(log.flush(batch), 0);
    // rgB is written in place and revoked; rgA stays only in the journal.
    assert.equal(log.writeBackBlocks([rgB]), 1);
    assert.equal(log.revoke([rgB]), 1);
    assert.equal(log.flush(null), 0);
    writeFileSync(img, disk);
    const fsck = spawnSync('fsck.gfs2', ['-y', img]);
    const out = fsck.stdout.toString() + fsck.stderr.toString();
    // The numbers are fsck's own output for this journal: 1 replayed (rgA), 1 revoked (rgB).
    assert.match(out, /jid=0: Replayed 1 of 2 metadata blocks/);
    const after = new Uint8Array(readFileSync(img));
    const av = new DataView(after.buffer);
    assert.equal(av.getUint32(rgA * BS + 12), 4242, 'rgA was replayed from the journal');
    assert.equal(av.getUint32(rgB * BS + 12), 4243, 'rgB keeps its written-back image');
    const head = newJournalHead();
    const io2: BlockIo = { ...io, read: (_n, b, dst, off) => (dst.set(after.subarray(b * BS, b * BS + BS), off), 0) };
    assert.equal(findHead(io2, 0, loc, head), 0);
    assert.equal(head.clean, true, 'fsck wrote a clean header after replaying');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
