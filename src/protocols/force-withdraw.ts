// 601ef0d5 "gfs2: Force withdraw to replay journals and wait for it to finish" as shipped in
// v5.7 (reference §4.2–§4.6), with its exact ordering, including the S6 window: the dequeue
// gate's flag is cleared (step 9) before the journal is known clean. Ablations:
// `noSecondaryWait` (secondary withdrawers return at once, as before the commit) and
// `lateClear` (SDF_WITHDRAW_RECOVERY cleared only once the journal is seen clean).

import { GlockType, LmState, LockNumber } from '../dlm/api.js';
import { cancelDemote } from '../glock/callbacks.js';
import { HolderFlag } from '../glock/flags.js';
import type { Glock } from '../glock/glock.js';
import { GLR_TRYFAILED } from '../glock/lm.js';
import type { WithdrawGate } from '../glock/ops.js';
import { WithdrawPhase } from '../memory/events.js';
import { holdersOf } from '../node/mount.js';
import type { NodeCore } from '../node/node-core.js';
import { acquire, release } from '../node/op-locks.js';
import { type Proc, prepareWait } from '../node/proc.js';
import { journalInodeNumber, RecoveryResult, recoverJournal } from '../node/recovery.js';
import { Sdf } from '../node/sdf.js';
import { checkJournalClean } from './check-clean.js';
import { markWithdrawing, phase, releaseLockspace, ueventAndAck } from './common.js';
import { forceWithdrawGate } from './gates.js';
import type { WithdrawProtocol } from './protocol.js';

export interface ForceWithdrawOptions {
  readonly noSecondaryWait: boolean;
  readonly lateClear: boolean;
}

/** check_journal_clean tries before giving up ("skipped until next mount"). */
const CLEAN_TRIES = 10;

export class ForceWithdraw implements WithdrawProtocol {
  readonly name: string;
  private readonly o: ForceWithdrawOptions;

  constructor(o: ForceWithdrawOptions) {
    this.o = o;
    this.name = o.noSecondaryWait
      ? 'force-withdraw:no-secondary-wait'
      : o.lateClear
        ? 'force-withdraw:late-clear'
        : 'force-withdraw';
  }

  gate(n: NodeCore): WithdrawGate {
    return forceWithdrawGate(n);
  }

  *withdraw(n: NodeCore, p: Proc): Generator<void, number, void> {
    if ((n.sdf & Sdf.withdrawn) !== 0) {
      // A secondary withdrawer: wait for the first one to finish (unless the ablation says not).
      if ((n.sdf & Sdf.withdrawInProg) === 0 || this.o.noSecondaryWait) return -1;
      phase(n, WithdrawPhase.secondaryWaitStart, n.node);
      const t0 = n.platform.nowNs();
      while ((n.sdf & Sdf.withdrawInProg) !== 0) {
        prepareWait(p, n.withdrawChannel, n.platform.nowNs(), n.waitMaxNs());
        yield;
        if (n.platform.nowNs() - t0 > n.waitMaxNs())
          throw new Error(`pid ${p.pid}: secondary withdraw waited longer than the wait bound`);
      }
      phase(n, WithdrawPhase.secondaryWaitEnd, n.node, n.platform.nowNs() - t0);
      return -1;
    }
    n.sdf |= Sdf.withdrawn;
    phase(n, WithdrawPhase.start, n.node);
    n.sdf |= Sdf.withdrawInProg;
    n.log('about to withdraw this file system');
    yield* this.signalOurWithdraw(n, p);
    yield* ueventAndAck(n, p);
    releaseLockspace(n, false);
    phase(n, WithdrawPhase.lockspaceReleased, n.node);
    n.log('withdrawn');
    n.sdf &= ~Sdf.withdrawInProg;
    n.withdrawChannel.wakeAll();
    n.withdrawFinished();
    return -1;
  }

