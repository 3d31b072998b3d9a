// One node's callback ring: a bounded multi-producer single-consumer queue of fixed records
// [kind, a, b, c] in the SharedArrayBuffer (Vyukov's bounded queue with per-slot sequence
// words). Producers are any thread (the DLM posting basts, completions and recovery calls, the
// orchestrator posting control messages); the consumer is the owning node's thread only.
// After publishing, a producer increments the node's DOORBELL word and notifies it; the node
// runner parks with Atomics.wait(doorbell, lastSeen, timeout) — this file never parks.
//
// Layout (Int32 words from the ring's base; header words on separate 64-byte lines because
// producers hammer TAIL while the consumer writes HEAD):
//   [0]  TAIL      next position to claim     written by producers (CAS), read by producers
//   [16] HEAD      next position to take      written by the consumer, read by producers (full check) and the DLM
//   [32] DOORBELL  publish counter            written by producers (add), waited on by the consumer
//   [48 + i*5 ..]  slot i: SEQ, kind, a, b, c
// Positions are int32 counters that wrap; all comparisons are `(x - y) | 0`, which is exact
// because the capacity is a power of two far below 2^31.
// SEQ is stored relative to the lap so that zero-filled memory is a valid empty ring (nobody
// has to initialise it, so any thread may build views at any time): for lap L = pos - (pos &
// mask), SEQ == L means "free for the producer at pos", SEQ == L + 1 means "published for the
// consumer at pos"; the consumer frees it for the next lap by storing L + capacity.

import { limits } from '../config/limits.js';

const TAIL = 0;
const HEAD = 16;
const DOORBELL = 32;
const HEADER_WORDS = 48;
const SLOT_WORDS = 5;
const CAPACITY = limits.callbackRingEntries;
const MASK = CAPACITY - 1;

/** Words of one ring (header + slots). */
export function callbackRingWords(): number {
  return HEADER_WORDS + CAPACITY * SLOT_WORDS;
}

/** Bytes of one ring. */
export function callbackRingBytes(): number {
  return callbackRingWords() * 4;
}

/** Fields of a record as copied by take() into the caller's Int32Array. */
export const CbField = { kind: 0, a: 1, b: 2, c: 3 } as const;

export class CallbackRing {
  readonly node: number;
  /** The whole buffer as Int32; the doorbell is i32[doorbellIndex] (for Atomics.wait by the runner). */
  readonly i32: Int32Array;
  readonly doorbellIndex: number;
  readonly capacity: number = CAPACITY;
  private readonly base: number;
  private readonly notify: (i32: Int32Array, index: number) => void;

  /** `byteOffset` must be a multiple of 4; the ring occupies callbackRingBytes() from there. */
  constructor(
    sab: SharedArrayBuffer,
    byteOffset: number,
    node: number,
    notify: (i32: Int32Array, index: number) => void,
  ) {
    if (byteOffset % 4 !== 0 || byteOffset < 0 || byteOffset + callbackRingBytes() > sab.byteLength) {
      throw new RangeError(
        `callback ring of node ${node}: expected a 4-aligned offset with ${callbackRingBytes()} bytes available, received offset ${byteOffset} in a buffer of ${sab.byteLength}`,
      );
    }
    this.node = node;
    this.i32 = new Int32Array(sab);
    this.base = byteOffset / 4;
    this.doorbellIndex = this.base + DOORBELL;
    this.notify = notify;
  }

