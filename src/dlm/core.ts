// The DLM's foundation: views over the shared region, the per-resource LOCK bit, the settle
// step for fast paths in flight, and the slot and queue operations done under LOCK. Grants and
// basts are in grant.ts, membership in membership.ts, the public calls in dlm.ts.

import { limits } from '../config/limits.js';
import { DlmFlag, DlmMode } from './api.js';
import { CallbackRing, callbackRingWords } from './callback-ring.js';
import {
  COUNTS_MASK,
  type DlmLayout,
  dlmLayout,
  dlmModesCompatible,
  G_MODE_MASK,
  G_NONE,
  G_PENDING,
  HDR_MEMBERS,
  LOCK,
  LOCK_PARK_MS,
  LOCK_PARKS_MAX,
  LVB_WORDS,
  NODE_PREP_POS,
  NODE_WORDS,
  QUEUED,
  R_LVB,
  R_LVB_DIRTY,
  R_LVB_SHADOW,
  R_NODE,
  R_QUEUE_LEN,
  R_STATE,
  R_TICKET_HEAD,
  R_TICKET_TAIL,
  RQ_CONV,
  RQ_FLAGS_SHIFT,
  STAT_FIELDS,
  StatField,
  UNIT_OF_G,
} from './layout.js';

const G_EX = DlmMode.ex + 1;

export class DlmCore {
  readonly nodes: number;
  readonly resourcesMax: number;
  protected readonly i32: Int32Array;
  protected readonly layout: DlmLayout;
  protected readonly stride: number;
  protected readonly rings: readonly CallbackRing[];
  /** Queue order of one resource, rebuilt under its LOCK (per thread: each thread has its own Dlm). */
  protected readonly order: Int32Array;
  /** Granted counts of the resource whose LOCK this thread holds (no LOCK/QUEUED bits). */
  protected cs = 0;

  constructor(
    sab: SharedArrayBuffer,
    byteOffset: number,
    nodes: number,
    notify: (i32: Int32Array, index: number) => void,
  ) {
    if (byteOffset % 4 !== 0 || byteOffset < 0) {
      throw new RangeError(`DLM region: expected a non-negative 4-aligned byte offset, received ${byteOffset}`);
    }
    const layout = dlmLayout(nodes, byteOffset / 4);
    if ((layout.header + layout.words) * 4 > sab.byteLength) {
      throw new RangeError(
        `DLM region: needs ${layout.words * 4} bytes at offset ${byteOffset}, the buffer has ${sab.byteLength}`,
      );
    }
    this.nodes = nodes;
    this.resourcesMax = layout.resourcesMax;
    this.i32 = new Int32Array(sab);
    this.layout = layout;
    this.stride = layout.stride;
    const rings: CallbackRing[] = [];
    const ringWords = callbackRingWords();
    for (let n = 0; n < nodes; n++) rings.push(new CallbackRing(sab, (layout.rings + n * ringWords) * 4, n, notify));
    this.rings = rings;
    this.order = new Int32Array(nodes);
  }

  protected isMemberNow(node: number): boolean {
    return (Atomics.load(this.i32, this.layout.header + HDR_MEMBERS) & (1 << node)) !== 0;
  }

  protected count(node: number, field: number, by: number): void {
    Atomics.add(this.i32, this.layout.stats + node * STAT_FIELDS + field, by);
  }

  /**
   * Count a statistic that only `node`'s own thread writes (requests, grantsImmediate: both are
   * counted inside request(node, …), which only the node itself calls). A plain increment, not
   * Atomics.add: no other writer can interleave, and a reader on another thread sees each Int32
   * store whole. The fast path had two locked adds out of eight locked operations (micro P1).
   */
  protected countOwn(node: number, field: number): void {
    const i = this.layout.stats + node * STAT_FIELDS + field;
    const i32 = this.i32;
    i32[i] = ((i32[i] as number) + 1) | 0;
  }

  /**
   * True while `node` has not yet taken the last recoverPrep posted to it. Grants to such a
   * node are delivered as completions (ast) behind the prep in its ring, never synchronously:
   * otherwise a node could use a lock freed by a purge before it knows recovery started, which
   * the real DLM (all grants asynchronous, locking blocked during recovery) never allows.
   */
  protected prepUnread(node: number): boolean {
    const prepPos = Atomics.load(this.i32, this.layout.nodeWords + node * NODE_WORDS + NODE_PREP_POS);
    return ((prepPos - (this.rings[node] as CallbackRing).headPosition()) | 0) > 0;
  }

