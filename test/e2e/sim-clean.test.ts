// Whole-cluster sim runs at the edges of the geometry: journals small enough to wrap dozens of
// times, and the smallest block sizes. Each must end with every node unmounted, every journal
// clean (an UNMOUNT head) and the end-of-run checker satisfied, and the checker must really have
// looked: journal-clean (every head UNMOUNT) and I4 (every directory entry names a DINODE block,
// every file's data blocks are USED and owned by one file only, and every rgrp header's counts
// and CRC agree with its bitmaps). Leaks (allocated blocks nobody owns) are not checked by I4.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunResult } from '../../src/report/result.js';
import { describeRun, journalBlocksWrittenMin, runSim } from './cluster.js';

function assertCleanEnd(r: RunResult, nodes: number): void {
  const why = describeRun(r);
  assert.equal(r.state, 'completed', why);
  assert.equal(r.error, null, why);
  assert.deepEqual(
    r.nodes.map((n) => n.state),
    new Array(nodes).fill('unmounted'),
    why,
  );
  assert.equal(r.journals.length, nodes);
  for (const j of r.journals) assert.ok(j.clean, `journal ${j.jid} is dirty (head ${j.head}); ${why}`);
  assert.ok(r.checker.checked?.includes('journal-clean'), `checked: ${r.checker.checked?.join(', ')}`);
  assert.ok(r.checker.checked?.includes('I4'), `checked: ${r.checker.checked?.join(', ')}`);
  assert.deepEqual(r.checker.violations, []);
  assert.equal(r.checker.ok, true);
  // No fault was injected, so no node may have seen a fatal error or withdrawn on the way; the
  // node states alone would not show it (a node that withdrew during unmount still ends
  // "unmounted").
  const bad = r.messages.filter((m) => /fatal|withdraw/i.test(m.text));
  assert.deepEqual(bad, [], 'a fault-free run logged a fatal error or a withdraw');
}

describe('sim runs end clean', () => {
  test('a 48-block journal wrapped dozens of times ends clean with the checker OK', async () => {
    const journalBlocks = 48;
    const r = await runSim({ seed: 2, ops: 3000, journalBlocks });
    assertCleanEnd(r, 3);
    // Seed 2 spreads the work: its busiest node logs ~2 000 blocks, over 40 trips round the ring.
    const wraps = Math.max(...r.nodes.map((n) => journalBlocksWrittenMin(r, n.node))) / journalBlocks;
    assert.ok(wraps >= 10, `the busiest journal wrapped only ${wraps.toFixed(1)} times`);
  });

  test('several seeds on a 48-block journal with 4 processes per node all end clean', async () => {
    for (const seed of [5, 6, 7]) assertCleanEnd(await runSim({ seed, processes: 4, ops: 1500, journalBlocks: 48 }), 3);
  });

  test('the smallest journal the config accepts (32 blocks) ends clean with the checker OK', async () => {
    // Each operation reserves its worst case in the in-core log before taking a glock, and a
    // delete renews the reservation per freed block, so a 32-block journal never overflows.
    for (const seed of [1, 2, 3, 4]) assertCleanEnd(await runSim({ seed, ops: 3000, journalBlocks: 32 }), 3);
  });

  for (const blockSize of [512, 1024]) {
    test(`block size ${blockSize} ends clean with the checker OK`, async () => {
      const r = await runSim({ seed: 3, ops: 1000, blockSize, journalBlocks: 128 });
      assertCleanEnd(r, 3);
      assert.equal(r.config.blockSize, blockSize);
      assert.equal(r.totals.ops, 1000);
      assert.ok(
        r.nodes.some((n) => n.log.blocksLogged > 0),
        'something was logged',
      );
    });
  }

  test('a contended workload on four nodes ends with the directory, dinodes and bitmaps consistent', async () => {
    const r = await runSim({ seed: 9, nodes: 4, ops: 3000, workload: 'contended', files: 32 });
    assertCleanEnd(r, 4);
    // Contention means glocks really moved between nodes (callbacks and demotes happened).
    assert.ok(r.nodes.reduce((s, n) => s + n.glock.callbacks, 0) > 0, 'no blocking callbacks: the run did not contend');
  });
});
