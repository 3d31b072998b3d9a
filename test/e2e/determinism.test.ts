// The simulator's promise (DESIGN principle 3): the same seed gives the same history, so the
// same historyHash and the same figures; a different seed gives a different history.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeRun, runSim } from './cluster.js';

describe('sim determinism', () => {
  test('the same seed gives the same historyHash on two runs in one process', async () => {
    const a = await runSim({ seed: 42 });
    const b = await runSim({ seed: 42 });
    assert.equal(a.state, 'completed', describeRun(a));
    assert.match(a.historyHash ?? '', /^[0-9a-f]{16}$/);
    assert.equal(b.historyHash, a.historyHash);
  });

  test('the same seed gives the same op totals per node and the same virtual duration', async () => {
    const a = await runSim({ seed: 2, ops: 0, durationMs: 300 });
    const b = await runSim({ seed: 2, ops: 0, durationMs: 300 });
    assert.ok(a.totals.ops > 0, describeRun(a));
    assert.equal(b.totals.ops, a.totals.ops);
    assert.deepEqual(
      b.nodes.map((n) => [n.ops, n.log.flushes, n.log.blocksLogged, n.glock.requests]),
      a.nodes.map((n) => [n.ops, n.log.flushes, n.log.blocksLogged, n.glock.requests]),
    );
    assert.equal(b.durationMs, a.durationMs);
    assert.equal(b.historyHash, a.historyHash);
  });

  test('different seeds give different historyHashes', async () => {
    const hashes = new Set<string | null>();
    for (const seed of [1, 2, 3]) hashes.add((await runSim({ seed, ops: 500 })).historyHash);
    assert.equal(hashes.size, 3, `hashes: ${[...hashes].join(', ')}`);
  });

  test('two runs of the same seed interleaved on one event loop give the hash of a run alone', async () => {
    // A run of 1 000 ops takes ~70 000 scheduler steps, several 20 000-step chunks, so the two
    // runs really alternate; state shared between runs through module globals would diverge them.
    const over = { seed: 11, ops: 1000, files: 64 };
    const alone = await runSim(over);
    const [x, y] = await Promise.all([runSim(over), runSim(over)]);
    assert.equal(alone.totals.ops, 1000, describeRun(alone));
    assert.equal(x.historyHash, alone.historyHash);
    assert.equal(y.historyHash, alone.historyHash);
  });
});
