import { DlmFlag, DlmMode, DlmStatus } from './api.js';
import {
  G_MODE_MASK,
  G_NONE,
  G_PENDING,
  INCOMPAT_COUNTS,
  isSupportedMode,
  LOCK,
  LVB_WORDS,
  QUEUED,
  R_LVB,
  R_LVB_DIRTY,
  R_LVB_SHADOW,
  R_NODE,
  R_QUEUE_LEN,
  R_STATE,
  StatField,
  UNIT_OF_G,
} from './layout.js';
import { DlmMembership } from './membership.js';

const G_EX = DlmMode.ex + 1;

export class Dlm extends DlmMembership {
  /**
   * Convert `node`'s lock on `res` to `mode` (from no lock, NL, or another mode). Returns
   * DlmStatus.granted (done, no completion follows), .queued (an ast follows on the node's
   * ring), .tryFailed (NOQUEUE; with NOQUEUEBAST after one bast per incompatible holder),
   * .deadlock (conversion deadlock, nothing queued), .busy (a request is already queued) or
   * .notMember.
   */
  request(node: number, res: number, mode: number, flags: number): number {
    this.checkNode(node);
    this.checkRes(res);
    if (!isSupportedMode(mode)) throw new RangeError(`DLM request: expected mode NL, CW, PR or EX, received ${mode}`);
    const i32 = this.i32;
    this.countOwn(node, StatField.requests);
    if (!this.isMemberNow(node)) return DlmStatus.notMember;
    const rb = this.layout.resources + res * this.stride;
    const gi = rb + R_NODE + node;
    // Own slot: written by others only while this node has a request queued or is being purged.
    const g = Atomics.load(i32, gi) & G_MODE_MASK;
    const s = Atomics.load(i32, rb + R_STATE);
    const others = s - (UNIT_OF_G[g] as number);
    const compatible = (others & (INCOMPAT_COUNTS[mode] as number)) === 0;
    if (!compatible && (s & QUEUED) === 0 && (flags & (DlmFlag.noqueue | DlmFlag.noqueuebast)) === DlmFlag.noqueue) {
      // Every grant rule requires compatibility with the granted modes, and the snapshot s is
      // one consistent instant of them, so a silent TRY fails here without taking the lock
      // (with QUEUED set, this node may itself be queued: the slow path answers busy).
      this.count(node, StatField.tryFailed, 1);
      return DlmStatus.tryFailed;
    }
    // prepUnread is read after s: a purge changes the state word only after storing the
    // prep position, so a snapshot that already shows purged counts also sees the unread prep.
    if (compatible && (s & (LOCK | QUEUED)) === 0 && !this.prepUnread(node)) {
      if (this.fastTransition(rb, gi, g, s, others + (UNIT_OF_G[mode + 1] as number), mode + 1)) {
        // Re-checked after the CAS: a purge of this node that scanned this resource before
        // our CAS could not see the grant, so a departed node undoes it itself.
        if (!this.isMemberNow(node)) return this.undoDeparted(node, res);
        this.countOwn(node, StatField.grantsImmediate);
        return DlmStatus.granted;
      }
    }
    return this.requestSlow(node, res, rb, mode, flags);
  }

  /** Unlock `node`'s lock on `res` (cancelling a queued request first). Returns DlmStatus.granted (done). */
  release(node: number, res: number): number {
    this.checkNode(node);
    this.checkRes(res);
    const i32 = this.i32;
    const rb = this.layout.resources + res * this.stride;
    const gi = rb + R_NODE + node;
    const g = Atomics.load(i32, gi) & G_MODE_MASK;
    const s = Atomics.load(i32, rb + R_STATE);
    // With QUEUED clear this node has nothing queued, so dropping the lock is the whole job.
    if ((s & (LOCK | QUEUED)) === 0) {
      if (g === G_NONE) return DlmStatus.granted;
      if (this.fastTransition(rb, gi, g, s, s - (UNIT_OF_G[g] as number), G_NONE)) return DlmStatus.granted;
    }
    this.count(node, StatField.slowPaths, 1);
    this.lockResource(rb, node);
    try {
      this.dequeueLocked(rb, node);
      this.dropLocked(rb, node, true);
      this.grantPending(res, rb, node);
    } finally {
      this.unlockResource(rb);
    }
    return DlmStatus.granted;
  }

