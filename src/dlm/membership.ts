// Lockspace membership and the resource directory: join, clean leave and failure (with the
// recovery callbacks gfs2 sees, reference §3.1), and the name → resource-index hash table.
// Membership changes are serialised by one recovery lock word and may run on any thread; a
// purge visits each resource under that resource's LOCK, so it never stops the lockspace.

import { limits } from '../config/limits.js';
import { CbKind } from './api.js';
import type { CallbackRing } from './callback-ring.js';
import { DlmGrant } from './grant.js';
import {
  HDR_GENERATION,
  HDR_MEMBERS,
  HDR_RECOVERY_LOCK,
  HDR_RESOURCES_USED,
  KEY_CLAIMING,
  KEY_EMPTY,
  LOCK_PARK_MS,
  LOCK_PARKS_MAX,
  NODE_PREP_POS,
  NODE_WORDS,
  R_NODE,
  STAT_FIELDS,
} from './layout.js';

const MEMBERSHIP_JOIN = 0;
const MEMBERSHIP_LEAVE = 1;
const MEMBERSHIP_FAIL = 2;

export class DlmMembership extends DlmGrant {
  private readonly scratch = new Int32Array(4);

  /** The callback ring of `node` (its runner drains it; the orchestrator may post control messages). */
  ring(node: number): CallbackRing {
    this.checkNode(node);
    return this.rings[node] as CallbackRing;
  }

