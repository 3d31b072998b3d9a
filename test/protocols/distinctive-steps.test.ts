// Each withdraw protocol's distinctive step (issue #3 "Protocols"), seen from outside: through
// the messages, the withdraw timeline (`withdraws[]`) and the node states of scenario runs on
// the simulator. A protocol that lost its distinctive step would still run; these tests say
// which step is missing.
//
//   legacy          — no live-lock signal; a clean lockspace release; J_A replayed only at remount.
//   force-withdraw  — a survivor replays J_A before A leaves the lockspace; secondary
//                     withdrawers wait; SDF_WITHDRAW_RECOVERY cleared before the journal is clean.
//   :no-secondary-wait — secondary withdrawers return at once.
//   :late-clear     — SDF_WITHDRAW_RECOVERY cleared only after the journal is seen clean.
//   release-recover — survivors see a failure: recover_slot, ordinary DLM recovery, no signal.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bare,
  describeOutcome,
  linesOf,
  phaseNs,
  SEEDS,
  scenarioOutcome,
  survivorMessages,
  withdrawOf,
} from '../scenarios/outcomes.js';

describe('legacy withdraw (s1-stale-replay)', () => {
  for (const seed of SEEDS) {
    test(`sends no live-lock signal: no "Requesting recovery" and no signalSent phase, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s1-stale-replay', 'legacy', seed);
      const r = o.result;
      assert.deepEqual(
        linesOf(r).filter((l) => l.includes('Requesting recovery') || l.includes('Some node has withdrawn')),
        [],
      );
      const w = withdrawOf(r);
      assert.equal(w.phases.signalSent, null, JSON.stringify(w.phases));
      assert.equal(w.phases.survivorsNotified, null, JSON.stringify(w.phases));
      // It still withdrew and left the lockspace.
      assert.ok(phaseNs(w, 'lockspaceReleased') >= phaseNs(w, 'withdrawStart'));
    });
  }

  for (const seed of SEEDS) {
    test(`leaves the lockspace cleanly so no survivor recovers, and only the remount replays J_A, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s1-stale-replay', 'legacy', seed);
      const r = o.result;
      const survivors = survivorMessages(r, 0).map(bare);
      assert.deepEqual(
        survivors.filter((l) => l.startsWith('recover_slot') || l.startsWith('jid=0:')),
        [],
        'a survivor looked at journal 0',
      );
      for (const n of r.nodes)
        if (n.node !== 0) assert.equal(n.replay.journalsReplayed ?? 0, 0, `node ${n.node} replayed a journal`);
      const remount = r.messages.find((m) => m.node === 0 && bare(m) === 'remounting after withdraw');
      assert.ok(remount !== undefined, linesOf(r, 0).join('\n'));
      const w = withdrawOf(r);
      // The replay that finally happened is node 0's own, at its remount, long after it left.
      assert.equal(w.replayedBy, 0, describeOutcome(o));
      assert.ok(
        phaseNs(w, 'replayDone') >= remount.timeNs,
        `replay ${w.phases.replayDone} before remount ${remount.timeNs}`,
      );
      assert.ok(phaseNs(w, 'lockspaceReleased') < remount.timeNs);
    });
  }
});

