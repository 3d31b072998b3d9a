// sfc32: a small, fast, well-tested 32-bit generator; state in an Int32Array so it can be
// seeded per node from one run seed and never allocates per draw.

export class Prng {
  private readonly s = new Int32Array(4);

  constructor(seed: number, stream = 0) {
    this.reseed(seed, stream);
  }

  reseed(seed: number, stream: number): void {
    const s = this.s;
    s[0] = 0x9e3779b9;
    s[1] = seed | 0;
    s[2] = (stream * 0x85ebca6b) | 0;
    s[3] = 1;
    // Warm up so nearby seeds diverge (recommended by the generator's author).
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  nextU32(): number {
    const s = this.s;
    const a = s[0] as number;
    const b = s[1] as number;
    const c = s[2] as number;
    const d = s[3] as number;
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    s[2] = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform [0, 1). */
  next(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}