  /** Take the resource's LOCK bit (bounded spin, then short parks), settle fast paths in flight, load this.cs. */
  protected lockResource(rb: number, caller: number): void {
    const i32 = this.i32;
    const si = rb + R_STATE;
    let spins = 0;
    let parks = 0;
    while (parks <= LOCK_PARKS_MAX) {
      const s = Atomics.load(i32, si);
      // Taking LOCK by CAS freezes the counts: every fast path CASes from a LOCK-free value,
      // so none can succeed between our CAS and the LOCK-free store in unlockResource.
      if ((s & LOCK) === 0 && Atomics.compareExchange(i32, si, s, s | LOCK) === s) {
        this.cs = s & COUNTS_MASK;
        this.settle(rb);
        return;
      }
      if (++spins > limits.dlmSpinMax) {
        spins = 0;
        parks++;
        this.count(caller, StatField.lockParks, 1);
        Atomics.wait(i32, si, s, LOCK_PARK_MS);
      }
    }
    throw new Error(
      `DLM resource ${(rb - this.layout.resources) / this.stride} stayed locked for ${LOCK_PARKS_MAX} parks`,
    );
  }

  /**
   * Wait until no node's G slot is PENDING. A fast path that CASed the state word before we
   * took LOCK publishes its new mode right after; without this wait a bast scan could miss a
   * holder whose count is in the state word but whose slot still shows the old mode. PENDING
   * slots that appear after this belong to fast paths whose state CAS must fail (LOCK is set),
   * and their underlying mode is the true one.
   */
  private settle(rb: number): void {
    const i32 = this.i32;
    const g0 = rb + R_NODE;
    for (let n = 0; n < this.nodes; n++) {
      let v = Atomics.load(i32, g0 + n);
      for (let k = 0; (v & G_PENDING) !== 0; k++) {
        if (k > limits.dlmSpinMax + LOCK_PARKS_MAX) throw new Error(`DLM: node ${n} left a fast path half done`);
        if (k > limits.dlmSpinMax) Atomics.wait(i32, g0 + n, v, LOCK_PARK_MS);
        v = Atomics.load(i32, g0 + n);
      }
    }
  }

  /** Publish this.cs and the QUEUED bit and drop LOCK in one store. */
  protected unlockResource(rb: number): void {
    const i32 = this.i32;
    const qlen = i32[rb + R_QUEUE_LEN] as number;
    if (qlen === 0) {
      i32[rb + R_TICKET_HEAD] = 0;
      i32[rb + R_TICKET_TAIL] = 0;
    }
    // One seq-cst store publishes the counts and drops LOCK together, after every slot write
    // above, so a thread that sees LOCK clear also sees the slots that justify the counts.
    Atomics.store(i32, rb + R_STATE, this.cs | (qlen > 0 ? QUEUED : 0));
  }

  /** Set `node`'s granted mode under LOCK (resets its bast high-water mark, publishes its LVB write on EX down-conversion). */
  protected grantLocked(rb: number, node: number, mode: number): void {
    const i32 = this.i32;
    const gi = rb + R_NODE + node;
    const g = Atomics.load(i32, gi) & G_MODE_MASK;
    if (g === G_EX && mode !== DlmMode.ex) this.publishLvb(rb);
    this.cs = this.cs - (UNIT_OF_G[g] as number) + (UNIT_OF_G[mode + 1] as number);
    Atomics.store(i32, gi + 3 * this.nodes, DlmMode.nl);
    Atomics.store(i32, gi, mode + 1);
  }

  /** Drop `node`'s lock under LOCK; `keepLvb` false discards an unpublished EX write (the holder departed). */
  protected dropLocked(rb: number, node: number, keepLvb: boolean): void {
    const i32 = this.i32;
    const gi = rb + R_NODE + node;
    const g = Atomics.load(i32, gi) & G_MODE_MASK;
    if (g === G_NONE) return;
    if (g === G_EX) {
      if (keepLvb) this.publishLvb(rb);
      else i32[rb + R_LVB_DIRTY] = 0;
    }
    this.cs -= UNIT_OF_G[g] as number;
    Atomics.store(i32, gi, G_NONE);
  }