  /** Withdraw `node`'s queued request on `res`: 1 if one was removed (no ast follows), 0 if none was queued. */
  cancel(node: number, res: number): number {
    this.checkNode(node);
    this.checkRes(res);
    const rb = this.layout.resources + res * this.stride;
    if (Atomics.load(this.i32, rb + R_NODE + this.nodes + node) === 0) return 0;
    this.lockResource(rb, node);
    let removed = false;
    try {
      removed = this.dequeueLocked(rb, node);
      // The cancelled request may have been the one blocking the waiters behind it.
      if (removed) this.grantPending(res, rb, node);
    } finally {
      this.unlockResource(rb);
    }
    return removed ? 1 : 0;
  }

  /** DLM mode `node` holds on `res` (NL when it holds nothing). */
  grantedMode(node: number, res: number): number {
    const g = Atomics.load(this.i32, this.layout.resources + res * this.stride + R_NODE + node) & G_MODE_MASK;
    return g === G_NONE ? DlmMode.nl : g - 1;
  }

  /** Whether `node` holds any lock (NL included) on `res`. */
  hasLock(node: number, res: number): boolean {
    return (Atomics.load(this.i32, this.layout.resources + res * this.stride + R_NODE + node) & G_MODE_MASK) !== G_NONE;
  }

  /** Mode `node` waits for on `res`, or -1 when nothing is queued. */
  requestedMode(node: number, res: number): number {
    const rq = Atomics.load(this.i32, this.layout.resources + res * this.stride + R_NODE + this.nodes + node);
    return rq === 0 ? -1 : (rq & 0xff) - 1;
  }

  /**
   * Nodes queued on `res` in grant order (convert queue first) into out[0..); returns how many.
   * Takes the resource lock: for tests, reports and debugging, not the hot path.
   */
  waiters(res: number, out: Int32Array): number {
    this.checkRes(res);
    const rb = this.layout.resources + res * this.stride;
    this.lockResource(rb, 0);
    try {
      return this.queueOrderInto(rb, out);
    } finally {
      this.unlockResource(rb);
    }
  }

  /** Copy the resource's 32-byte value block (the EX holder sees its own unpublished write). */
  lvbRead(res: number, dst: Int32Array | Uint8Array): void {
    this.checkRes(res);
    const rb = this.layout.resources + res * this.stride;
    const from = rb + (Atomics.load(this.i32, rb + R_LVB_DIRTY) !== 0 ? R_LVB_SHADOW : R_LVB);
    for (let w = 0; w < LVB_WORDS; w++) {
      const v = Atomics.load(this.i32, from + w);
      if (dst instanceof Int32Array) dst[w] = v;
      else for (let b = 0; b < 4; b++) dst[w * 4 + b] = (v >>> (8 * b)) & 0xff; // little-endian, as the kernel's LVB bytes
    }
  }

  /** Write the value block as the EX holder; stored when it converts down or unlocks. False if `node` does not hold EX. */
  lvbWrite(node: number, res: number, src: Int32Array | Uint8Array): boolean {
    this.checkNode(node);
    this.checkRes(res);
    const rb = this.layout.resources + res * this.stride;
    if ((Atomics.load(this.i32, rb + R_NODE + node) & G_MODE_MASK) !== G_EX) return false;
    for (let w = 0; w < LVB_WORDS; w++) {
      const v =
        src instanceof Int32Array
          ? (src[w] as number)
          : (src[w * 4] as number) |
            ((src[w * 4 + 1] as number) << 8) |
            ((src[w * 4 + 2] as number) << 16) |
            ((src[w * 4 + 3] as number) << 24);
      Atomics.store(this.i32, rb + R_LVB_SHADOW + w, v);
    }
    Atomics.store(this.i32, rb + R_LVB_DIRTY, 1);
    return true;
  }