describe('force-withdraw (s3-happy-path)', () => {
  for (const seed of SEEDS) {
    test(`has a survivor replay J_A before the withdrawn node releases its lockspace, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s3-happy-path', 'force-withdraw', seed);
      const w = withdrawOf(o.result);
      assert.ok(w.replayedBy === 1 || w.replayedBy === 2, `replayed by ${w.replayedBy}; ${describeOutcome(o)}`);
      assert.ok((w.blocksReplayed as number) > 0, 'nothing was replayed');
      // §4.3–§4.4: signal → survivor notified → replay → A sees its journal clean → A leaves.
      const signal = phaseNs(w, 'signalSent');
      const notified = phaseNs(w, 'survivorsNotified');
      const replay = phaseNs(w, 'replayDone');
      const clean = phaseNs(w, 'journalClean');
      const released = phaseNs(w, 'lockspaceReleased');
      assert.ok(signal <= notified && notified <= replay, JSON.stringify(w.phases));
      assert.ok(replay < clean && clean <= released, JSON.stringify(w.phases));
      assert.ok(replay < released, JSON.stringify(w.phases));
      // A stays withdrawn (no remount in S3); the survivors unmount normally.
      assert.deepEqual(
        o.result.nodes.map((n) => n.state),
        ['withdrawn', 'unmounted', 'unmounted'],
      );
    });
  }

  for (const seed of SEEDS) {
    test(`clears SDF_WITHDRAW_RECOVERY before the journal is clean (the S6 window opens), seed ${seed}`, async () => {
      const o = await scenarioOutcome('s3-happy-path', 'force-withdraw', seed);
      const w = withdrawOf(o.result);
      const cleared = phaseNs(w, 'recoveryFlagCleared');
      assert.ok(cleared < phaseNs(w, 'replayDone'), JSON.stringify(w.phases));
      assert.ok(cleared < phaseNs(w, 'journalClean'), JSON.stringify(w.phases));
    });
  }
});

describe('secondary withdrawers (s2-secondary-release)', () => {
  for (const seed of SEEDS) {
    test(`wait under force-withdraw until the first withdrawer finishes, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s2-secondary-release', 'force-withdraw', seed);
      const w = withdrawOf(o.result);
      const waits = w.secondaryWaitsNs as number[];
      assert.ok(Array.isArray(waits) && waits.length > 0, `secondaryWaitsNs ${JSON.stringify(waits)}`);
      for (const ns of waits) assert.ok(ns > 0, `a secondary wait of ${ns} ns`);
      // They sleep on IN_PROG, which clears only once A has left the lockspace, after the replay.
      const longest = Math.max(...waits);
      assert.ok(longest > phaseNs(w, 'replayDone') - phaseNs(w, 'withdrawStart'), `longest wait ${longest} ns`);
    });
  }

  for (const seed of SEEDS) {
    test(`do not wait under force-withdraw:no-secondary-wait, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s2-secondary-release', 'force-withdraw:no-secondary-wait', seed);
      const w = withdrawOf(o.result);
      assert.deepEqual(w.secondaryWaitsNs, []);
    });
  }

  for (const seed of SEEDS) {
    test(`under force-withdraw:no-secondary-wait let another node take A's rgrp before J_A is replayed, seed ${seed}`, async () => {
      // The consequence of not waiting: P2 unwinds, dequeues R, and A hands R to B while a
      // survivor is still reading J_A. The oracle sees it as an I2 grant before replayDone.
      const o = await scenarioOutcome('s2-secondary-release', 'force-withdraw:no-secondary-wait', seed);
      const replay = phaseNs(withdrawOf(o.result), 'replayDone');
      const early = o.result.checker.violations.filter(
        (v) => v.invariant === 'I2' && v.timeNs !== undefined && v.timeNs < replay && v.nodes?.[0] === 0,
      );
      assert.ok(early.length > 0, describeOutcome(o));
    });
  }
});

describe('force-withdraw:late-clear (s6-recovery-window)', () => {
  for (const seed of SEEDS) {
    test(`clears SDF_WITHDRAW_RECOVERY only once the journal is clean, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s6-recovery-window', 'force-withdraw:late-clear', seed);
      const w = withdrawOf(o.result);
      assert.ok(phaseNs(w, 'recoveryFlagCleared') >= phaseNs(w, 'journalClean'), JSON.stringify(w.phases));
      assert.ok(phaseNs(w, 'recoveryFlagCleared') > phaseNs(w, 'replayDone'), JSON.stringify(w.phases));
    });
  }

  for (const seed of SEEDS) {
    test(`differs from plain force-withdraw, which clears it before the journal is clean, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s6-recovery-window', 'force-withdraw', seed);
      const w = withdrawOf(o.result);
      assert.ok(phaseNs(w, 'recoveryFlagCleared') < phaseNs(w, 'journalClean'), JSON.stringify(w.phases));
    });
  }
});

describe('release-recover (s3-happy-path)', () => {
  for (const seed of SEEDS) {
    test(`has survivors recover J_A through recover_slot with no live-lock signal, seed ${seed}`, async () => {
      const o = await scenarioOutcome('s3-happy-path', 'release-recover', seed);
      const r = o.result;
      const all = linesOf(r);
      assert.deepEqual(
        all.filter((l) => l.includes('Requesting recovery') || l.includes('Some node has withdrawn')),
        [],
      );
      // Every survivor is told (recover_slot goes to every remaining member) …
      for (const node of [1, 2]) {
        assert.ok(linesOf(r, node).includes('recover_slot jid 0'), `node ${node}:\n${linesOf(r, node).join('\n')}`);
      }
      // … and one of them replays J_A, after A left the lockspace (the departure is the failure).
      const w = withdrawOf(r);
      assert.ok(w.replayedBy === 1 || w.replayedBy === 2, `replayed by ${w.replayedBy}`);
      assert.ok(phaseNs(w, 'replayDone') > phaseNs(w, 'lockspaceReleased'), JSON.stringify(w.phases));
      assert.equal(r.checker.ok, true, describeOutcome(o));
    });
  }
});
