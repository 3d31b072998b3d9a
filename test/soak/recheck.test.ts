// The determinism self-check: a rerun seed whose history hash differs is reported as a tool
// bug (exit 70), and a soak stopped by its signal writes a partial summary and exits 130.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { executeSoak, soakExitCode } from '../../src/cli/commands/soak.js';
import type { CliContext } from '../../src/cli/program.js';
import { inProcessExecutor } from '../../src/soak/executor.js';
import { soakOptionsFromFlags } from '../../src/soak/options.js';
import type { SoakResult } from '../../src/soak/result.js';
import { runSoak, type SoakOptions } from '../../src/soak/runner.js';
import { fakeRunCluster } from './fake.js';

const base: SoakOptions = {
  protocol: 'force-withdraw',
  mode: 'sim',
  threadsRatio: 0,
  faults: 'random',
  base: { nodes: 3, processes: 2, durationMs: 2000, files: 64 },
  firstSeed: 1,
  seeds: 40,
  wallMs: null,
  shard: { index: 0, count: 1 },
  recheck: 1,
  outDir: null,
  command: ['test'],
};

function capture() {
  let text = '';
  const s = new PassThrough();
  s.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  return { stream: s, text: () => text };
}

describe('soak recheck and interrupt', () => {
  test('a deterministic runner passes the recheck of every seed', async () => {
    const r = await runSoak(base, { sim: inProcessExecutor(fakeRunCluster(), 2) });
    assert.equal(r.recheck.checked, 40);
    assert.deepEqual(r.recheck.mismatches, []);
    assert.equal(soakExitCode(r), 1, 'violations but no tool bug');
  });

  test('a history hash that changes on the rerun is reported as a tool bug', async () => {
    // Seed 7's second run draws a different history, as a leak of wall time would cause.
    const seen = new Set<number>();
    const hashOf = (seed: number) => {
      const again = seen.has(seed);
      seen.add(seed);
      return seed === 7 && again ? 'hash-7-different' : `hash-${seed}`;
    };
    const r = await runSoak(base, { sim: inProcessExecutor(fakeRunCluster({ hashOf }), 2) });
    assert.deepEqual(r.recheck.mismatches, [{ seed: 7, historyHash: 'hash-7', recheckHash: 'hash-7-different' }]);
    assert.equal(soakExitCode(r), 70);
  });

  test('an aborted soak writes a partial summary and result and exits 130', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'soak-int-'));
    try {
      const controller = new AbortController();
      // Abort (as Ctrl-C does) when the fifth seed starts.
      const fake = fakeRunCluster({ onRun: (_seed, call) => (call === 4 ? controller.abort() : undefined) });
      const out = capture();
      const err = capture();
      const ctx: CliContext = {
        io: { stdout: out.stream, stderr: err.stream, env: { NO_COLOR: '1' } },
        signals: false,
        command: ['gfs2-stress', 'soak'],
        exitCode: 0,
      };
      const flags = { seeds: '1000', out: dir, recheck: '0', quiet: true };
      const code = await executeSoak(soakOptionsFromFlags(flags), flags, ctx, {
        executors: { sim: inProcessExecutor(fake, 1) },
        signal: controller.signal,
      });
      assert.equal(code, 130);
      const doc = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as SoakResult;
      assert.equal(doc.state, 'interrupted');
      // Seeds 1..4 finished; the fifth was abandoned when the abort came.
      assert.equal(doc.seedsRun, 4);
      assert.deepEqual(doc.invariants, { I1: 1 });
      assert.match(out.text(), /INTERRUPTED \(partial figures\)/);
      assert.match(out.text(), /4 seeds run/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