  /** The fast path's CAS; see the file header for the PENDING protocol. */
  private fastTransition(rb: number, gi: number, g: number, s: number, next: number, gNext: number): boolean {
    const i32 = this.i32;
    if (Atomics.compareExchange(i32, gi, g, g | G_PENDING) !== g) return false;
    // Published before the state CAS gives up EX, so the next holder (granted only after
    // that CAS) reads the value block this holder wrote.
    if (g === G_EX && gNext !== G_EX) this.publishLvb(rb);
    if (Atomics.compareExchange(i32, rb + R_STATE, s, next) !== s) {
      // Restore only our own PENDING value: if a purge replaced it, its value stands.
      Atomics.compareExchange(i32, gi, g | G_PENDING, g);
      return false;
    }
    // Usually NL already: a load is a plain read, the store a locked exchange. Nobody else writes
    // the slot now (a LOCK holder settles our PENDING first), so skipping it changes nothing.
    if (gNext !== G_NONE && Atomics.load(i32, gi + 3 * this.nodes) !== DlmMode.nl)
      Atomics.store(i32, gi + 3 * this.nodes, DlmMode.nl);
    Atomics.store(i32, gi, gNext);
    return true;
  }

  private requestSlow(node: number, res: number, rb: number, mode: number, flags: number): number {
    this.count(node, StatField.slowPaths, 1);
    this.lockResource(rb, node);
    let status: number;
    try {
      status = this.requestLocked(node, res, rb, mode, flags);
    } finally {
      this.unlockResource(rb);
    }
    // Same re-check as the fast path: a purge may have skipped this resource while we held it.
    if ((status === DlmStatus.granted || status === DlmStatus.queued) && !this.isMemberNow(node)) {
      return this.undoDeparted(node, res);
    }
    return status;
  }

  private requestLocked(node: number, res: number, rb: number, mode: number, flags: number): number {
    const i32 = this.i32;
    if (!this.isMemberNow(node)) return DlmStatus.notMember;
    if (Atomics.load(i32, rb + R_NODE + this.nodes + node) !== 0) return DlmStatus.busy;
    const g = Atomics.load(i32, rb + R_NODE + node) & G_MODE_MASK;
    const conv = g !== G_NONE;
    const queued = this.queueLength(rb) > 0;
    let now = ((this.cs - (UNIT_OF_G[g] as number)) & (INCOMPAT_COUNTS[mode] as number)) === 0;
    if (now && conv) now = (flags & DlmFlag.quecvt) === 0 || !this.convertQueued(rb);
    else if (now) now = !queued || (flags & DlmFlag.priority) !== 0;
    if (now) {
      this.grantLocked(rb, node, mode);
      if (queued) this.grantPending(res, rb, node);
      if (this.prepUnread(node)) {
        this.postAst(node, res, mode);
        return DlmStatus.queued;
      }
      this.countOwn(node, StatField.grantsImmediate);
      return DlmStatus.granted;
    }
    if ((flags & DlmFlag.noqueue) !== 0) {
      if ((flags & DlmFlag.noqueuebast) !== 0) this.bastHolders(res, rb, node, mode, true);
      this.count(node, StatField.tryFailed, 1);
      return DlmStatus.tryFailed;
    }
    if (conv && this.conversionDeadlock(rb, node, g - 1)) {
      this.count(node, StatField.deadlocks, 1);
      return DlmStatus.deadlock;
    }
    this.enqueueLocked(rb, node, mode, flags, conv);
    this.bastHolders(res, rb, node, mode, false);
    return DlmStatus.queued;
  }

  private queueLength(rb: number): number {
    return this.i32[rb + R_QUEUE_LEN] as number;
  }
}
