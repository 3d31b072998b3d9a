// check_journal_clean (util.c): take the journal inode glock SH (NOEXP|GL_EXACT|GL_NOCACHE),
// find the head, and call the journal clean iff the head has UNMOUNT.

import { GlockType, LmState } from '../dlm/api.js';
import { HolderFlag } from '../glock/flags.js';
import { Holder } from '../glock/holder.js';
import { findHead } from '../journal/head.js';
import { newJournalHead } from '../journal/types.js';
import type { NodeCore } from '../node/node-core.js';
import { acquire, release } from '../node/op-locks.js';
import type { Proc } from '../node/proc.js';
import { journalInodeNumber } from '../node/recovery.js';

const holder = new WeakMap<NodeCore, Holder>();

/** 1 clean, 0 dirty, < 0 error. */
export function* checkJournalClean(n: NodeCore, p: Proc, jid: number): Generator<void, number, void> {
  let h = holder.get(n);
  if (h === undefined) {
    h = new Holder('check_journal_clean');
    holder.set(n, h);
  }
  const gl = n.glocks.get(GlockType.inode, journalInodeNumber(n, jid));
  const r = yield* acquire(n.ctx, p, h, gl, LmState.sh, HolderFlag.noexp | HolderFlag.exact | HolderFlag.nocache);
  if (r !== 0) return r;
  yield* n.readWait(p, n.cfg.journalBlocks);
  const head = newJournalHead();
  const st = findHead(n.platform.io, n.node, n.journalLoc(jid), head, n.ctx.scratch);
  yield* release(n.ctx, p, h);
  if (st !== 0) return st;
  return head.clean ? 1 : 0;
}
