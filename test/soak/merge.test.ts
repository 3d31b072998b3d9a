// Merging shard documents gives what one soak over the union of their seeds gives: the same
// seed counts, per-invariant counts, failures and histogram counts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inProcessExecutor } from '../../src/soak/executor.js';
import { mergeSoakResults } from '../../src/soak/merge.js';
import { runSoak, type SoakOptions } from '../../src/soak/runner.js';
import { fakeRunCluster } from './fake.js';

const base: SoakOptions = {
  protocol: 'legacy',
  mode: 'sim',
  threadsRatio: 0,
  faults: 'random',
  base: { nodes: 3, processes: 2, durationMs: 2000, files: 64 },
  firstSeed: 1,
  seeds: 60,
  wallMs: null,
  shard: { index: 0, count: 1 },
  recheck: 0,
  outDir: null,
  command: ['test'],
};

function soak(o: Partial<SoakOptions>) {
  const exec = inProcessExecutor(fakeRunCluster(), 3);
  return runSoak({ ...base, ...o }, { sim: exec });
}

describe('soak merge', () => {
  test('two shards merged equal one soak over the whole range', async () => {
    const whole = await soak({});
    const a = await soak({ shard: { index: 0, count: 2 } });
    const b = await soak({ shard: { index: 1, count: 2 } });
    const merged = mergeSoakResults(
      [
        { name: 'a', doc: a },
        { name: 'b', doc: b },
      ],
      ['merge'],
    );
    // Seeds 1..60: 20 divisible by 3 (I1), 12 by 5 (I2), 4 by 15 (both): 28 violated.
    assert.equal(whole.seedsRun, 60);
    assert.deepEqual(whole.invariants, { I1: 20, I2: 12 });
    assert.equal(whole.violatedSeeds, 28);
    assert.equal(merged.seedsRun, whole.seedsRun);
    assert.equal(merged.violatedSeeds, whole.violatedSeeds);
    assert.deepEqual(merged.invariants, whole.invariants);
    assert.deepEqual(
      merged.failures.map((f) => f.seed),
      whole.failures.map((f) => f.seed),
    );
    assert.equal(merged.state, 'completed');
    assert.deepEqual(merged.shards, [
      { index: 0, count: 2 },
      { index: 1, count: 2 },
    ]);
    const h = merged.latency['withdraw.journalClean'];
    const w = whole.latency['withdraw.journalClean'];
    assert.equal(h?.count, 60);
    assert.equal(h?.count, w?.count);
    assert.equal(h?.max, w?.max);
    assert.equal(h?.p50, w?.p50);
    // Only recovery histograms are soak figures.
    assert.equal(merged.latency['op.write'], undefined);
  });

  test('merge refuses the same shard twice and documents of different soaks', async () => {
    const a = await soak({ shard: { index: 0, count: 2 }, seeds: 6 });
    assert.throws(
      () =>
        mergeSoakResults(
          [
            { name: 'x', doc: a },
            { name: 'y', doc: a },
          ],
          ['merge'],
        ),
      /y: expected distinct shards, received shard 0\/2 again \(also in x\)/,
    );
    const other = await soak({ shard: { index: 1, count: 2 }, seeds: 6, protocol: 'release-recover' });
    assert.throws(
      () =>
        mergeSoakResults(
          [
            { name: 'x', doc: a },
            { name: 'y', doc: other },
          ],
          ['merge'],
        ),
      /y: expected the same soak as x \(protocol "legacy"\), received protocol "release-recover"/,
    );
    assert.throws(
      () => mergeSoakResults([{ name: 'r.json', doc: { kind: 'run' } }], ['merge']),
      /expected a soak result document/,
    );
  });
});