  /**
   * Resource index for the glock name (type, number), created if absent; -1 when the table is
   * full along the probe sequence (dlmProbeMax). Callers cache the index.
   */
  lookup(type: number, number: number): number {
    if (!Number.isInteger(type) || type < 0 || type >= 0x7fffffff || (number | 0) !== number) {
      throw new RangeError(`DLM lookup: expected a type ≥ 0 and an int32 number, received (${type}, ${number})`);
    }
    const i32 = this.i32;
    const key = type + 1;
    const mask = this.resourcesMax - 1;
    let h = Math.imul(number ^ Math.imul(type, 0x9e3779b1), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    for (let probe = 0; probe < limits.dlmProbeMax; probe++) {
      const res = (h + probe) & mask;
      const ki = this.layout.keys + res * 2;
      let kt = Atomics.load(i32, ki);
      // Claim by CAS: two nodes creating names that hash here race, and only the winner writes
      // its number; the loser re-reads and compares against the winner's key.
      if (kt === KEY_EMPTY && Atomics.compareExchange(i32, ki, KEY_EMPTY, KEY_CLAIMING) === KEY_EMPTY) {
        Atomics.store(i32, ki + 1, number);
        // The number is stored before the type is published, so a reader that sees the type
        // never compares against a number that is not there yet.
        Atomics.store(i32, ki, key);
        Atomics.add(i32, this.layout.header + HDR_RESOURCES_USED, 1);
        return res;
      }
      // A claimer publishes within two stores; wait for it (bounded) rather than skip the slot,
      // or two nodes could create the same name in two slots.
      kt = Atomics.load(i32, ki);
      for (let spins = 0; kt === KEY_CLAIMING; spins++) {
        if (spins > limits.dlmSpinMax + LOCK_PARKS_MAX) throw new Error(`DLM lookup: key slot ${res} stuck`);
        if (spins > limits.dlmSpinMax) Atomics.wait(i32, ki, KEY_CLAIMING, LOCK_PARK_MS);
        kt = Atomics.load(i32, ki);
      }
      if (kt === key && Atomics.load(i32, ki + 1) === number) return res;
    }
    return -1;
  }

  /**
   * Add `node` to the lockspace: existing members get recoverPrep, then every member (the new
   * one too) gets recoverDone. Call from the node's own thread (it consumes its ring here).
   */
  join(node: number): boolean {
    return this.changeMembership(node, MEMBERSHIP_JOIN);
  }

  /** Clean lockspace release: purge `node`'s locks, no recoverSlot. */
  leave(node: number): boolean {
    return this.changeMembership(node, MEMBERSHIP_LEAVE);
  }

  /** Failure: like leave, but every remaining member gets recoverSlot(jid = node). */
  fail(node: number): boolean {
    return this.changeMembership(node, MEMBERSHIP_FAIL);
  }

  membership(node: number): boolean {
    this.checkNode(node);
    return this.isMemberNow(node);
  }

  /** Lockspace generation: incremented by every membership change, carried by recoverPrep/recoverDone. */
  generation(): number {
    return Atomics.load(this.i32, this.layout.header + HDR_GENERATION);
  }

  stat(node: number, field: number): number {
    return Atomics.load(this.i32, this.layout.stats + node * STAT_FIELDS + field);
  }

  resourcesUsed(): number {
    return Atomics.load(this.i32, this.layout.header + HDR_RESOURCES_USED);
  }

  /** Glock type of a resource index (-1 if unused), for callbacks that carry only the index. */
  resourceType(res: number): number {
    return Atomics.load(this.i32, this.layout.keys + res * 2) - 1;
  }

  resourceNumber(res: number): number {
    return Atomics.load(this.i32, this.layout.keys + res * 2 + 1);
  }

  protected checkNode(node: number): void {
    if (node >>> 0 >= this.nodes || (node | 0) !== node) {
      throw new RangeError(`DLM: expected a node in 0..${this.nodes - 1}, received ${node}`);
    }
  }

  protected checkRes(res: number): void {
    if (res >>> 0 >= this.resourcesMax || (res | 0) !== res) {
      throw new RangeError(`DLM: expected a resource index in 0..${this.resourcesMax - 1}, received ${res}`);
    }
  }

  /**
   * Drop records left in a (re)joining node's ring from its previous membership (asts, basts,
   * recovery calls it never handled), keeping orchestrator control messages in their order.
   */
  private discardStale(node: number): void {
    const ring = this.rings[node] as CallbackRing;
    const out = this.scratch;
    for (let k = ring.pending(); k > 0 && ring.take(out); k--) {
      if (out[0] === CbKind.control) ring.post(CbKind.control, out[1] as number, out[2] as number, out[3] as number);
    }
  }

  private changeMembership(node: number, kind: number): boolean {
    this.checkNode(node);
    const i32 = this.i32;
    const h = this.layout.header;
    this.lockRecovery();
    try {
      const bit = 1 << node;
      const wasMember = (Atomics.load(i32, h + HDR_MEMBERS) & bit) !== 0;
      if (wasMember === (kind === MEMBERSHIP_JOIN)) return false;
      if (kind === MEMBERSHIP_JOIN) this.discardStale(node);
      const gen = (Atomics.add(i32, h + HDR_GENERATION, 1) + 1) | 0;
      // Cleared first, so no bast or ast is posted to the departed node from here on.
      if (kind !== MEMBERSHIP_JOIN) Atomics.and(i32, h + HDR_MEMBERS, ~bit);
      // recoverPrep goes to every remaining member FIRST, and the purge below starts only
      // after it (and its ring position) is published: every ast the purge causes therefore
      // lands behind the prep in each survivor's ring, which is what lets gfs2 freeze those
      // grants (DFL_BLOCK_LOCKS, reference §3.3).
      for (let m = 0; m < this.nodes; m++) {
        if (!this.isMemberNow(m)) continue;
        const pos = (this.rings[m] as CallbackRing).post(CbKind.recoverPrep, gen, 0, 0);
        Atomics.store(i32, this.layout.nodeWords + m * NODE_WORDS + NODE_PREP_POS, (pos + 1) | 0);
      }
      if (kind === MEMBERSHIP_FAIL) {
        for (let m = 0; m < this.nodes; m++) {
          if (this.isMemberNow(m)) (this.rings[m] as CallbackRing).post(CbKind.recoverSlot, node, gen, 0);
        }
      }
      if (kind === MEMBERSHIP_JOIN) Atomics.or(i32, h + HDR_MEMBERS, bit);
      else this.purgeNode(node);
      for (let m = 0; m < this.nodes; m++) {
        if (this.isMemberNow(m)) (this.rings[m] as CallbackRing).post(CbKind.recoverDone, gen, 0, 0);
      }
      return true;
    } finally {
      Atomics.store(i32, h + HDR_RECOVERY_LOCK, 0);
    }
  }

  /** Serialises membership changes (join, leave, fail) from any thread. */
  private lockRecovery(): void {
    const li = this.layout.header + HDR_RECOVERY_LOCK;
    for (let k = 0; k <= limits.dlmSpinMax + LOCK_PARKS_MAX; k++) {
      if (Atomics.compareExchange(this.i32, li, 0, 1) === 0) return;
      if (k > limits.dlmSpinMax) Atomics.wait(this.i32, li, 1, LOCK_PARK_MS);
    }
    throw new Error('DLM: a membership change stayed in progress too long');
  }

  /** Remove every lock and request of a departed node, resource by resource. */
  private purgeNode(node: number): void {
    const i32 = this.i32;
    for (let res = 0; res < this.resourcesMax; res++) {
      if (Atomics.load(i32, this.layout.keys + res * 2) <= 0) continue;
      const rb = this.layout.resources + res * this.stride;
      // Unlocked pre-check: a slot that is empty now can only be filled by the departed
      // node's own call in flight, and that call re-checks membership and undoes itself.
      if (Atomics.load(i32, rb + R_NODE + node) === 0 && Atomics.load(i32, rb + R_NODE + this.nodes + node) === 0)
        continue;
      this.lockResource(rb, node);
      try {
        this.purgeLocked(res, rb, node);
      } finally {
        this.unlockResource(rb);
      }
    }
  }
}
