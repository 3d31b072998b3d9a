// Two DLM recovery generations back to back, with the second one's recover_slot delivered late
// (issue #3 fault "delayed callback delivery"; fault model: a late recovery callback must not
// let a grant through unfrozen). Node 2 crashes at 350 ms, node 1 at 450 ms; node 0 gets every
// recover_slot from 340 ms on 200 ms late. Its ring then holds, in order: prep(g1) slot(2)
// done(g1) prep(g2) slot(1) … and the purge's grants of node 1's locks behind slot(1).
//
// The kernel's gfs2_control_func clears DFL_BLOCK_LOCKS only if no recover_prep has come in
// since the recover_done it is working for (ls_recover_block / ls_recover_start generations):
// while prep(g2) is in and done(g2) is not, it does nothing. So node 0 must keep its freeze
// from prep(g2) until journal 1 is replayed, and node 1's purged locks stay frozen until then.
//
// Seed 3 is one whose workload has node 0 waiting on node 1's locks, so a premature thaw shows
// up as I1/I2 (stale read, grant over an un-revoked copy), not only as I3.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runOptionsFromFlags } from '../../src/cli/commands/run.js';
import { runCluster } from '../../src/orchestrator/run.js';
import type { RunResult } from '../../src/report/result.js';
import { describeRun } from './cluster.js';

const FAULTS = 'crash:node=2,at=350ms+crash:node=1,at=450ms+cbdelay:node=0,delay=200ms,kind=recover-slot,from=340ms';

describe('two crashes in a row with node 0 getting recover_slot late (sim)', () => {
  let r: RunResult;

  before(async () => {
    const o = runOptionsFromFlags({
      mode: 'sim',
      seed: '3',
      nodes: '3',
      processes: '2',
      duration: '1s',
      faults: FAULTS,
    });
    r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults });
  });

  test('has both crashes strike and node 0 told to recover both journals', () => {
    assert.equal(r.state, 'completed', describeRun(r));
    assert.equal(r.nodes[1]?.state, 'crashed', describeRun(r));
    assert.equal(r.nodes[2]?.state, 'crashed', describeRun(r));
    const slots = r.messages
      .filter((m) => m.node === 0 && /recover_slot jid [12]$/.test(m.text))
      .map((m) => m.text.at(-1));
    assert.deepEqual(slots, ['2', '1']);
  });

  test('keeps node 0 frozen until journal 1 is replayed: the checker finds no violation', () => {
    assert.deepEqual(
      r.checker.violations.map((v) => `${v.invariant}: ${v.detail}`),
      [],
    );
  });
});
