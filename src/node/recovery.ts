// Journal recovery on a node (fs/gfs2/recovery.c gfs2_recover_func, reference §3.2) and the
// control work that runs it after DLM recovery (lock_dlm.c gfs2_control_func, §3.1 steps 5–7).
// Every survivor tries every failed jid; the journal glock taken EX with TRY makes exactly one
// of them replay it, the others see "Busy" and retry after HZ, then find it clean.

import { GlockType, LmState, LockNumber } from '../dlm/api.js';
import { HolderFlag } from '../glock/flags.js';
import { GLR_TRYFAILED } from '../glock/lm.js';
import { replayJournal } from '../journal/replay.js';
import { JournalStatus } from '../journal/types.js';
import { Ev, WithdrawPhase } from '../memory/events.js';
import { NodeStat } from '../memory/node-stats.js';
import type { NodeCore } from './node-core.js';
import { acquire, release } from './op-locks.js';
import type { Proc } from './proc.js';
import { prepareSleep, prepareWait } from './proc.js';

/** Results of one recovery job (gdlm_recovery_result's LM_RD_*). */
export const RecoveryResult = { success: 0, gaveup: 1, error: 2 } as const;

/** Journal glock number of a jid's journal inode: its first block stands in for the dinode. */
export function journalInodeNumber(n: NodeCore, jid: number): number {
  return n.fs.journalStart + jid * n.fs.journalBlocks;
}

export function* recoverJournal(n: NodeCore, p: Proc, jid: number): Generator<void, number, void> {
  const h = n.recoveryHolders;
  if (n.isWithdrawn()) {
    n.log(`jid=${jid}: Recovery not attempted due to withdraw.`);
    return RecoveryResult.gaveup;
  }
  const own = jid === n.node;
  if (!own) {
    const jgl = n.glocks.get(GlockType.journal, jid);
    const r = yield* acquire(
      n.ctx,
      p,
      h.journal,
      jgl,
      LmState.ex,
      HolderFlag.noexp | HolderFlag.try | HolderFlag.nocache,
    );
    if (r === GLR_TRYFAILED) {
      n.log(`jid=${jid}: Busy`);
      return RecoveryResult.gaveup;
    }
    if (r !== 0) return RecoveryResult.error;
  }
  const jigl = n.glocks.get(GlockType.inode, journalInodeNumber(n, jid));
  let result: number = RecoveryResult.error;
  const r = yield* acquire(n.ctx, p, h.jinode, jigl, LmState.sh, HolderFlag.noexp | HolderFlag.nocache);
  if (r === 0) {
    n.platform.events.emit(Ev.withdraw, WithdrawPhase.journalLockWon, jid, 0, 0);
    n.log(`jid=${jid}: Trying to acquire journal glock...`);
    n.log(`jid=${jid}: Looking at journal...`);
    // gfs2_find_jhead reads the whole journal before anything can be replayed.
    yield* n.readWait(p, n.cfg.journalBlocks);
    result = yield* replayIfDirty(n, p, jid);
    yield* release(n.ctx, p, h.jinode);
  }
  if (!own) yield* release(n.ctx, p, h.journal);
  n.log(`jid=${jid}: ${result === RecoveryResult.success ? 'Done' : 'Recovery failed'}`);
  return result;
}

function* replayIfDirty(n: NodeCore, p: Proc, jid: number): Generator<void, number, void> {
  const loc = n.journalLoc(jid);
  // The freeze glock keeps the file system from being frozen under the replay.
  const fgl = n.glocks.get(GlockType.nondisk, LockNumber.freeze);
  const r = yield* acquire(
    n.ctx,
    p,
    n.recoveryHolders.freeze,
    fgl,
    LmState.sh,
    HolderFlag.noexp | HolderFlag.priority | HolderFlag.exact,
  );
  if (r !== 0) return RecoveryResult.error;
  const res = replayJournal(n.platform.io, n.node, loc, n.platform.events, {
    scratch: n.replayScratch,
    diskBlocks: n.diskBlocks,
  });
  yield* release(n.ctx, p, n.recoveryHolders.freeze);
  if (res.status !== JournalStatus.ok) {
    n.log(`jid=${jid}: Error ${res.status} recovering journal`);
    // gfs2_meta_sync → gfs2_io_error: a write error during replay withdraws the recovering node.
    if (res.status === JournalStatus.eio) n.withdrawAsync();
    return RecoveryResult.error;
  }
  if (!res.clean) {
    n.log(`jid=${jid}: Replaying journal...0x${res.headBlkno.toString(16)} to 0x${res.headBlkno.toString(16)}`);
    n.log(`jid=${jid}: Replayed ${res.replayed} of ${res.total} blocks`);
    n.stats[NodeStat.blocksReplayed] = (n.stats[NodeStat.blocksReplayed] ?? 0) + res.replayed;
    n.stats[NodeStat.journalsReplayed] = (n.stats[NodeStat.journalsReplayed] ?? 0) + 1;
    yield* n.ioWait(p);
  }
  return RecoveryResult.success;
}

/**
 * gfs2_control_func as a process: after recover_done, recover every jid marked by
 * recover_slot; GAVEUP retries after HZ; when none is left, clear BLOCK_LOCKS and thaw.
 */
export function* controlLoop(n: NodeCore, p: Proc): Generator<void, void, void> {
  const hzNs = n.jiffiesNs(n.cfg.hz);
  while (!n.stopped) {
    if (!n.controlDue) {
      prepareWait(p, n.controlChannel, n.platform.nowNs(), 1e9);
      yield;
      continue;
    }
    n.controlDue = false;
    // 601ef0d5: a remote withdraw is handled instead of DLM recovery this round.
    if (yield* n.protocol.controlWork(n, p)) continue;
    let gaveUp = false;
    for (const jid of [...n.recoverJids].sort((a, b) => a - b)) {
      const res = yield* recoverJournal(n, p, jid);
      if (res === RecoveryResult.gaveup && n.dlm.membership(jid)) {
        // The owner has rejoined the lockspace: it recovers its own journal at mount, and it
        // holds the journal glock from then on (the control LVB tells the kernel the same).
        n.log(`jid=${jid}: owner has remounted; leaving its journal to it`);
        n.recoverJids.delete(jid);
      } else if (res === RecoveryResult.gaveup || res === RecoveryResult.error) {
        // The fail path reports LM_RD_GAVEUP: gfs2_control_func clears a jid only on SUCCESS,
        // so BLOCK_LOCKS stays set and the recovery is retried (here or by another survivor).
        gaveUp = true;
      } else n.recoverJids.delete(jid);
    }
    if (gaveUp) {
      prepareSleep(p, n.platform.nowNs(), Math.max(hzNs, 1000));
      yield;
      n.controlDue = true;
      continue;
    }
    // Like gfs2_control_func's ls_recover_block check: a recover_prep newer than the done being
    // handled means another recovery is under way (its slots may not have arrived yet): keep
    // the freeze until that recovery's done.
    if (n.recoverJids.size === 0 && n.glocks.blockLocks && n.recoverDoneGen >= n.recoverPrepGen) {
      n.glocks.setBlockLocks(false);
      const thawed = n.glocks.thaw();
      n.log(`recover generation done, ${thawed} glocks thawed`);
    }
  }
}