  /** Copy the EX holder's LVB write into the resource's LVB (the DLM stores it on down-conversion). */
  protected publishLvb(rb: number): void {
    const i32 = this.i32;
    if (Atomics.load(i32, rb + R_LVB_DIRTY) === 0) return;
    for (let w = 0; w < LVB_WORDS; w++) Atomics.store(i32, rb + R_LVB + w, Atomics.load(i32, rb + R_LVB_SHADOW + w));
    Atomics.store(i32, rb + R_LVB_DIRTY, 0);
  }

  protected enqueueLocked(rb: number, node: number, mode: number, flags: number, conv: boolean): void {
    const i32 = this.i32;
    let ticket: number;
    if ((flags & DlmFlag.priority) !== 0) {
      ticket = ((i32[rb + R_TICKET_HEAD] as number) - 1) | 0;
      i32[rb + R_TICKET_HEAD] = ticket;
    } else {
      ticket = i32[rb + R_TICKET_TAIL] as number;
      i32[rb + R_TICKET_TAIL] = (ticket + 1) | 0;
    }
    const rq0 = rb + R_NODE + this.nodes;
    Atomics.store(i32, rq0 + this.nodes + node, ticket);
    Atomics.store(i32, rq0 + node, (mode + 1) | (flags << RQ_FLAGS_SHIFT) | (conv ? RQ_CONV : 0));
    i32[rb + R_QUEUE_LEN] = (i32[rb + R_QUEUE_LEN] as number) + 1;
  }

  protected dequeueLocked(rb: number, node: number): boolean {
    const i32 = this.i32;
    const rqi = rb + R_NODE + this.nodes + node;
    if (Atomics.load(i32, rqi) === 0) return false;
    Atomics.store(i32, rqi, 0);
    i32[rb + R_QUEUE_LEN] = (i32[rb + R_QUEUE_LEN] as number) - 1;
    return true;
  }

  /** Is some conversion queued (QUECVT keeps a compatible conversion behind it)? */
  protected convertQueued(rb: number): boolean {
    const rq0 = rb + R_NODE + this.nodes;
    for (let n = 0; n < this.nodes; n++) if ((Atomics.load(this.i32, rq0 + n) & RQ_CONV) !== 0) return true;
    return false;
  }

  /**
   * lock.c conversion_deadlock_detect for a conversion about to be queued behind the convert
   * queue: it deadlocks if its granted mode blocks a conversion already queued ahead of it.
   */
  protected conversionDeadlock(rb: number, node: number, grantedMode: number): boolean {
    const rq0 = rb + R_NODE + this.nodes;
    for (let n = 0; n < this.nodes; n++) {
      const rq = Atomics.load(this.i32, rq0 + n);
      if (n !== node && (rq & RQ_CONV) !== 0 && !dlmModesCompatible(grantedMode, (rq & 0xff) - 1)) return true;
    }
    return false;
  }

  /** Fill this.order with the queued nodes, convert queue first, then by ticket; returns how many. */
  protected orderQueue(rb: number): number {
    const i32 = this.i32;
    const order = this.order;
    const rq0 = rb + R_NODE + this.nodes;
    const tk0 = rq0 + this.nodes;
    let k = 0;
    for (let n = 0; n < this.nodes; n++) {
      const rq = Atomics.load(i32, rq0 + n);
      if (rq === 0) continue;
      const conv = rq & RQ_CONV;
      const ticket = Atomics.load(i32, tk0 + n);
      let j = k;
      for (; j > 0; j--) {
        const m = order[j - 1] as number;
        const mConv = Atomics.load(i32, rq0 + m) & RQ_CONV;
        // Tickets wrap, so compare by signed difference (exact while fewer than 2^31 are in flight).
        const before = conv !== mConv ? conv !== 0 : ((ticket - Atomics.load(i32, tk0 + m)) | 0) < 0;
        if (!before) break;
        order[j] = m;
      }
      order[j] = n;
      k++;
    }
    return k;
  }

  protected queueOrderInto(rb: number, out: Int32Array): number {
    const k = this.orderQueue(rb);
    for (let j = 0; j < k && j < out.length; j++) out[j] = this.order[j] as number;
    return k;
  }
}