  /**
   * Publish [kind, a, b, c] and ring the doorbell. Returns the record's position (the consumer
   * has taken it once headPosition() is past it). A ring that stays full for dlmSpinMax
   * re-checks throws: the owner stopped draining, and hanging here would hold a DLM resource
   * lock forever.
   */
  post(kind: number, a: number, b: number, c: number): number {
    const i32 = this.i32;
    const tailIndex = this.base + TAIL;
    for (let attempt = 0; attempt <= limits.dlmSpinMax; attempt++) {
      const pos = Atomics.load(i32, tailIndex);
      const slot = this.base + HEADER_WORDS + (pos & MASK) * SLOT_WORDS;
      const lap = (pos - (pos & MASK)) | 0;
      const dif = (Atomics.load(i32, slot) - lap) | 0;
      if (dif === 0) {
        // Claim by CAS on TAIL: two producers that read the same free slot cannot both write
        // it, because only one moves TAIL from pos.
        if (Atomics.compareExchange(i32, tailIndex, pos, (pos + 1) | 0) === pos) {
          i32[slot + 1] = kind;
          i32[slot + 2] = a;
          i32[slot + 3] = b;
          i32[slot + 4] = c;
          // SEQ is stored after the fields (a seq-cst store orders the plain writes before it),
          // so a consumer that sees SEQ == lap + 1 never reads a half-written record.
          Atomics.store(i32, slot, (lap + 1) | 0);
          // The doorbell moves after the publish, so a consumer that read the doorbell, found
          // the ring empty and parks on the old value is woken (the value changed) rather than
          // sleeping on a record it could have taken.
          Atomics.add(i32, this.doorbellIndex, 1);
          this.notify(i32, this.doorbellIndex);
          return pos;
        }
      } else if (dif < 0) {
        // Full: the slot still holds the previous lap's unconsumed record. Wake the owner in
        // case it is parked, then re-check a bounded number of times.
        this.notify(i32, this.doorbellIndex);
      }
      // dif > 0: another producer claimed pos after we read TAIL; reload and retry.
    }
    throw new Error(`callback ring of node ${this.node} is full (${CAPACITY} records): the node stopped draining it`);
  }

  /**
   * Consumer only (the owning node's thread). Copies the oldest published record into
   * out[0..4) (see CbField) and returns true, or returns false when there is none.
   */
  take(out: Int32Array): boolean {
    const i32 = this.i32;
    const headIndex = this.base + HEAD;
    const pos = i32[headIndex] as number;
    const slot = this.base + HEADER_WORDS + (pos & MASK) * SLOT_WORDS;
    const lap = (pos - (pos & MASK)) | 0;
    // A slot claimed but not yet published reads SEQ == lap: treated as empty, and its
    // producer's doorbell increment will wake us once it is published.
    if (Atomics.load(i32, slot) !== ((lap + 1) | 0)) return false;
    out[0] = i32[slot + 1] as number;
    out[1] = i32[slot + 2] as number;
    out[2] = i32[slot + 3] as number;
    out[3] = i32[slot + 4] as number;
    // Free the slot for the next lap only after copying it, so a producer that wraps around
    // cannot overwrite fields we have not read yet.
    Atomics.store(i32, slot, (lap + CAPACITY) | 0);
    // HEAD is read by other threads (the DLM's "recovery notice unread" check): it moves only
    // after the record is copied, so "taken" implies "seen by the consumer".
    Atomics.store(i32, headIndex, (pos + 1) | 0);
    return true;
  }

  /**
   * Consumer only. Copies the oldest published record into out[0..4) like take(), but leaves
   * it in the ring (HEAD does not move): a late delivery looks at the record before waiting,
   * and the DLM must still count it as unread while the consumer waits.
   */
  peek(out: Int32Array): boolean {
    const i32 = this.i32;
    const pos = i32[this.base + HEAD] as number;
    const slot = this.base + HEADER_WORDS + (pos & MASK) * SLOT_WORDS;
    const lap = (pos - (pos & MASK)) | 0;
    if (Atomics.load(i32, slot) !== ((lap + 1) | 0)) return false;
    out[0] = i32[slot + 1] as number;
    out[1] = i32[slot + 2] as number;
    out[2] = i32[slot + 3] as number;
    out[3] = i32[slot + 4] as number;
    return true;
  }

  /** Position of the next record the consumer will take. */
  headPosition(): number {
    return Atomics.load(this.i32, this.base + HEAD);
  }

  /** Records published or being published and not yet taken. */
  pending(): number {
    return (Atomics.load(this.i32, this.base + TAIL) - Atomics.load(this.i32, this.base + HEAD)) | 0;
  }

  /** Current doorbell value, to pass as the expected value of Atomics.wait. */
  doorbell(): number {
    return Atomics.load(this.i32, this.doorbellIndex);
  }

  /** Consumer only: drop every published record (a node re-joining discards stale messages). */
  discard(scratch: Int32Array): number {
    let n = 0;
    while (n < CAPACITY && this.take(scratch)) n++;
    return n;
  }
}
