// A fresh journal as mkfs.gfs2 writes it (gfs2-utils libgfs2 lgfs2_write_journal_data;
// reference §5.4). Checked against gfs2-utils 3.5 output (test/disk/crc.test.ts): every block is
// a log header with flags UNMOUNT|USERSPACE, lh_sequence = (s0 + j) mod N for a random s0 in
// [0, N), lh_tail 0, lh_blkno = j, lh_addr = the absolute block, lh_jinode = the journal's
// dinode, mh_jid 0, time 0, and lh_crc filled in. The journal is therefore already a wrapped
// ring: the head (sequence N−1) sits at j = N−1−s0 and the first mount continues after it.

import { encodeLogHeader, LogFlag, newLogHeader } from '../disk/log-format.js';
import { type BlockIo, IoStatus } from '../platform/platform.js';
import { assertJournalLoc, type JournalLoc, JournalStatus } from './types.js';

/**
 * Write every block of the journal. `s0` is the caller's random start sequence (from the
 * Platform's seeded random), an integer in [0, N). Returns JournalStatus.ok or eio.
 */
export function mkfsJournal(io: BlockIo, node: number, loc: JournalLoc, s0: number, scratch?: Uint8Array): number {
  assertJournalLoc(loc);
  const n = loc.journalBlocks;
  if (!Number.isInteger(s0) || s0 < 0 || s0 >= n)
    throw new RangeError(`s0: expected an integer in [0, ${n}), received ${s0}`);
  const bs = loc.blockSize;
  const buf = scratch ?? new Uint8Array(bs);
  const h = newLogHeader();
  h.flags = LogFlag.unmount | LogFlag.userspace;
  h.jinode = loc.jinodeBlk ?? 0;
  let seq = s0;
  for (let j = 0; j < n; j++) {
    h.sequence = seq;
    h.blkno = j;
    h.addr = loc.startBlk + j;
    encodeLogHeader(buf, 0, bs, h);
    if (io.write(node, loc.startBlk + j, buf, 0, true) !== IoStatus.ok) return JournalStatus.eio;
    seq = seq + 1 === n ? 0 : seq + 1;
  }
  return JournalStatus.ok;
}
