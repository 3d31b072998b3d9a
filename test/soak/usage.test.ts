// Bad soak and merge command lines exit 2 with an "expected … received …" message and no stack.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli-child.js';

const stackFrame = /^\s+at .+:\d+:\d+\)?$/m;

const cases: Array<{ args: string[]; says: RegExp }> = [
  {
    args: ['soak', '--seeds', '10', '--shard', '3/2'],
    says: /--shard: expected i\/n with 0 ≤ i < n .*received "3\/2"/,
  },
  {
    args: ['soak', '--seeds', '10', '--recheck', '150%'],
    says: /--recheck: expected a percentage from 0% to 100%.*received "150%"/,
  },
  { args: ['soak'], says: /expected a bound, --seeds N or --duration T.*received neither/ },
  { args: ['soak', '--seeds', '0'], says: /--seeds: expected an integer from 1 to \d+, received "0"/ },
  { args: ['soak', '--seeds', '5', '--run-duration', 'soon'], says: /--run-duration: expected/ },
  { args: ['soak', '--seeds', '5', '--faults', 'jerr:node=9'], says: /--faults: .*expected/ },
];

describe('soak and merge usage errors', () => {
  for (const c of cases) {
    test(`gfs2-stress ${c.args.join(' ')} exits 2 and says what was expected`, async () => {
      const r = await runCli(c.args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, c.says);
      assert.doesNotMatch(r.stderr, stackFrame);
    });
  }

  test('merge of a file that is not a soak result exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'soak-merge-'));
    try {
      const f = join(dir, 'run.json');
      await writeFile(f, JSON.stringify({ kind: 'run', schemaVersion: 1 }));
      const r = await runCli(['merge', f]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /expected a soak result document \(kind "soak"\), received kind "run"/);
      const missing = await runCli(['merge', join(dir, 'nope.json')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /expected a readable soak result file, received ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
