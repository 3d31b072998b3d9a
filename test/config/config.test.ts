import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaults, estimateSharedBytes, validateConfig, validateRunOptions } from '../../src/config/config.js';
import { UsageError } from '../../src/config/errors.js';
import { limits } from '../../src/config/limits.js';

const throwsUsage = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof UsageError && err instanceof RangeError && re.test(err.message));

describe('validateConfig', () => {
  test('fills every default and draws a 32-bit seed when none is given', () => {
    const c = validateConfig({}, { randomSeed: () => 123 });
    assert.deepEqual(c, { ...defaults, seed: 123 });
    const r = validateConfig({});
    assert.ok(Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= 0xffff_ffff);
  });

  test('accepts strings from the command line and numbers from code alike', () => {
    const a = validateConfig({ nodes: '8', durationMs: '30s', hotSkew: '0.5', seed: '1' });
    const b = validateConfig({ nodes: 8, durationMs: 30_000, hotSkew: 0.5, seed: 1 });
    assert.deepEqual(a, b);
  });

  test('accepts every range bound from limits.ts', () => {
    const c = validateConfig({
      seed: 0xffff_ffff,
      nodes: limits.nodesMax,
      processes: 1,
      blockSize: 512,
      journalBlocks: 32,
      rgrps: 1,
      rgrpDataBlocks: 16,
      files: 8,
      hz: 10,
      timeScale: 0,
      ops: limits.opsMax,
    });
    assert.equal(c.nodes, 16);
    assert.equal(c.blockSize, 512);
  });

  const outOfRange: Array<[string, Record<string, unknown>, RegExp]> = [
    ['nodes above 16', { nodes: 17 }, /^nodes: expected an integer from 1 to 16, received 17$/],
    ['processes above the per-node limit', { processes: limits.processesPerNodeMax + 1 }, /^processes: expected/],
    ['block size below 512', { blockSize: 256 }, /^blockSize: expected a power of two/],
    ['block size not a power of two', { blockSize: 3072 }, /^blockSize: expected a power of two/],
    ['journal shorter than 32 blocks', { journalBlocks: 31 }, /^journalBlocks: expected an integer from 32/],
    ['journal longer than the limit', { journalBlocks: limits.journalBlocksMax + 1 }, /^journalBlocks/],
    ['negative ops', { ops: -1 }, /^ops: expected an integer from 0/],
    ['a seed wider than 32 bits', { seed: 2 ** 32 }, /^seed: expected an integer from 0 to 4294967295/],
    ['a read fraction below 0', { readFraction: -0.1 }, /^readFraction: expected a number from 0 to 1/],
    ['a NaN time scale', { timeScale: Number.NaN }, /^timeScale: expected a number/],
    ['HZ below 10', { hz: 5 }, /^hz: expected an integer from 10 to 10000/],
    ['an unknown mode', { mode: 'fibers' }, /^mode: expected one of threads, sim, received "fibers"$/],
    ['an unknown workload', { workload: 'random' }, /^workload: expected one of mixed/],
    ['a duration beyond 24h', { durationMs: '25h' }, /^durationMs: expected a duration from 1ms to 24h/],
    ['a zero duration', { durationMs: 0 }, /^durationMs: expected/],
    [
      'more files than the disk holds',
      { files: 1000, rgrps: 1, rgrpDataBlocks: 1024 },
      /^files: expected at most 512 files/,
    ],
    ['an unknown field', { node: 3 }, /unknown field "node"/],
  ];
  for (const [what, raw, re] of outOfRange) {
    test(`rejects ${what}`, () => throwsUsage(() => validateConfig(raw), re));
  }

  test('names fields as the caller spells them', () => {
    throwsUsage(
      () => validateConfig({ journalBlocks: 1 }, { nameOf: () => '--journal-blocks' }),
      /^--journal-blocks: /,
    );
  });

  test('refuses a disk larger than limits.sharedBytesMax', () => {
    // 16 journals of 262144 4-KiB blocks are 16 GiB, twice the 8 GiB ceiling.
    assert.ok(estimateSharedBytes({ ...defaults, nodes: 16, journalBlocks: 262144 }) > limits.sharedBytesMax);
    throwsUsage(() => validateConfig({ nodes: 16, journalBlocks: 262144 }), /shared memory/);
  });
});

describe('validateRunOptions', () => {
  test('defaults the protocol to force-withdraw and faults to none', () => {
    const o = validateRunOptions({ seed: 1 });
    assert.equal(o.protocol, 'force-withdraw');
    assert.equal(o.faults, null);
  });

  test('accepts every protocol generation and ablation by name', () => {
    for (const p of [
      'legacy',
      'force-withdraw',
      'release-recover',
      'force-withdraw:no-secondary-wait',
      'force-withdraw:late-clear',
    ]) {
      assert.equal(validateRunOptions({ seed: 1, protocol: p }).protocol, p);
    }
  });

  test('rejects an unknown protocol and lists the known ones', () => {
    throwsUsage(
      () => validateRunOptions({ protocol: 'v6' }),
      /^protocol: expected one of legacy, force-withdraw, .*received "v6"$/,
    );
  });

  test('keeps the fault plan in its canonical text', () => {
    // ';' and ms= are accepted on input; the canonical form joins with '+' and writes delay=.
    assert.equal(
      validateRunOptions({ seed: 1, faults: 'jerr:node=1,after=5;cbdelay:node=0,ms=50' }).faults,
      'jerr:node=1,after=5+cbdelay:node=0,delay=50ms',
    );
  });

  test('draws a random plan from the seed and records what it drew', () => {
    const a = validateRunOptions({ seed: 7, faults: 'random' }).faults;
    const b = validateRunOptions({ seed: 7, faults: 'random' }).faults;
    assert.equal(a, b);
    assert.notEqual(a, 'random');
    assert.match(a ?? '', /^(jerr|merr|crash|recovery-withdraw):node=\d/);
  });

  test('rejects a bad fault plan as a usage error', () => {
    throwsUsage(() => validateRunOptions({ seed: 1, nodes: 4, faults: 'jerr:node=9' }), /--faults|faults/);
  });
});
