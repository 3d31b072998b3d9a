import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/config/errors.js';
import { parseRunResult, toJson } from '../../src/report/json.js';
import { formatSummary, reproduceCommand } from '../../src/report/summary.js';
import { sampleConfig, sampleResult } from './sample-result.js';

describe('the human summary', () => {
  test('states an OK verdict when the checker passed', () => {
    const s = formatSummary(sampleResult());
    assert.match(s, /checker: OK, no violations \(checked I4, journal-clean\)/);
    assert.doesNotMatch(s, /reproduce with/);
  });

  test('states the violation, its block and a reproduce command when the checker failed', () => {
    const s = formatSummary(
      sampleResult({
        seed: 77,
        protocol: 'legacy',
        checker: {
          ok: false,
          violations: [
            { invariant: 'I2', block: 4242, nodes: [0, 2], detail: 'node 2 read v4; v5 sits unreplayed in jid 0' },
          ],
        },
      }),
    );
    assert.match(s, /checker: VIOLATED, 1 violation/);
    assert.match(s, /I2 \(block 4242, nodes 0,2\): node 2 read v4/);
    // The sample is a threads run: its command repeats the conditions, and says it cannot
    // repeat the interleaving.
    assert.match(s, /not exactly repeatable\): gfs2-stress run --mode threads --seed 77 --protocol legacy/);
  });

  test('a sim run that failed prints the command that reproduces it exactly', () => {
    const base = sampleResult();
    const s = formatSummary(
      sampleResult({
        seed: 78,
        config: { ...base.config, mode: 'sim', seed: 78 },
        checker: { ok: false, violations: [{ invariant: 'I1', block: 1, detail: 'stale' }] },
      }),
    );
    assert.match(s, /reproduce with: gfs2-stress run --mode sim --seed 78/);
  });

  test('shows per-node ops/s, glock, log and replay counters and journal states', () => {
    const s = formatSummary(
      sampleResult({
        journals: [
          { jid: 0, clean: true, head: 1, sequence: 2 },
          { jid: 1, clean: false, head: 7, sequence: 9 },
        ],
      }),
    );
    for (const col of [
      'ops/s',
      'requests',
      'grants',
      'callbacks',
      'demotes',
      'flushes',
      'logged',
      'in-place',
      'replayed',
    ]) {
      assert.ok(s.includes(col), `column ${col}`);
    }
    assert.match(s, /journals: 1 clean, 1 dirty/);
    assert.match(s, /total/);
    assert.match(s, /Journal recovery complete for jid 1\./);
  });

  test('uses no escape codes with the plain style', () => {
    const s = formatSummary(sampleResult({ checker: { ok: false, violations: [{ invariant: 'I1', detail: 'x' }] } }));
    assert.equal(s.includes(String.fromCharCode(27)), false);
  });

  test('the reproduce command repeats every option that differs from the defaults', () => {
    const cmd = reproduceCommand({
      seed: 5,
      protocol: 'force-withdraw',
      faults: 'random',
      config: sampleConfig({ mode: 'sim', nodes: 2, durationMs: 90_000, hotSkew: 0.5 }),
    });
    assert.equal(cmd, 'gfs2-stress run --mode sim --seed 5 --faults random --nodes 2 --duration 1m30s --hot-skew 0.5');
  });
});

describe('the JSON document', () => {
  test('round-trips through toJson and parseRunResult', () => {
    const r = sampleResult();
    assert.deepEqual(parseRunResult(toJson(r)), JSON.parse(JSON.stringify(r)));
    assert.ok(toJson(r).endsWith('}\n'));
  });

  test('writes BigInts as numbers and non-finite numbers as null', () => {
    assert.equal(toJson({ a: 5n, b: Number.NaN }), '{\n  "a": 5,\n  "b": null\n}\n');
  });

  test('refuses a document of another schema version', () => {
    const text = toJson({ ...sampleResult(), schemaVersion: 2 });
    assert.throws(
      () => parseRunResult(text, 'old.json'),
      (e: unknown) => e instanceof UsageError && /old\.json: expected schemaVersion 1, received 2/.test(e.message),
    );
  });
});
