// lock_dlm: the glock layer's lock module over the shared-memory DLM (fs/gfs2/lock_dlm.c).
// Translates glock states to DLM modes and resolves a conversion deadlock the way the DLM's
// CONVDEADLK does: drop to NL and queue again, so two SH holders both converting to EX cannot
// wait for each other forever.

import { DlmStatus, dlmModeOf } from '../dlm/api.js';
import type { Dlm } from '../dlm/dlm.js';
import type { LockModule } from '../glock/lm.js';

export class DlmLockModule implements LockModule {
  private readonly dlm: Dlm;
  private readonly node: number;
  /** Conversions that hit a deadlock and were re-queued from NL (a statistic). */
  convDeadlocks = 0;
  /**
   * Called when a deadlocked conversion dropped the lock to NL: another node may now write the
   * glock's blocks before we are granted again, so the node must drop its cached copies
   * (a SH holder has nothing dirty, so dropping is safe).
   */
  onDroppedToNl: (res: number) => void = () => {};

  constructor(dlm: Dlm, node: number) {
    this.dlm = dlm;
    this.node = node;
  }

  resourceIndex(type: number, number: number): number {
    const res = this.dlm.lookup(type, number);
    if (res < 0) throw new RangeError(`DLM resource table full looking up ${type}/${number}`);
    return res;
  }

  lock(res: number, state: number, lmFlags: number): number {
    const st = this.dlm.request(this.node, res, dlmModeOf(state), lmFlags);
    if (st === DlmStatus.deadlock) {
      this.convDeadlocks++;
      this.dlm.release(this.node, res);
      this.onDroppedToNl(res);
      return this.dlm.request(this.node, res, dlmModeOf(state), lmFlags);
    }
    return st;
  }

  unlock(res: number): void {
    this.dlm.release(this.node, res);
  }
}
