// The piscina pool runs a seed in a worker thread to the same history as this thread does, and
// a seed that outlives the per-seed timeout is reported as `timeout`, not waited for.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { soakExitCode } from '../../src/cli/commands/soak.js';
import { runCluster } from '../../src/orchestrator/run.js';
import { poolExecutor } from '../../src/soak/executor.js';
import { soakSeedDefaults } from '../../src/soak/options.js';
import { runSoak } from '../../src/soak/runner.js';
import { runSeed, type SeedJob } from '../../src/soak/seed.js';

const job: SeedJob = { seed: 3, mode: 'sim', protocol: 'legacy', faults: 'random', base: soakSeedDefaults };

describe('soak pool executor', () => {
  test('a seed run in a pool worker has the same history hash as one run here', async () => {
    const pool = poolExecutor({ threads: 1, seedTimeoutMs: 120_000 });
    try {
      const inWorker = await pool.run(job, new AbortController().signal);
      const here = await runSeed(job, runCluster);
      assert.equal(inWorker.state, 'completed');
      assert.ok(inWorker.historyHash !== null);
      assert.equal(inWorker.historyHash, here.historyHash);
      assert.deepEqual(inWorker.invariants, here.invariants);
      assert.equal(inWorker.faults, here.faults);
    } finally {
      await pool.close();
    }
  });

  test('a seed past its timeout is reported as a tool bug with its replay command, not waited for', async () => {
    // 1 ms is far shorter than any run (a run builds a whole cluster before its first event).
    const pool = poolExecutor({ threads: 1, seedTimeoutMs: 1 });
    try {
      const o = await pool.run(job, new AbortController().signal);
      assert.equal(o.state, 'timeout');
      assert.match(o.error?.message ?? '', /seed 3 did not finish within 1 ms/);
      const r = await runSoak(
        {
          protocol: 'legacy',
          mode: 'sim',
          threadsRatio: 0,
          faults: 'random',
          base: soakSeedDefaults,
          firstSeed: 3,
          seeds: 1,
          wallMs: null,
          shard: { index: 0, count: 1 },
          recheck: 0,
          outDir: null,
          command: ['test'],
        },
        { sim: pool },
      );
      assert.equal(r.seedsRun, 0);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0]?.command ?? '', /^gfs2-stress run --mode sim --seed 3 --protocol legacy --faults \S+/);
      assert.equal(soakExitCode(r), 70);
    } finally {
      await pool.close();
    }
  });
});
