// A fixed-capacity hash map from block number (non-negative integer < 2^53) to a non-negative
// int32, for the AIL (block → latest journal position) and replay (block → last revoke
// offset). Open addressing with linear probing and backward-shift deletion: no tombstones, no
// allocation after construction, every probe loop bounded by the capacity.

const EMPTY = -1;

export class BlockMap {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  /** Live entries. */
  size = 0;
  /** Entries the map accepts; set() refuses beyond it so probes stay short (load ≤ 1/2). */
  readonly capacity: number;

  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.keys = new Float64Array(slots).fill(EMPTY);
    this.values = new Int32Array(slots);
    this.mask = slots - 1;
    this.capacity = capacity;
  }

  private slotOf(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 0x1_0000_0000) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  /** The value for key, or −1. */
  get(key: number): number {
    let i = this.slotOf(key);
    for (let n = 0; n <= this.mask; n++) {
      const k = this.keys[i] as number;
      if (k === key) return this.values[i] as number;
      if (k === EMPTY) return -1;
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  /** Insert or replace; false when the map is full (the caller reports that as a status). */
  set(key: number, value: number): boolean {
    let i = this.slotOf(key);
    for (let n = 0; n <= this.mask; n++) {
      const k = this.keys[i] as number;
      if (k === key) {
        this.values[i] = value;
        return true;
      }
      if (k === EMPTY) {
        if (this.size >= this.capacity) return false;
        this.keys[i] = key;
        this.values[i] = value;
        this.size++;
        return true;
      }
      i = (i + 1) & this.mask;
    }
    return false;
  }

  delete(key: number): boolean {
    let i = this.slotOf(key);
    let n = 0;
    for (; n <= this.mask; n++) {
      const k = this.keys[i] as number;
      if (k === key) break;
      if (k === EMPTY) return false;
      i = (i + 1) & this.mask;
    }
    if (n > this.mask) return false;
    // Backward shift: move later entries of the probe run into the hole when their home slot
    // does not lie cyclically in (hole, j], so every remaining key stays reachable.
    let hole = i;
    let j = i;
    for (let m = 0; m <= this.mask; m++) {
      j = (j + 1) & this.mask;
      const k = this.keys[j] as number;
      if (k === EMPTY) break;
      const home = this.slotOf(k);
      const inRun = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRun) {
        this.keys[hole] = k;
        this.values[hole] = this.values[j] as number;
        hole = j;
      }
    }
    this.keys[hole] = EMPTY;
    this.size--;
    return true;
  }

  clear(): void {
    this.keys.fill(EMPTY);
    this.size = 0;
  }
}
