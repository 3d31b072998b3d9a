// The results README's kept header and its determinism.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GENERATED_MARKER, readmeHeader, renderReadme } from '../../src/bench/readme.js';
import { buildBenchResult } from '../../src/bench/result.js';
import { collectEnv, toolInfo } from '../../src/report/result.js';
import { fakeOutput } from './fake-suites.js';

describe('results README', () => {
  test('a README without the marker is kept whole and the marker appended', () => {
    assert.equal(readmeHeader('# Mine\n\nkeep me\n'), `# Mine\n\nkeep me\n\n${GENERATED_MARKER}\n`);
  });

  test('a new README gets the default header ending in the marker', () => {
    const h = readmeHeader(null);
    assert.ok(h.startsWith('# Benchmark results\n'));
    assert.ok(h.endsWith(`${GENERATED_MARKER}\n`));
  });

  test('regenerating from its own output and the same documents gives the same text', () => {
    const doc = buildBenchResult(fakeOutput(), {
      suite: 'micro',
      state: 'completed',
      tool: toolInfo(),
      env: collectEnv(),
      command: ['gfs2-stress', 'bench'],
      seed: 1,
      quick: false,
      startedAt: new Date('2026-01-02T03:04:05Z'),
      wallMs: 1500,
    });
    const files = [{ file: 'micro-2026-01-02.json', doc }];
    const once = renderReadme('# Notes\n', files);
    assert.equal(renderReadme(once, files), once);
    assert.equal(once.split(GENERATED_MARKER).length, 2);
    assert.match(once, /`micro-2026-01-02\.json` — completed, started 2026-01-02T03:04:05\.000Z, full, seed 1, 1\.5 s/);
  });
});
