// The micro suite at its smallest size: every P-row it owns is present and consistent with its
// samples, the work leaves a checksum, and journal replay leaves exactly the bytes a plain
// copyWithin of the same blocks leaves. Speed itself is judged by the benchmark, not here.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMicro } from '../../bench/micro/index.js';
import { median, RATIO_SUITE, type RatioId } from '../../bench/suite.js';

const SMALLEST = {
  rounds: 3,
  timeMs: 5,
  lockBatch: 100,
  journalBlocks: 64,
  flushBlocks: 2,
  crcBlocks: 2,
  threadSampleMs: 50,
};

test('the micro suite reports P1–P5 with finite positive figures, consistent ratios and a replay that matches copyWithin', async () => {
  const lines: string[] = [];
  const out = await runMicro({ quick: true, seed: 7, log: (l) => lines.push(l) }, SMALLEST);
  const owned = (Object.keys(RATIO_SUITE) as RatioId[]).filter((id) => RATIO_SUITE[id] === 'micro');
  assert.deepEqual(Object.keys(out.ratios).sort(), owned.sort());
  for (const id of owned) {
    const row = out.ratios[id];
    assert.ok(row !== undefined, `${id} present`);
    for (const [k, v] of [
      ['value', row.value],
      ['baseline', row.baseline],
    ] as const) {
      assert.ok(Number.isFinite(v) && v > 0, `${id}.${k} is finite and positive (${v})`);
    }
    // Every row here states its ratio as value / baseline (P1/P2: "× the raw cost", lower is better).
    assert.ok(
      Math.abs(row.ratio - row.value / row.baseline) <= 1e-9 * row.ratio,
      `${id}: ratio ${row.ratio} = value / baseline`,
    );
    assert.equal(row.spread.samples, SMALLEST.rounds, `${id}: one ratio per paired round`);
    assert.ok(
      row.spread.min <= row.ratio * (1 + 1e-9) && row.ratio <= row.spread.max * (1 + 1e-9),
      `${id}: ratio inside its spread`,
    );
    const wantMet = id === 'P1' || id === 'P2' ? row.ratio <= 5 : id === 'P3' ? row.ratio >= 100 : row.ratio >= 0.5;
    assert.equal(row.met, wantMet, `${id}: met agrees with the target ${row.target}`);
  }
  for (const m of out.metrics) {
    assert.ok(m.samples.length >= 3, `${m.name}: at least 3 samples`);
    assert.ok(
      m.samples.every((x) => Number.isFinite(x) && x > 0),
      `${m.name}: samples finite and positive`,
    );
  }
  // The rows' medians come from the same samples the metrics carry.
  const p1 = out.metrics.find((m) => m.name === 'dlm.requestRelease.nsPerOp');
  assert.equal(out.ratios.P1?.value, median(p1?.samples ?? []));
  assert.match(out.checksum, /^[0-9a-f]{8} /);
  const replay = /p5\.replay:([0-9a-f]{8})/.exec(out.checksum)?.[1];
  const copy = /p5\.copy:([0-9a-f]{8})/.exec(out.checksum)?.[1];
  assert.ok(replay !== undefined && copy !== undefined, `checksum names both P5 sides: ${out.checksum}`);
  assert.equal(replay, copy, 'replay wrote the same bytes as copyWithin of the same blocks');
  assert.notEqual(replay, '00000000');
  assert.ok(
    out.notes?.some((n) => n.startsWith('CRC-32C: fastest correct implementation is')),
    'names the CRC-32C choice',
  );
  assert.ok(lines.length > 0, 'progress went to the log');
});
