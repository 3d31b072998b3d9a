// The printed views: glstats' name format and columns, the contention table's order and its
// `-x` CSV, fairness' min/max and locktorture's `???` mark. Inputs are hand-built profiles
// whose figures are chosen so each ordering has one right answer.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GlockProfileDetail } from '../../src/profile/collector.js';
import { formatContention, sortContention } from '../../src/profile/contention.js';
import { fairnessOf, formatFairness } from '../../src/profile/fairness.js';
import { formatLive, formatRunView, summaryMatrix } from '../../src/profile/glocktop.js';
import { formatGlstats, glstatsLine } from '../../src/profile/glstats.js';
import { sampleGlock } from '../report/sample-result.js';

function glock(type: number, number: number, o: Partial<GlockProfileDetail>): GlockProfileDetail {
  // The detail fields first: `o` (spread last by sampleGlock) may override any of them.
  const detail = { callbacks: 0, demotes: 0, waitsByState: [0, 0, 0, 0], grantsByState: [0, 0, 0, 0], holders: [] };
  return { ...detail, ...sampleGlock(type, number, o) } as GlockProfileDetail;
}

const a = glock(2, 100, {
  contended: 5,
  // Fractions as threads-mode monotonic ns sums produce: the CSV prints whole ns.
  waitNsTotal: 5_000.4,
  waitNsMax: 3_000.2,
  qcount: 9,
  dcount: 4,
  waitsByState: [0, 5, 0, 0],
  srtt: 1234.4,
  srttvar: 10,
  srttb: 20,
  srttvarb: 30,
  sirt: 40_000.6,
  sirtvar: 50,
});
const b = glock(3, 7, {
  contended: 2,
  waitNsTotal: 90_000,
  waitNsMax: 80_000,
  qcount: 30,
  dcount: 2,
  waitsByState: [0, 0, 0, 2],
});
const c = glock(2, 5, { contended: 0, qcount: 1 });

test('glstats prints n:<type>/<num> and the kernel fields, most queued first', () => {
  const lines = formatGlstats([a, b, c], 10).trimEnd().split('\n');
  assert.deepEqual(lines[0]?.split(/\s+/), [
    'glock',
    'srtt/srttvar',
    'srttb/srttvarb',
    'sirt/sirtvar',
    'dcount',
    'qcount',
  ]);
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(/\s+/)[0]),
    ['n:3/7', 'n:2/100', 'n:2/5'],
  );
  // Integer nanoseconds, as the kernel prints them.
  assert.deepEqual(lines[2]?.split(/\s+/), ['n:2/100', '1234/10', '20/30', '40001/50', '4', '9']);
  assert.equal(glstatsLine(a), 'G: n:2/100 rtt:1234/10 rttb:20/30 irt:40001/50 dcnt: 4 qcnt: 9');
});

test('the contention table leaves out uncontended glocks and sorts by the key asked', () => {
  assert.deepEqual(
    sortContention([a, b, c], 'contended').map((g) => g.name),
    ['n:2/100', 'n:3/7'],
  );
  assert.deepEqual(
    sortContention([a, b, c], 'wait-total').map((g) => g.name),
    ['n:3/7', 'n:2/100'],
  );
  assert.deepEqual(
    sortContention([a, b, c], 'wait-max').map((g) => g.name),
    ['n:3/7', 'n:2/100'],
  );
  // avg: a 1000 ns, b 45000 ns.
  assert.deepEqual(
    sortContention([a, b, c], 'wait-avg').map((g) => g.name),
    ['n:3/7', 'n:2/100'],
  );
  assert.deepEqual(
    sortContention([b, a], 'name').map((g) => g.name),
    ['n:2/100', 'n:3/7'],
  );
  const text = formatContention([a, b, c], { sort: 'contended', top: 10 });
  assert.match(text.split('\n')[1] ?? '', /^\s*5\s+5\.00 us\s+3\.00 us\s+1\.00 us\s+inode:EX\s+n:2\/100$/);
});

test('-x CSV parses back with its separator into the same figures', () => {
  for (const sep of [',', ';', '\t']) {
    const rows = formatContention([a, b, c], { sort: 'contended', top: 10, separator: sep })
      .trimEnd()
      .split('\n')
      .map((l) => l.split(sep));
    assert.deepEqual(rows[0], ['contended', 'total wait', 'max wait', 'avg wait', 'type', 'glock']);
    assert.deepEqual(rows.slice(1), [
      ['5', '5000', '3000', '1000', 'inode:EX', 'n:2/100'],
      ['2', '90000', '80000', '45000', 'rgrp:SH', 'n:3/7'],
    ]);
  }
});

