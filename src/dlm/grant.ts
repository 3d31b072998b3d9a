// Grants of waiting requests and blocking callbacks, all under the resource's LOCK.
//
// Grant rules follow fs/dlm/lock.c (_can_be_granted, grant_pending_locks, send_bast_queue):
// - a request is grantable only if compatible with every granted mode of the other nodes;
// - "now" (at request time): a conversion (the node already holds a lock, even NL) is granted
//   if compatible (unless QUECVT and conversions are queued); a new lock only if nothing is
//   queued, or with PRIORITY (gfs2's NOORDER|HEADQUE);
// - pending: queued conversions are served before new requests, FIFO by ticket (PRIORITY
//   requests take tickets at the head); the first ungrantable entry blocks the ones behind it
//   except PRIORITY (NOORDER) ones; passes repeat while anything was granted;
// - basts carry the requested mode and are deduplicated by the holder's highest bast since
//   its grant (lkb_highbast), which every grant resets to NL.

import { CbKind, DlmFlag, DlmMode, DlmStatus } from './api.js';
import type { CallbackRing } from './callback-ring.js';
import { DlmCore } from './core.js';
import {
  dlmModesCompatible,
  G_MODE_MASK,
  G_NONE,
  INCOMPAT_COUNTS,
  R_NODE,
  R_QUEUE_LEN,
  RQ_FLAGS_SHIFT,
  StatField,
  UNIT_OF_G,
} from './layout.js';

export class DlmGrant extends DlmCore {
  /** grant_pending_locks: grant waiters in order, then bast holders that block what still waits. */
  protected grantPending(res: number, rb: number, caller: number): void {
    const i32 = this.i32;
    const rq0 = rb + R_NODE + this.nodes;
    for (let pass = 0; pass <= this.nodes && (i32[rb + R_QUEUE_LEN] as number) > 0; pass++) {
      const k = this.orderQueue(rb);
      let grantedAny = false;
      let blocked = false;
      for (let j = 0; j < k; j++) {
        const n = this.order[j] as number;
        const rq = Atomics.load(i32, rq0 + n);
        const mode = (rq & 0xff) - 1;
        const others = this.cs - (UNIT_OF_G[Atomics.load(i32, rb + R_NODE + n) & G_MODE_MASK] as number);
        const noorder = ((rq >> RQ_FLAGS_SHIFT) & DlmFlag.priority) !== 0;
        if ((others & (INCOMPAT_COUNTS[mode] as number)) === 0 && (!blocked || noorder)) {
          this.dequeueLocked(rb, n);
          this.grantLocked(rb, n, mode);
          this.postAst(n, res, mode);
          grantedAny = true;
        } else {
          blocked = true;
        }
      }
      if (!grantedAny) break;
    }
    if ((i32[rb + R_QUEUE_LEN] as number) > 0) this.bastForWaiters(res, rb, caller);
  }

  /** The tail of grant_pending_locks: bast granted (not converting) holders with the highest waiting mode. */
  private bastForWaiters(res: number, rb: number, caller: number): void {
    const i32 = this.i32;
    const rq0 = rb + R_NODE + this.nodes;
    let high = -1;
    let cw = false;
    for (let n = 0; n < this.nodes; n++) {
      const rq = Atomics.load(i32, rq0 + n);
      if (rq === 0) continue;
      const mode = (rq & 0xff) - 1;
      if (mode > high) high = mode;
      if (mode === DlmMode.cw) cw = true;
    }
    for (let n = 0; n < this.nodes; n++) {
      const g = Atomics.load(i32, rb + R_NODE + n) & G_MODE_MASK;
      if (g === G_NONE || Atomics.load(i32, rq0 + n) !== 0) continue;
      const gr = g - 1;
      const hbi = rq0 + 2 * this.nodes + n;
      const hb = Atomics.load(i32, hbi);
      const needed = gr === DlmMode.pr && cw ? hb < DlmMode.ex : hb < high && !dlmModesCompatible(gr, high);
      if (!needed) continue;
      this.postBast(n, res, cw && high === DlmMode.pr && gr === DlmMode.pr ? DlmMode.cw : high, caller);
      Atomics.store(i32, hbi, high);
    }
  }

  /**
   * send_bast_queue / modes_require_bast: bast each other holder blocking `mode` (converting
   * holders too when `includeConverting`, as NOQUEUEBAST does), at most once per mode level.
   */
  protected bastHolders(res: number, rb: number, requester: number, mode: number, includeConverting: boolean): void {
    const i32 = this.i32;
    const rq0 = rb + R_NODE + this.nodes;
    for (let n = 0; n < this.nodes; n++) {
      if (n === requester) continue;
      const g = Atomics.load(i32, rb + R_NODE + n) & G_MODE_MASK;
      if (g === G_NONE || (!includeConverting && Atomics.load(i32, rq0 + n) !== 0)) continue;
      const gr = g - 1;
      const hbi = rq0 + 2 * this.nodes + n;
      const hb = Atomics.load(i32, hbi);
      const prCw = (gr === DlmMode.pr && mode === DlmMode.cw) || (gr === DlmMode.cw && mode === DlmMode.pr);
      const needed = prCw ? hb < DlmMode.ex : hb < mode && !dlmModesCompatible(gr, mode);
      if (!needed) continue;
      this.postBast(n, res, mode, requester);
      Atomics.store(i32, hbi, mode);
    }
  }

  /** Completion for a grant that was not returned synchronously; departed nodes get nothing (their locks are being purged). */
  protected postAst(node: number, res: number, mode: number): void {
    if (!this.isMemberNow(node)) return;
    (this.rings[node] as CallbackRing).post(CbKind.ast, res, mode, 0);
    this.count(node, StatField.grantsQueued, 1);
  }

  private postBast(node: number, res: number, mode: number, caller: number): void {
    if (!this.isMemberNow(node)) return;
    (this.rings[node] as CallbackRing).post(CbKind.bast, res, mode, 0);
    this.count(caller, StatField.bastsSent, 1);
  }

  /** Remove everything `node` has on the resource (under LOCK) and grant what that frees. */
  protected purgeLocked(res: number, rb: number, node: number): void {
    this.dequeueLocked(rb, node);
    this.dropLocked(rb, node, false);
    this.grantPending(res, rb, node);
  }

  /** A node that found itself departed after changing a resource undoes the change itself. */
  protected undoDeparted(node: number, res: number): number {
    const rb = this.layout.resources + res * this.stride;
    this.lockResource(rb, node);
    try {
      this.purgeLocked(res, rb, node);
    } finally {
      this.unlockResource(rb);
    }
    return DlmStatus.notMember;
  }
}
