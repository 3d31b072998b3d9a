// The seed space of a soak and its shards. Seeds run from `firstSeed` upward; shard i of n
// takes every n-th seed starting at firstSeed + i (a stride, not a block), so the shards of one
// range partition it exactly and a duration-bounded soak (no seed count) still splits evenly.
// Index i is 0-based, as Kubernetes' JOB_COMPLETION_INDEX is.

import { UsageError } from '../config/errors.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const SEED_MAX = 0xffff_ffff;
/** Shards at most (a bound; beyond it a shard would run too few seeds to be worth a pod). */
export const SHARDS_MAX = 100_000;

/** Parse `--shard i/n` (0 ≤ i < n). */
export function parseShard(text: string, option = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const expected = `i/n with 0 ≤ i < n ≤ ${SHARDS_MAX}, e.g. 0/4`;
  if (m === null) throw new UsageError(`${option}: expected ${expected}, received ${JSON.stringify(text)}`, option);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && count <= SHARDS_MAX && index < count)) {
    throw new UsageError(`${option}: expected ${expected}, received ${JSON.stringify(text)}`, option);
  }
  return { index, count };
}

/** The k-th seed (k = 0, 1, …) of a shard, or null past the end of the range. */
export function shardSeedAt(firstSeed: number, seeds: number | null, shard: Shard, k: number): number | null {
  const offset = shard.index + k * shard.count;
  if (seeds !== null && offset >= seeds) return null;
  const seed = firstSeed + offset;
  return seed > SEED_MAX ? null : seed;
}

/** How many seeds a shard runs out of `seeds` (null: unbounded, time-bounded soaks). */
export function shardSeedCount(seeds: number | null, shard: Shard): number | null {
  if (seeds === null) return null;
  return seeds > shard.index ? Math.ceil((seeds - shard.index) / shard.count) : 0;
}

/** Every seed of a shard, in order (for bounded ranges). */
export function shardSeeds(firstSeed: number, seeds: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const s = shardSeedAt(firstSeed, seeds, shard, k);
    if (s === null) return out;
    out.push(s);
  }
}

/**
 * Whether a seed is in the determinism recheck sample: a fixed hash of the seed against the
 * fraction, so every shard (and a rerun) picks the same seeds.
 */
export function inSample(seed: number, fraction: number): boolean {
  if (fraction <= 0) return false;
  if (fraction >= 1) return true;
  let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x / 2 ** 32 < fraction;
}

/** Parse a percentage or fraction: `5%`, `0.05`, `0`. */
export function parseFraction(text: string, option: string): number {
  const s = text.trim();
  const m = /^(\d+(\.\d+)?)(%?)$/.exec(s);
  const expected = 'a percentage from 0% to 100% (e.g. 5%) or a fraction from 0 to 1';
  if (m === null) throw new UsageError(`${option}: expected ${expected}, received ${JSON.stringify(text)}`, option);
  const v = Number(m[1]) / (m[3] === '%' ? 100 : 1);
  if (!(v >= 0 && v <= 1))
    throw new UsageError(`${option}: expected ${expected}, received ${JSON.stringify(text)}`, option);
  return v;
}
