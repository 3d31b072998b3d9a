// The recovery suite at its quick size (issue #4): real threads-mode runs, so this asserts what
// must hold whatever the timing — never how fast anything was.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type RecoveryRun, runRecoverySuite } from '../../bench/recovery/index.js';
import { COMPARED_PROTOCOLS } from '../../bench/recovery/protocols.js';

/** Phase pairs (earlier, later) that one thread stamps in program order, or that are causally ordered across threads. */
const ORDERED: readonly (readonly [string, string])[] = [
  ['error', 'withdrawStart'],
  ['withdrawStart', 'signalSent'],
  // The survivor's callback is the live-lock request the withdrawing node makes after signalSent.
  ['signalSent', 'survivorsNotified'],
  // The survivor recovers from its control work, which the callback wakes.
  ['survivorsNotified', 'journalLockWon'],
  // recoverJournal takes the journal's glocks, then searches the head, then replays.
  ['journalLockWon', 'headFound'],
  ['headFound', 'replayDone'],
  ['journalClean', 'dequeuesReleased'],
  ['dequeuesReleased', 'lockspaceReleased'],
];

describe('recovery bench suite (quick)', { timeout: 600_000 }, () => {
  let run: RecoveryRun;
  before(async () => {
    run = await runRecoverySuite({ quick: true, seed: 1, log: () => {} });
  });

  it('reports P6 as end-to-end over replay alone, from paired samples', () => {
    const p6 = run.output.ratios.P6;
    assert.ok(p6 !== undefined, 'P6 row present');
    assert.ok(p6.value > 0 && p6.baseline > 0);
    assert.ok(Math.abs(p6.ratio - p6.value / p6.baseline) < 1e-9 * p6.ratio, 'ratio = value / baseline');
    assert.equal(p6.met, p6.ratio <= 2);
    assert.ok(p6.spread.samples >= 1 && p6.spread.min <= p6.spread.max);
  });

  it("stamps each run's withdraw phases in causal order", () => {
    let checked = 0;
    for (const point of run.phases) {
      for (const s of point.samples) {
        const ph = s.timeline.phases;
        assert.notEqual(ph.replayDone ?? null, null, 'every counted run replayed the journal');
        for (const [a, b] of ORDERED) {
          const ta = ph[a] ?? null;
          const tb = ph[b] ?? null;
          if (ta === null || tb === null) continue;
          assert.ok(ta <= tb, `${a} (${ta}) ≤ ${b} (${tb}) at time scale ${point.timeScale}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 0);
  });

  it('replays a dirty journal in every counted run and in the replay sweep', () => {
    assert.ok(run.phases.length > 0);
    for (const point of run.phases) {
      assert.ok(point.samples.length >= 3, 'at least three runs per point');
      for (const s of point.samples) {
        assert.ok(s.timeline.blocksReplayed > 0);
        // Revoked images are in the region but not replayed.
        assert.ok(s.imagesInRegion >= s.timeline.blocksReplayed);
      }
    }
    for (const r of run.replay) assert.ok(r.imagesReplayed > 0);
    const withRevokes = run.replay.filter((r) => r.revokeDensity > 0);
    assert.ok(withRevokes.length > 0, 'the sweep includes revoked images');
  });

  it('compares all three protocols on the same seeds', () => {
    const metrics = run.output.metrics.filter((m) => m.name === 'recovery.protocol.recoveryNs');
    assert.deepEqual(metrics.map((m) => m.params?.protocol).sort(), [...COMPARED_PROTOCOLS].sort());
    const seeds = new Set(metrics.map((m) => m.params?.seeds));
    assert.equal(seeds.size, 1, 'one seed list for every protocol');
    for (const m of metrics) assert.equal(m.samples.length, String(m.params?.seeds).split(',').length);
  });
});