test('--top limits every table', () => {
  assert.equal(formatGlstats([a, b, c], 1).trimEnd().split('\n').length, 2);
  assert.equal(formatContention([a, b, c], { sort: 'contended', top: 1 }).trimEnd().split('\n').length, 2);
});

test('fairness gives min/max per node and marks max > 2 × min with ???', () => {
  assert.deepEqual(fairnessOf([10, 21, 15]), {
    total: 46,
    max: 21,
    min: 10,
    maxNode: 1,
    minNode: 0,
    byNode: [10, 21, 15],
    imbalanced: true,
  });
  assert.equal(fairnessOf([10, 20]).imbalanced, false);
  // Cluster: [4+1, 7+9] = [5, 16], 16 > 10: marked. Glock n:2/1: [4, 7], 7 ≤ 8: not marked.
  const g = glock(2, 1, { grantsByNode: [4, 7] });
  const text = formatFairness([g, glock(2, 2, { grantsByNode: [1, 9] })], [g], 2);
  assert.match(
    text,
    /^Acquisitions \(all glocks\) {2}Total: 21 {2}Max\/Min: 16\/5 \?\?\? {2}\(max node 1, min node 0\)$/m,
  );
  assert.match(text, /^ {2}per node: 0:5 1:16$/m);
  assert.match(text, /^ {2}n:2\/1 {2}Total: 11 {2}Max\/Min: 7\/4 {2}\(max node 1, min node 0\)$/m);
});

test('the whole-run glocktop view ranks by waiting holders and lists H/W per node/pid', () => {
  const hot = glock(2, 100, {
    holders: [
      { node: 1, pid: 4, grants: 7, waits: 3, waitNsTotal: 2_000 },
      { node: 0, pid: 2, grants: 5, waits: 1, waitNsTotal: 500 },
    ],
    waitsByState: [0, 4, 0, 0],
  });
  const warm = glock(3, 7, { holders: [{ node: 0, pid: 2, grants: 50, waits: 2, waitNsTotal: 9 }] });
  const lines = formatRunView([warm, hot], 10).split('\n');
  assert.match(lines[1] ?? '', /^G: n:2\/100 \(inode\) {2}H 12 {2}W 4 {2}Want mostly:Exclusive/);
  assert.match(lines[2] ?? '', /^ {2}node 1 p:4\s+H 7\s+W 3\s+waited 2\.00 us$/);
  assert.match(lines[4] ?? '', /^G: n:3\/7 \(rgrp\) {2}H 50 {2}W 2/);
});

test('the live view ranks DLM waiters above plain holders and fills the summary matrix', () => {
  const node = (n: number, is: number, want = -1, demote = -1) => ({ node: n, is, want, demote });
  const snap = {
    atMs: 1500,
    glocks: [
      // n:1/1 held SH by both nodes (the cluster-wide "live" lock): held, nobody waits.
      {
        res: 1,
        name: 'n:1/1',
        type: 1,
        nodes: [node(0, 3), node(1, 3)],
        holders: [
          { node: 0, pid: 1, state: 3 },
          { node: 1, pid: 1, state: 3 },
        ],
        dlmWaiting: 0,
      },
      // n:2/9: node 0 holds EX with a demote to UN pending, node 1 queued for SH at the DLM.
      {
        res: 9,
        name: 'n:2/9',
        type: 2,
        nodes: [node(0, 1, -1, 0), node(1, 0, 3)],
        holders: [{ node: 0, pid: 4, state: 1 }],
        dlmWaiting: 1,
      },
    ],
    unlockedByType: new Map([[2, 5]]),
  };
  const text = formatLive(snap, 10, 'glocktop (live)');
  const gLines = text.split('\n').filter((l) => l.startsWith('G: '));
  assert.deepEqual(gLines, ['G: n:2/9 (inode)', 'G: n:1/1 (nondisk)']);
  assert.match(text, /^ {2}node 0: Is:Exclusive, Want:Exclusive \[Demote pending to UN\]$/m);
  assert.match(text, /^ {2}node 1: Is:Unlocked, Want:Shared \[DLM wait\]$/m);
  assert.match(text, /^ {4}H: p:4 \(glock EX\)$/m);
  const { types, rows } = summaryMatrix(snap);
  assert.deepEqual(types, [1, 2]);
  assert.deepEqual(Object.fromEntries(rows), {
    Unlocked: [0, 5],
    Locked: [1, 1],
    'Held EX': [0, 1],
    'Held SH': [1, 0],
    'Held DF': [0, 0],
    'G Waiting': [0, 1],
    'P Waiting': [0, 1],
  });
});
