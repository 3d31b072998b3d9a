// The oracle's verdict on each named scenario (reference §4.8, issue #3 "Acceptance"), on the
// simulator for a few seeds each: a scenario written to reproduce a bug must be caught under the
// protocol that has the bug and must stay clean under the protocols that fix it; the happy-path,
// standalone and crash scenarios must be clean and log the kernel's lines.
//
// Seeds 1–3: each scenario's scripts draw their timing jitter (and S1's "written back or not"
// coin) from the seed, so three seeds cover both branches of the coin and a spread of timings.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bare, describeOutcome, invariantsOf, linesOf, SEEDS, scenarioOutcome, survivorMessages } from './outcomes.js';

/** The run finished on its own (not errored or stalled) and the oracle found nothing. */
/** The run completes and the oracle reports a stale replay or use (I1 or I2). */
async function assertCaughtStale(name: string, protocol: string, seed: number): Promise<void> {
  const o = await scenarioOutcome(name, protocol, seed);
  assert.equal(o.result.state, 'completed', describeOutcome(o));
  assert.equal(o.result.checker.ok, false, describeOutcome(o));
  const inv = invariantsOf(o.result);
  assert.ok(inv.includes('I1') || inv.includes('I2'), `expected I1 or I2 among ${inv.join(', ')}`);
}

async function assertClean(name: string, protocol: string, seed: number): Promise<void> {
  const o = await scenarioOutcome(name, protocol, seed);
  assert.equal(o.result.state, 'completed', describeOutcome(o));
  assert.deepEqual(o.result.checker.violations, [], describeOutcome(o));
  assert.equal(o.result.checker.ok, true, describeOutcome(o));
}

describe('s1-stale-replay', () => {
  for (const seed of SEEDS) {
    test(`is caught as a stale replay (I1 or I2) under legacy, seed ${seed}`, () =>
      assertCaughtStale('s1-stale-replay', 'legacy', seed));
  }
  for (const protocol of ['force-withdraw', 'release-recover']) {
    for (const seed of SEEDS) {
      test(`is clean under ${protocol}, seed ${seed}`, () => assertClean('s1-stale-replay', protocol, seed));
    }
  }
});

describe('s2-secondary-release', () => {
  for (const seed of SEEDS) {
    test(`is caught under force-withdraw:no-secondary-wait, seed ${seed}`, () =>
      assertCaughtStale('s2-secondary-release', 'force-withdraw:no-secondary-wait', seed));
  }
  for (const protocol of ['force-withdraw', 'release-recover']) {
    for (const seed of SEEDS) {
      test(`is clean under ${protocol}, seed ${seed}`, () => assertClean('s2-secondary-release', protocol, seed));
    }
  }
});

describe('s6-recovery-window', () => {
  for (const seed of SEEDS) {
    test(`is caught under force-withdraw and the explanation says the window was hit, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s6-recovery-window', 'force-withdraw', seed);
      assert.equal(o.result.checker.ok, false, describeOutcome(o));
      assert.ok(
        o.explanation.some((l) => /^The window was hit: \d+ violation/.test(l)),
        `explanation: ${o.explanation.join(' | ')}`,
      );
    });
  }
  for (const seed of SEEDS) {
    test(`is clean under force-withdraw:late-clear and the explanation does not claim a hit, seed ${seed}`, async () => {
      await assertClean('s6-recovery-window', 'force-withdraw:late-clear', seed);
      const o = await scenarioOutcome('s6-recovery-window', 'force-withdraw:late-clear', seed);
      assert.ok(!o.explanation.some((l) => /window was hit/.test(l)), `explanation: ${o.explanation.join(' | ')}`);
    });
  }
});

describe('s3-happy-path under force-withdraw', () => {
  for (const seed of SEEDS) {
    test(`is clean, seed ${seed}`, () => assertClean('s3-happy-path', 'force-withdraw', seed));
  }

  for (const seed of SEEDS) {
    test(`logs the kernel's withdraw lines in the kernel's order, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s3-happy-path', 'force-withdraw', seed);
      // §4.3 step 7 on A, §4.4 step 1 on a survivor, §4.3 step 11 on A (twice): [node, line start].
      // A survivor's line is written with node -1 ("any node but 0").
      const expected: [number, string][] = [
        [0, 'Requesting recovery of jid 0.'],
        [-1, 'Some node has withdrawn; checking for recovery.'],
        [0, 'Journal recovery complete for jid 0.'],
        [0, 'Glock dequeues delayed:'],
      ];
      const msgs = o.result.messages;
      let from = 0;
      for (const [node, line] of expected) {
        const i = msgs.findIndex(
          (m, k) => k >= from && bare(m).startsWith(line) && (node === -1 ? m.node !== 0 : m.node === node),
        );
        assert.ok(
          i >= 0,
          `"${line}" (node ${node === -1 ? 'other than 0' : node}) not found after message ${from}:\n${linesOf(o.result).join('\n')}`,
        );
        from = i + 1;
      }
    });
  }
});

describe('s4-standalone under force-withdraw', () => {
  for (const seed of SEEDS) {
    test(`finds no other mounter, leaves the journal for the next mount and ends clean, seed ${seed}`, async () => {
      await assertClean('s4-standalone', 'force-withdraw', seed);
      const o = await scenarioOutcome('s4-standalone', 'force-withdraw', seed);
      const lines = linesOf(o.result, 0);
      assert.ok(
        lines.some((l) => l.startsWith('No other mounters found')),
        lines.join('\n'),
      );
      // The kernel's wording (util.c): "Journal recovery skipped for %d until next mount."
      assert.ok(lines.includes('Journal recovery skipped for 0 until next mount.'), lines.join('\n'));
      // The remount replayed it: the only journal ends clean.
      assert.deepEqual(
        o.result.journals.map((j) => j.clean),
        [true],
      );
    });
  }
});

describe('s5-node-crash under force-withdraw', () => {
  for (const seed of SEEDS) {
    test(`is clean and a survivor gets recover_slot for jid 0 and replays it, seed ${seed}`, async () => {
      await assertClean('s5-node-crash', 'force-withdraw', seed);
      const o = await scenarioOutcome('s5-node-crash', 'force-withdraw', seed);
      const r = o.result;
      assert.equal(r.nodes[0]?.state, 'crashed', describeOutcome(o));
      const survivors = survivorMessages(r, 0);
      assert.ok(
        survivors.some((m) => bare(m) === 'recover_slot jid 0'),
        linesOf(r).join('\n'),
      );
      // Exactly one survivor replays J_A (the journal glock's EX TRY); the others find it busy or clean.
      const replayers = survivors.filter((m) => bare(m).startsWith('jid=0: Replaying journal'));
      assert.equal(replayers.length, 1, linesOf(r).join('\n'));
      const by = replayers[0]?.node ?? -1;
      assert.ok((r.nodes[by]?.replay.blocksReplayed ?? 0) > 0, `node ${by} replayed no blocks`);
      assert.equal(r.journals[0]?.clean, true, 'journal 0 is still dirty at the end');
    });
  }
});
