// Shards of a seed range partition it exactly; the recheck sample and the fraction flags are
// deterministic and validated.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/config/errors.js';
import { inSample, parseFraction, parseShard, shardSeedCount, shardSeeds } from '../../src/soak/shard.js';

describe('soak shards', () => {
  test('the shards of a range cover every seed exactly once', () => {
    for (const [first, seeds, n] of [
      [1, 2000, 7],
      [0, 5, 8],
      [4_294_967_000, 296, 3],
      [10, 1, 1],
    ] as const) {
      const all: number[] = [];
      for (let i = 0; i < n; i++) {
        const part = shardSeeds(first, seeds, { index: i, count: n });
        assert.equal(part.length, shardSeedCount(seeds, { index: i, count: n }));
        all.push(...part);
      }
      all.sort((a, b) => a - b);
      assert.deepEqual(
        all,
        Array.from({ length: seeds }, (_, k) => first + k),
        `first ${first} seeds ${seeds} n ${n}`,
      );
    }
  });

  test('parseShard reads i/n and refuses an index outside 0..n-1', () => {
    assert.deepEqual(parseShard('3/8'), { index: 3, count: 8 });
    assert.deepEqual(parseShard(' 0 / 1 '), { index: 0, count: 1 });
    for (const bad of ['3/2', '2/2', '1/0', '-1/4', 'a/b', '1', '']) {
      assert.throws(
        () => parseShard(bad),
        (e: unknown) => e instanceof UsageError && /expected i\/n/.test(e.message),
        bad,
      );
    }
  });

  test('the recheck sample is a fixed function of the seed and near the fraction', () => {
    let n = 0;
    for (let s = 1; s <= 20_000; s++) {
      assert.equal(inSample(s, 0.05), inSample(s, 0.05));
      if (inSample(s, 0.05)) n++;
    }
    // 5% of 20,000 is 1,000; a fair hash stays within a few standard deviations (σ ≈ 31).
    assert.ok(n > 850 && n < 1150, `sampled ${n}`);
    assert.equal(inSample(7, 0), false);
    assert.equal(inSample(7, 1), true);
  });

  test('fractions are read as percentages or fractions and refused outside 0..1', () => {
    assert.equal(parseFraction('5%', '--recheck'), 0.05);
    assert.equal(parseFraction('0.25', '--recheck'), 0.25);
    for (const bad of ['150%', '2', '-1%', 'five']) {
      assert.throws(() => parseFraction(bad, '--recheck'), /--recheck: expected a percentage/, bad);
    }
  });
});
