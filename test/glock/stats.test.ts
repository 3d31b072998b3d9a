// Glock statistics (§7): the smoothed round-trip update on a known sample sequence.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DlmStatus, GlockType, LmState } from '../../src/dlm/api.js';
import { HolderFlag } from '../../src/glock/flags.js';
import { Holder, holderInit } from '../../src/glock/holder.js';
import { GlockCounter, GlockStat, glockStatsRegionLength, glockStatsSlots } from '../../src/glock/stats.js';
import { setup } from './harness.js';

test('srtt and srttvar follow mean += (s − mean)/8, var += (|s − mean| − var)/4 for non-blocking round trips', () => {
  const { h, lm, m, stats, counters } = setup();
  lm.defaultStatus = DlmStatus.queued;
  const a = new Holder();
  const gl = m.get(GlockType.journal, 3);
  const p = h.proc('recovery');
  const base = gl.res * glockStatsSlots;
  // Samples 800, 1600, 0 ns (two TRY locks and the unlock between them; all non-blocking).
  // Expected, with delta = s − mean before the update:
  //   s=800:  delta  800    mean 0 + 100        = 100       var 0 + (800 − 0)/4      = 200
  //   s=1600: delta 1500    mean 100 + 187.5    = 287.5     var 200 + (1500 − 200)/4 = 525
  //   s=0:    delta −287.5  mean 287.5 − 35.9375 = 251.5625 var 525 + (287.5 − 525)/4 = 465.625
  holderInit(a, gl, LmState.ex, HolderFlag.try | HolderFlag.nocache);
  assert.equal(m.nq(p, a), 1);
  h.advance(800);
  m.onCompletion(gl.res, LmState.ex, DlmStatus.granted);
  h.run();
  assert.equal(a.granted, true);
  assert.equal(stats[base + GlockStat.srtt], 100);
  assert.equal(stats[base + GlockStat.srttvar], 200);

  assert.equal(m.dq(p, a), 0); // NOCACHE: demote to UN through the work process
  h.run();
  h.advance(1600);
  m.onCompletion(gl.res, LmState.un, DlmStatus.granted);
  h.run();
  assert.equal(gl.state, LmState.un);
  assert.equal(stats[base + GlockStat.srtt], 287.5);
  assert.equal(stats[base + GlockStat.srttvar], 525);

  holderInit(a, gl, LmState.ex, HolderFlag.try | HolderFlag.nocache);
  assert.equal(m.nq(p, a), 1);
  m.onCompletion(gl.res, LmState.ex, DlmStatus.granted);
  h.run();
  assert.equal(stats[base + GlockStat.srtt], 251.5625);
  assert.equal(stats[base + GlockStat.srttvar], 465.625);
  assert.equal(stats[base + GlockStat.srttb], 0, 'no blocking sample');
  assert.equal(stats[base + GlockStat.dcount], 3);
  assert.equal(stats[base + GlockStat.qcount], 2);
  assert.equal(counters[GlockCounter.requests], 3);
  assert.equal(counters[GlockCounter.grants], 2);
});

test('a plain promotion from UN is a blocking round trip (srttb)', () => {
  const { h, lm, m, stats } = setup();
  lm.defaultStatus = DlmStatus.queued;
  const a = new Holder();
  const gl = m.get(GlockType.inode, 3);
  holderInit(a, gl, LmState.sh, 0);
  m.nq(h.proc('reader'), a);
  h.advance(4000);
  m.onCompletion(gl.res, LmState.sh, DlmStatus.granted);
  const base = gl.res * glockStatsSlots;
  assert.equal(stats[base + GlockStat.srttb], 500); // 0 + 4000/8
  assert.equal(stats[base + GlockStat.srttvarb], 1000); // 0 + 4000/4
  assert.equal(stats[base + GlockStat.srtt], 0);
});

test('the stats region holds one record per resource per node', () => {
  assert.equal(glockStatsRegionLength(3, 100), 3 * 100 * glockStatsSlots);
});
