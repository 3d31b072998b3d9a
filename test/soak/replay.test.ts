// Real legacy runs in the simulator: a failure the soak saves replays, through the CLI, to the
// same history hash and invariants; shrinking keeps the invariant with a plan no larger.
// Legacy seeds 1 and 2 of the soak's default config violate I1 and I2 (the legacy protocol
// lets a survivor read blocks a withdrawn node's journal still holds — reference §4).

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCluster } from '../../src/orchestrator/run.js';
import { inProcessExecutor } from '../../src/soak/executor.js';
import type { FailureFile } from '../../src/soak/failures.js';
import { soakSeedDefaults } from '../../src/soak/options.js';
import { runSoak } from '../../src/soak/runner.js';
import { runSeed, type SeedJob, type SeedOutcome } from '../../src/soak/seed.js';
import { planMeasures, shrinkFailure } from '../../src/soak/shrink.js';
import { runCli } from '../support/cli-child.js';

const job = (seed: number): SeedJob => ({
  seed,
  mode: 'sim',
  protocol: 'legacy',
  faults: 'random',
  base: soakSeedDefaults,
});

describe('soak failures replay and shrink (legacy, sim)', () => {
  test('a saved failure command reproduces the same history hash and invariants', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'soak-replay-'));
    try {
      const r = await runSoak(
        {
          protocol: 'legacy',
          mode: 'sim',
          threadsRatio: 0,
          faults: 'random',
          base: soakSeedDefaults,
          firstSeed: 2,
          seeds: 1,
          wallMs: null,
          shard: { index: 0, count: 1 },
          recheck: 0,
          outDir: dir,
          command: ['test'],
        },
        { sim: inProcessExecutor(runCluster, 1) },
      );
      assert.equal(r.failures.length, 1, 'legacy seed 2 fails');
      const saved = JSON.parse(await readFile(join(dir, 'failures', '2.json'), 'utf8')) as FailureFile;
      // The command carries the concrete plan the seed drew, never the word `random`.
      assert.doesNotMatch(saved.command, /random/);
      assert.ok(
        saved.violations.length > 0 && (saved.violations[0]?.trail?.length ?? 0) > 0,
        'violations keep their trail',
      );
      const args = saved.command.split(' ');
      assert.equal(args[0], 'gfs2-stress');
      const replay = await runCli([...args.slice(1), '--json', '--quiet']);
      assert.equal(replay.code, 1, replay.stderr);
      const doc = JSON.parse(replay.stdout) as {
        historyHash: string;
        checker: { violations: { invariant: string }[] };
      };
      assert.equal(doc.historyHash, saved.historyHash);
      assert.deepEqual([...new Set(doc.checker.violations.map((v) => v.invariant))].sort(), saved.invariants);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('shrinking keeps the invariant violated with a plan no larger than the original', async () => {
    const original = await runSeed(job(2), runCluster);
    assert.ok(original.invariants.length > 0, 'legacy seed 2 fails');
    const run = (j: SeedJob): Promise<SeedOutcome> => runSeed(j, runCluster);
    const s = await shrinkFailure(original, run, { attemptsMax: 8 });
    assert.ok(s.attempts <= 8);
    const before = planMeasures(s.before);
    const after = planMeasures(s.after);
    for (const [i, v] of after.entries()) assert.ok(v <= (before[i] as number), `measure ${i}: ${v} > ${before[i]}`);
    assert.ok(
      after.some((v, i) => v < (before[i] as number)),
      'something was removed',
    );
    // The minimal plan, run again from its own job, still violates the same invariant.
    const m = s.minimal;
    assert.ok(m.config !== null);
    const again = await runSeed(
      {
        seed: m.seed,
        mode: 'sim',
        protocol: 'legacy',
        faults: m.faults ?? 'none',
        base: {
          nodes: m.config.nodes,
          processes: m.config.processes,
          durationMs: m.config.durationMs,
          files: m.config.files,
          journalBlocks: m.config.journalBlocks,
          ops: m.config.ops,
        },
      },
      runCluster,
    );
    assert.ok(again.invariants.includes(s.invariant), `${again.invariants} lacks ${s.invariant}`);
    assert.equal(again.historyHash, m.historyHash);
  });
});