  /** signal_our_withdraw() (§4.3), in the commit's order. */
  private *signalOurWithdraw(n: NodeCore, p: Proc): Generator<void, void, void> {
    if ((n.sdf & Sdf.norecovery) !== 0) return;
    n.sdf |= Sdf.withdrawRecovery;
    markWithdrawing(n);
    const h = holdersOf(n);
    // Drop the journal glock (EX → UN) so that another node's EX TRY can take it.
    h.journal.flags |= HolderFlag.nocache;
    yield* release(n.ctx, p, h.journal);
    yield* release(n.ctx, p, h.live);
    n.log(`Requesting recovery of jid ${n.node}.`);
    const live = n.glocks.get(GlockType.nondisk, LockNumber.live);
    yield* n.sleep(p, n.jiffiesNs(Math.floor(n.cfg.hz / 5)));
    phase(n, WithdrawPhase.signalSent, n.node);
    const r = yield* acquire(n.ctx, p, h.live, live, LmState.ex, HolderFlag.try1cb | HolderFlag.noexp);
    if (r === 0) {
      // Standalone (§4.6): nobody else holds the live lock.
      n.log('No other mounters found. Trying to recover our own journal.');
      yield* recoverJournal(n, p, n.node);
      yield* release(n.ctx, p, h.live);
    } else if (r !== GLR_TRYFAILED) {
      n.log(`error ${r} requesting the live lock EX`);
    }
    // Back to SH on the live lock, as every mounted node holds it.
    const s = yield* acquire(
      n.ctx,
      p,
      h.live,
      live,
      LmState.sh,
      HolderFlag.noexp | HolderFlag.exact | HolderFlag.nocache,
    );
    if (s !== 0) n.log(`error ${s} re-acquiring the live lock SH`);
    if (!this.o.lateClear) {
      n.sdf &= ~Sdf.withdrawRecovery; // step 9: the S6 window opens here
      phase(n, WithdrawPhase.recoveryCleared, n.node);
    }
    let clean = false;
    for (let i = 0; i < CLEAN_TRIES && !clean; i++) {
      clean = (yield* checkJournalClean(n, p, n.node)) === 1;
      if (!clean) {
        n.log(`Waiting for journal recovery jid ${n.node}.`);
        yield* n.sleep(p, n.jiffiesNs(n.cfg.hz));
      }
    }
    if (clean) {
      phase(n, WithdrawPhase.journalClean, n.node);
      n.log(`Journal recovery complete for jid ${n.node}.`);
    } else {
      n.log(`Journal recovery skipped for ${n.node} until next mount.`);
    }
    if (this.o.lateClear) {
      n.sdf &= ~Sdf.withdrawRecovery;
      phase(n, WithdrawPhase.recoveryCleared, n.node);
    }
    n.log(`Glock dequeues delayed: ${n.dqsHeld}`);
    phase(n, WithdrawPhase.dequeuesReleased, n.node, n.dqsHeld);
    n.dqsHeld = 0;
    n.dqFinalWakes++;
    n.dqChannel.wakeAll();
  }

  /** nondisk_go_callback (§4.4 step 1): the live-lock signal on a survivor. */
  nondiskCallback(n: NodeCore, gl: Glock, remote: boolean): void {
    if (!remote || gl.number !== LockNumber.live) return;
    cancelDemote(gl);
    if ((n.sdf & Sdf.norecovery) !== 0 || n.isWithdrawn() || (n.sdf & Sdf.remoteWithdraw) !== 0) return;
    n.log('Some node has withdrawn; checking for recovery.');
    phase(n, WithdrawPhase.survivorNotified, -1);
    n.sdf |= Sdf.remoteWithdraw;
    n.controlDue = true;
    n.controlChannel.wakeAll();
  }

  /** remote_withdraw (§4.4 step 2): try every other journal in jid order. */
  *controlWork(n: NodeCore, p: Proc): Generator<void, boolean, void> {
    if ((n.sdf & Sdf.remoteWithdraw) === 0) return false;
    let checked = 0;
    let ret = 0;
    for (let jid = 0; jid < n.fs.journals; jid++) {
      if (jid === n.node) continue;
      const res = yield* recoverJournal(n, p, jid);
      checked++;
      if (res === RecoveryResult.error) {
        ret = -5;
        break;
      }
    }
    n.log(`Journals checked: ${checked}, ret = ${ret}`);
    n.sdf &= ~Sdf.remoteWithdraw;
    return true;
  }
}

export { journalInodeNumber };
