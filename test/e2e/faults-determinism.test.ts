// `--faults random` on the simulator is reproducible: the plan is drawn from the seed, and the
// run under it is as deterministic as a fault-free one (same historyHash, same violations).
// The result records the plan it drew in canonical form, never the word "random", so a saved
// result says which faults struck and its plan text alone reproduces the run.
//
// The run goes through runOptionsFromFlags, the CLI's own flag → options path, so "random" is
// resolved exactly where `gfs2-stress run --faults random` resolves it. Seed 2 under legacy with
// 3 nodes × 2 processes for 2 s draws a metadata error on node 0 plus a slow disk on node 2
// (merr:node=0,at=363ms+slow:…) and legacy lets a stale copy through, so the violation lists
// compared are not empty. The plan itself is not hard-coded: it is re-derived from randomPlan.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runOptionsFromFlags } from '../../src/cli/commands/run.js';
import { formatFaultPlan, parseFaultPlan, randomPlan } from '../../src/faults/index.js';
import { runCluster } from '../../src/orchestrator/run.js';
import type { RunResult } from '../../src/report/result.js';
import { runCli } from '../support/cli-child.js';
import { describeRun } from './cluster.js';

const FLAGS = {
  mode: 'sim',
  seed: '2',
  nodes: '3',
  processes: '2',
  duration: '2s',
  protocol: 'legacy',
} as const;
const SEED = 2;
const NODES = 3;
const DURATION_MS = 2000;

function runWithFaults(faults: string): Promise<RunResult> {
  const o = runOptionsFromFlags({ ...FLAGS, faults });
  return runCluster(o.config, { protocol: o.protocol, faults: o.faults });
}

describe('a sim run with --faults random and a fixed seed', () => {
  const canonical = formatFaultPlan(randomPlan(SEED, NODES, DURATION_MS));
  let a: RunResult;
  let b: RunResult;

  before(async () => {
    a = await runWithFaults('random');
    b = await runWithFaults('random');
  });

  test('actually injects faults: the drawn plan is not empty and a node withdrew or crashed', () => {
    assert.notEqual(canonical, '');
    assert.ok(
      a.nodes.some((n) => n.state === 'withdrawn' || n.state === 'crashed'),
      describeRun(a),
    );
  });

  test('gives the same historyHash twice', () => {
    assert.match(a.historyHash ?? '', /^[0-9a-f]{16}$/);
    assert.equal(b.historyHash, a.historyHash);
  });

  test('gives the same violations twice, and there are some to compare', () => {
    assert.ok(a.checker.violations.length > 0, describeRun(a));
    assert.deepEqual(b.checker.violations, a.checker.violations);
  });

  test('records the canonical plan it drew, not the word "random"', () => {
    assert.notEqual(a.faults, 'random');
    assert.equal(a.faults, canonical);
    // The text reads back as the plan that was drawn.
    assert.deepEqual(parseFaultPlan(a.faults ?? '', NODES), randomPlan(SEED, NODES, DURATION_MS));
  });

  test('is reproduced by its recorded plan text given explicitly', async () => {
    const again = await runWithFaults(a.faults ?? '');
    assert.equal(again.historyHash, a.historyHash);
    assert.deepEqual(again.checker.violations, a.checker.violations);
  });

  test('from the CLI writes the same plan text and historyHash into its JSON document, and exits 1', async () => {
    const args = ['run', '--faults', 'random', '--json', '--quiet'];
    for (const [k, v] of Object.entries(FLAGS)) args.push(`--${k}`, v);
    const exit = await runCli(args);
    assert.equal(exit.code, 1, exit.stderr);
    const doc = JSON.parse(exit.stdout) as RunResult;
    assert.equal(doc.faults, canonical);
    assert.equal(doc.historyHash, a.historyHash);
    // The header printed before the run names the drawn plan too (DESIGN: seed and options first).
    assert.ok(exit.stderr.includes(`faults ${canonical}`), exit.stderr.slice(0, 500));
  });
});
