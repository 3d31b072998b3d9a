// A 64-bit (two 32-bit lanes) running hash of a sim run's history: every scheduling decision
// and every event. Two runs with the same seed must end with the same value; it is printed as
// `historyHash` so a user can confirm a replayed failure is the same run.

export class HistoryHash {
  private h1 = 0x811c9dc5 | 0;
  private h2 = 0x01000193 | 0;

  mix(v: number): void {
    // Split doubles into two 32-bit halves without allocating: integers up to 2^53 cover
    // every value events carry (block numbers, versions, ns times).
    const lo = v >>> 0;
    const hi = Math.floor(v / 0x1_0000_0000) | 0;
    this.h1 = Math.imul(this.h1 ^ lo, 0x01000193);
    this.h1 = Math.imul(this.h1 ^ hi, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ lo, 0x5bd1e995);
    this.h2 = (this.h2 ^ (this.h2 >>> 15)) | 0;
    this.h2 = Math.imul(this.h2 ^ hi, 0x5bd1e995);
  }

  hex(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }
}
