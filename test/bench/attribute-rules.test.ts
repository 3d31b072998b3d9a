// The attribution rules on hand-built stories: each label's defining fact present gives the
// label, and taking it away changes the label (so a rule that always answered the same fails).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  attribute,
  emptyStory,
  inheritForStaleReplays,
  type Story,
  seedLabel,
  victimJournal,
} from '../../bench/attribute-rules.js';
import type { Violation } from '../../src/report/result.js';

const MS = 1e6;

/** Node 1 withdraws at 600 ms, signals at 800 ms, clears the flag at 800 ms. */
function withdrawOfNode1(): Story {
  const s = emptyStory();
  s.withdraws.push({ node: 1, startNs: 600 * MS, signalSentNs: 800 * MS, recoveryClearedNs: 800 * MS });
  return s;
}

/** A stale read by node 2 at `atMs` of a block node 1 committed newer. */
function staleRead(atMs: number): Violation {
  return {
    invariant: 'I1',
    detail:
      'stale read: node 2 read version 0 of block 7, but node 1 had committed version 35; no in-place write of a newer version was seen',
    nodes: [2, 1],
    timeNs: atMs * MS,
  };
}

describe('attribution rules', () => {
  test('the victim journal is the committer of I1, the journal of I2 and the dirty journal of liveness', () => {
    assert.equal(victimJournal(staleRead(900)), 1);
    const i2 = {
      invariant: 'I2',
      detail: 'node 0 was granted n:2/5 EX while journal 2 still held an un-revoked copy of block 5',
    };
    assert.equal(victimJournal(i2), 2);
    assert.equal(victimJournal({ invariant: 'I4', detail: 'bitmap' }), -1);
  });

  test('a signal that notified nobody is finding A; one heard before the signal does not count', () => {
    const s = withdrawOfNode1();
    s.notified.push([2, 700 * MS]);
    assert.equal(attribute(staleRead(900), s).label, 'A');
    assert.equal(
      attribute(staleRead(900), s, false).label,
      'other',
      'no live-lock signal to swallow without remote_withdraw',
    );
    s.notified.push([2, 800 * MS + 1]);
    assert.notEqual(attribute(staleRead(900), s).label, 'A');
  });

  test('a failed replay after the signal with no later success is finding B', () => {
    const s = withdrawOfNode1();
    s.notified.push([2, 800 * MS + 1], [0, 800 * MS + 2]);
    s.replays.push({ node: 2, jid: 1, endNs: 850 * MS, status: -5 });
    assert.equal(attribute(staleRead(900), s).label, 'B');
    s.replays.push({ node: 0, jid: 1, endNs: 880 * MS, status: 0 });
    assert.equal(attribute(staleRead(900), s).label, 'other', 'the journal was replayed before the read');
  });

  test('a violation after the clear and before a later successful replay is S6', () => {
    const s = withdrawOfNode1();
    s.notified.push([2, 800 * MS + 1]);
    s.replays.push({ node: 2, jid: 1, endNs: 950 * MS, status: 0 });
    assert.equal(attribute(staleRead(900), s).label, 'S6');
    assert.equal(attribute(staleRead(799), s).label, 'other', 'before the clear the window was not open');
  });

  test('a stale replay of a journal takes the label of the earlier violation on that journal', () => {
    const s = withdrawOfNode1();
    s.notified.push([2, 800 * MS + 1]);
    s.replays.push({ node: 2, jid: 1, endNs: 950 * MS, status: 0 });
    const replay: Violation = {
      invariant: 'I1',
      detail:
        'replay of journal 1 by node 2 left version 131 of block 6165 in place, below version 171 committed by node 0',
      timeNs: 950 * MS,
    };
    assert.equal(victimJournal(replay), 1);
    const alone = inheritForStaleReplays([attribute(replay, s)]);
    assert.equal(alone[0]?.label, 'other', 'no earlier violation on journal 1 to inherit from');
    const both = inheritForStaleReplays([attribute(staleRead(900), s), attribute(replay, s)]);
    assert.deepEqual(
      both.map((a) => a.label),
      ['S6', 'S6'],
    );
  });

  test("a seed's label is its earliest violation's; an undated one (I4) comes last", () => {
    const s = withdrawOfNode1();
    const i4 = attribute({ invariant: 'I4', detail: 'bitmap' }, s);
    assert.equal(seedLabel([i4, attribute(staleRead(900), s)]), 'A');
  });
});
