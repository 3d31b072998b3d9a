// Soak progress: a heartbeat line every 10 s off a TTY (elapsed time moving even when no seed
// finished), one redrawn line on a TTY, nothing with --quiet.

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, mock, test } from 'node:test';
import { createSoakProgress } from '../../src/soak/progress.js';
import type { SoakProgress } from '../../src/soak/runner.js';

const p: SoakProgress = {
  seedsDone: 12,
  seedsTotal: 2000,
  seedsPerSec: 1.5,
  elapsedMs: 8000,
  etaMs: 1_325_000,
  violatedSeeds: 7,
  problems: 0,
  recoveryNsP99: 1_210_000,
};

function sink(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = 200;
  let text = '';
  s.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  return { s, text: () => text };
}

describe('soak progress', () => {
  test('off a TTY, one heartbeat line per 10 s with the elapsed time aged to the heartbeat', async () => {
    mock.timers.enable({ apis: ['setInterval', 'Date'] });
    try {
      const out = sink(false);
      const r = createSoakProgress(out.s, { quiet: false });
      r.update(p);
      mock.timers.tick(9_999);
      await new Promise((res) => setImmediate(res));
      assert.equal(out.text(), '');
      mock.timers.tick(1);
      await new Promise((res) => setImmediate(res));
      // 8 s at the update + 10 s since = 18 s; the ETA shrinks by the same 10 s.
      assert.equal(out.text(), '[18s ETA 21m55s]  12/2,000 seeds  1.50 seeds/s  7 violated  p99 recovery 1.21ms\n');
      r.stop();
      mock.timers.tick(20_000);
      await new Promise((res) => setImmediate(res));
      assert.equal(out.text().split('\n').length, 2, 'no heartbeat after stop');
    } finally {
      mock.timers.reset();
    }
  });

  test('on a TTY the line is redrawn in place and erased by clear; --quiet writes nothing', async () => {
    const tty = sink(true);
    const r = createSoakProgress(tty.s, { quiet: false, now: () => 0 });
    r.update(p);
    r.clear();
    await new Promise((res) => setImmediate(res));
    const erase = '\r\x1b[2K';
    const text = tty.text();
    assert.ok(text.startsWith(`${erase}[8s ETA 22m5s]  12/2,000 seeds `), JSON.stringify(text));
    assert.ok(text.endsWith(erase), 'clear erases the line');
    const quiet = sink(true);
    const q = createSoakProgress(quiet.s, { quiet: true });
    q.update(p);
    q.stop();
    await new Promise((res) => setImmediate(res));
    assert.equal(quiet.text(), '');
  });
});
