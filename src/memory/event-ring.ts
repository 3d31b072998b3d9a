// One single-producer/single-consumer ring of fixed-layout events per node (layout in
// events.ts). The producer is the node's thread; the consumer is the orchestrator (threads
// mode) or the sim driver between steps. Records are Float64 so block numbers and ns fit.

import { EVENT_FIELDS } from './events.js';

/** Int32 header words per ring: [0] records written, [1] records consumed, [2] overflow waits. */
const HDR_I32 = 4;

export function eventRingBytes(entries: number): number {
  return HDR_I32 * 4 + entries * EVENT_FIELDS * 8;
}

export class EventRing {
  readonly hdr: Int32Array;
  readonly rec: Float64Array;
  readonly entries: number;
  private readonly mask: number;
  /** Called by the producer when the ring is full; must make room (drain or wait) or throw. */
  onFull: (ring: EventRing) => void = () => {
    throw new RangeError('event ring full and no consumer attached');
  };

  constructor(sab: SharedArrayBuffer, byteOffset: number, entries: number) {
    this.entries = entries;
    this.mask = entries - 1;
    this.hdr = new Int32Array(sab, byteOffset, HDR_I32);
    this.rec = new Float64Array(sab, byteOffset + HDR_I32 * 4, entries * EVENT_FIELDS);
  }

  push(timeNs: number, kind: number, node: number, a: number, b: number, c: number, d: number): void {
    let w = Atomics.load(this.hdr, 0);
    if (w - Atomics.load(this.hdr, 1) >= this.entries) {
      this.onFull(this);
      w = Atomics.load(this.hdr, 0);
      if (w - Atomics.load(this.hdr, 1) >= this.entries) throw new RangeError('event ring still full after onFull');
    }
    const o = (w & this.mask) * EVENT_FIELDS;
    const r = this.rec;
    r[o] = timeNs;
    r[o + 1] = kind;
    r[o + 2] = node;
    r[o + 3] = a;
    r[o + 4] = b;
    r[o + 5] = c;
    r[o + 6] = d;
    r[o + 7] = w;
    // The record's fields are written before the count is published, so a consumer that
    // loads the count never reads a half-written record (Atomics.store is a release here).
    Atomics.store(this.hdr, 0, w + 1);
  }

  /** Records published so far (a snapshot for drain's `upTo`). */
  written(): number {
    return Atomics.load(this.hdr, 0);
  }

  /**
   * Consume published records, up to the `upTo` written() snapshot if given; `visit` gets the
   * record offset into `rec`. Returns count.
   */
  drain(visit: (rec: Float64Array, off: number) => void, upTo?: number): number {
    const w = upTo ?? Atomics.load(this.hdr, 0);
    let r = Atomics.load(this.hdr, 1);
    const r0 = r;
    const n = w - r;
    // The sim drains every ring after every step, mostly finding nothing: with nothing
    // consumed no slot is freed, so there is nothing to publish and nobody to wake.
    if (n === 0) return 0;
    while (r < w) {
      visit(this.rec, (r & this.mask) * EVENT_FIELDS);
      r++;
    }
    // Freeing the slots only after visiting them keeps the producer from overwriting a record
    // that is still being read.
    Atomics.store(this.hdr, 1, r);
    // A producer waits for room (threads mode) only after finding the ring full while the
    // consumed count was still r0, i.e. written − r0 ≥ entries (written only grows): wake it
    // only then. A notify is a costly runtime call, which the sim made after every step for
    // nobody.
    if (Atomics.load(this.hdr, 0) - r0 >= this.entries) Atomics.notify(this.hdr, 1);
    return n;
  }

  pending(): number {
    return Atomics.load(this.hdr, 0) - Atomics.load(this.hdr, 1);
  }
}
