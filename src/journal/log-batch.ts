// The blocks of one transaction as handed to LogManager.flush: (block number, source buffer,
// byte offset) triples in preallocated arrays, reused from flush to flush (no allocation).

export class LogBatch {
  count = 0;
  readonly blknos: Float64Array;
  readonly srcs: (Uint8Array | null)[];
  readonly offs: Int32Array;
  readonly capacity: number;
  constructor(capacity: number) {
    this.capacity = capacity;
    this.blknos = new Float64Array(capacity);
    this.srcs = new Array<Uint8Array | null>(capacity).fill(null);
    this.offs = new Int32Array(capacity);
  }
  /** Add one block image (already stamped with its version in the meta header pad). */
  add(blkno: number, src: Uint8Array, off: number): void {
    if (this.count >= this.capacity) throw new RangeError(`LogBatch holds at most ${this.capacity} blocks`);
    this.blknos[this.count] = blkno;
    this.srcs[this.count] = src;
    this.offs[this.count] = off;
    this.count++;
  }
  clear(): void {
    for (let i = 0; i < this.count; i++) this.srcs[i] = null;
    this.count = 0;
  }
}
