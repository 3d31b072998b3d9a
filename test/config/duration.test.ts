import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDuration, parseDuration } from '../../src/config/duration.js';
import { UsageError } from '../../src/config/errors.js';

describe('parseDuration', () => {
  const valid: Array<[string, number]> = [
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h30m15s', 5_415_000],
    ['2m500ms', 120_500],
    ['1.5s', 1500],
    ['0.25h', 900_000],
    ['0', 0],
    [' 10s ', 10_000],
  ];
  for (const [text, ms] of valid) {
    test(`reads ${JSON.stringify(text)} as ${ms} ms`, () => {
      assert.equal(parseDuration(text), ms);
    });
  }

  const invalid = ['', '10', '1.5', 's', '10x', '5 m', '30s1h', '1m1m', '-5s', 'ten seconds', '1h30', 'ms'];
  for (const text of invalid) {
    test(`rejects ${JSON.stringify(text)} with a UsageError naming what it received`, () => {
      assert.throws(
        () => parseDuration(text, '--duration'),
        (err: unknown) =>
          err instanceof UsageError &&
          err.message.startsWith('--duration: expected a duration') &&
          (text === '' ? err.message.includes('empty') : err.message.includes(JSON.stringify(text))),
      );
    });
  }

  test('formatDuration writes what parseDuration reads', () => {
    for (const ms of [1, 500, 1000, 30_000, 61_000, 5_400_000, 5_415_250, 86_400_000]) {
      assert.equal(parseDuration(formatDuration(ms)), ms, formatDuration(ms));
    }
    assert.equal(formatDuration(5_400_000), '1h30m');
  });
});
