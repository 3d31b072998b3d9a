// Mount and unmount of a node (fs/gfs2/ops_fstype.c, lock_dlm.c): join the lockspace, take the
// mount lock EX, the live lock SH for the life of the mount, our journal EX and the freeze
// lock SH; replay our own journal if it is dirty; start the log. Unmount writes everything
// back, writes the UNMOUNT header, drops every glock and leaves the lockspace cleanly.

import { GlockType, LmState, LockNumber } from '../dlm/api.js';
import { HolderFlag } from '../glock/flags.js';
import { Holder } from '../glock/holder.js';
import { JournalStatus } from '../journal/types.js';
import type { NodeCore } from './node-core.js';
import { acquire, release } from './op-locks.js';
import type { Proc } from './proc.js';
import { RecoveryResult, recoverJournal } from './recovery.js';

/** Holders kept for the life of a mount (sd_live_gh, sd_journal_gh, sd_freeze_gh). */
export class MountHolders {
  readonly mount = new Holder('mount');
  readonly live = new Holder('live');
  readonly journal = new Holder('journal');
  readonly freeze = new Holder('freeze');
}

const mountHolders = new WeakMap<NodeCore, MountHolders>();

export function holdersOf(n: NodeCore): MountHolders {
  let h = mountHolders.get(n);
  if (h === undefined) {
    h = new MountHolders();
    mountHolders.set(n, h);
  }
  return h;
}

export function* mountNode(n: NodeCore, p: Proc): Generator<void, number, void> {
  const h = holdersOf(n);
  if (!n.dlm.join(n.node)) return -22;
  const noexp = HolderFlag.noexp;
  let r = yield* acquire(
    n.ctx,
    p,
    h.mount,
    n.glocks.get(GlockType.nondisk, LockNumber.mount),
    LmState.ex,
    noexp | HolderFlag.nocache,
  );
  if (r !== 0) return r;
  r = yield* acquire(
    n.ctx,
    p,
    h.live,
    n.glocks.get(GlockType.nondisk, LockNumber.live),
    LmState.sh,
    noexp | HolderFlag.exact,
  );
  if (r !== 0) return r;
  r = yield* acquire(n.ctx, p, h.journal, n.glocks.get(GlockType.journal, n.node), LmState.ex, noexp);
  if (r !== 0) return r;
  let st = n.journal.log.mount();
  if (st === JournalStatus.dirty) {
    // Our own journal is dirty (we crashed or withdrew earlier): replay it before writing.
    n.log(`jid=${n.node}: journal is dirty at mount; recovering it`);
    const res = yield* recoverJournal(n, p, n.node);
    if (res !== RecoveryResult.success) return -5;
    st = n.journal.log.mount();
  }
  if (st !== JournalStatus.ok) return st;
  // Taken after our own recovery, which takes the freeze glock itself (in this process).
  r = yield* acquire(n.ctx, p, h.freeze, n.glocks.get(GlockType.nondisk, LockNumber.freeze), LmState.sh, noexp);
  if (r !== 0) return r;
  n.log(`jid=${n.node}, first mounter: ${n.node === 0 ? 1 : 0}`);
  n.log(`jid=${n.node}: Journal head lookup complete`);
  yield* release(n.ctx, p, h.mount);
  return 0;
}

/** Bound on waiting for glocks to drain at unmount. */
const UNMOUNT_DRAIN_ROUNDS = 10_000;

export function* unmountNode(n: NodeCore, p: Proc): Generator<void, number, void> {
  const h = holdersOf(n);
  n.readOnly = true;
  const st = n.journal.unmount();
  if (st !== 0) return st;
  yield* n.ioWait(p);
  yield* release(n.ctx, p, h.freeze);
  yield* release(n.ctx, p, h.journal);
  yield* release(n.ctx, p, h.live);
  // gfs2_gl_hash_clear: demote every cached glock and wait for the DLM to confirm.
  for (let i = 0; i < UNMOUNT_DRAIN_ROUNDS; i++) {
    n.glocks.demoteAll();
    n.glocks.putIdle();
    if (n.glocks.heldCount() === 0) break;
    yield* n.sleep(p, 100_000);
  }
  if (n.glocks.heldCount() !== 0) n.log(`unmount: ${n.glocks.heldCount()} glocks still held`);
  n.dlm.leave(n.node);
  n.log('unmounted');
  return 0;
}
