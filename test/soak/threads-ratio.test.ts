// --threads-ratio sends a fixed share of seeds to the threads executor and the rest to the sim
// one; threads seeds are never rechecked (their history is not repeatable).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inProcessExecutor } from '../../src/soak/executor.js';
import { runSoak } from '../../src/soak/runner.js';
import { fakeRunCluster } from './fake.js';

describe('soak threads ratio', () => {
  test('a quarter of the seeds run on the threads executor, the same ones every time', async () => {
    const once = async () => {
      const sim = fakeRunCluster();
      const threadSeeds: number[] = [];
      const r = await runSoak(
        {
          protocol: 'force-withdraw',
          mode: 'sim',
          threadsRatio: 0.25,
          faults: 'random',
          base: { nodes: 3, processes: 2, durationMs: 2000, files: 64 },
          firstSeed: 1,
          seeds: 400,
          wallMs: null,
          shard: { index: 0, count: 1 },
          recheck: 1,
          outDir: null,
          command: ['test'],
        },
        {
          sim: inProcessExecutor(sim, 2),
          threads: inProcessExecutor(fakeRunCluster({ onRun: (seed) => threadSeeds.push(seed) }), 1),
        },
      );
      return { r, simCalls: sim.calls, threadSeeds: threadSeeds.sort((a, b) => a - b) };
    };
    const a = await once();
    const b = await once();
    assert.equal(a.r.seedsRun, 400);
    // 25% of 400 = 100; the seed hash keeps it within a few σ (≈ 8.7).
    assert.ok(a.threadSeeds.length > 70 && a.threadSeeds.length < 130, `${a.threadSeeds.length} threads seeds`);
    assert.equal(a.r.seedsRunThreads, a.threadSeeds.length);
    // Every sim seed is rechecked once (recheck 1), no threads seed is.
    assert.equal(a.r.recheck.checked, 400 - a.threadSeeds.length);
    assert.equal(a.simCalls, 2 * (400 - a.threadSeeds.length));
    assert.deepEqual(a.threadSeeds, b.threadSeeds);
  });
});
