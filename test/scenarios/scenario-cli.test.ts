// `gfs2-stress scenario …` as a user runs it: the real executable in a child process, checked
// for its exit code (CONVENTIONS: 0 ok, 1 an invariant was violated, 2 usage error, 70 a bug of
// the tool) and for the lines a user acts on. Each child has a timeout, so a hang fails the test
// instead of stalling the suite.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli as cli } from '../support/cli-child.js';

const NAMES = [
  's1-stale-replay',
  's2-secondary-release',
  's3-happy-path',
  's4-standalone',
  's5-node-crash',
  's6-recovery-window',
] as const;

describe('gfs2-stress scenario (child process)', () => {
  test('scenario run s1 --protocol legacy --seed 1 exits 1 and prints a command that reproduces it', async () => {
    const e = await cli(['scenario', 'run', 's1', '--protocol', 'legacy', '--seed', '1']);
    assert.equal(e.signal, null, 'killed by the timeout');
    assert.equal(e.code, 1, e.stderr);
    const line = e.stdout.split('\n').find((l) => l.startsWith('reproduce with:'));
    assert.ok(line !== undefined, e.stdout.slice(-2000));
    // The printed command names the full scenario, the protocol, the mode and the seed.
    assert.match(line, /scenario run s1-stale-replay\b/);
    assert.match(line, /--protocol legacy\b/);
    assert.match(line, /--mode sim\b/);
    assert.match(line, /--seed 1\b/);
  });

  test('scenario run s3 --seed 1 exits 0 and prints no reproduce line', async () => {
    const e = await cli(['scenario', 'run', 's3', '--seed', '1']);
    assert.equal(e.signal, null, 'killed by the timeout');
    assert.equal(e.code, 0, e.stderr);
    assert.ok(!e.stdout.includes('reproduce with:'), e.stdout.slice(-2000));
    assert.ok(e.stdout.includes('Oracle: no violation.'), e.stdout.slice(-2000));
  });

  test('scenario run nosuch exits 2 with a one-line message listing the scenarios', async () => {
    const e = await cli(['scenario', 'run', 'nosuch']);
    assert.equal(e.signal, null, 'killed by the timeout');
    assert.equal(e.code, 2, e.stderr);
    assert.ok(e.stderr.includes('nosuch'), e.stderr);
    for (const name of NAMES) assert.ok(e.stderr.includes(name), `${name} missing from:\n${e.stderr}`);
    // A usage error, not a crash: no stack trace, nothing on stdout.
    assert.ok(!/\n\s+at /.test(e.stderr), `stack trace printed:\n${e.stderr}`);
    assert.equal(e.stdout, '');
  });

  test('scenario list exits 0 and lists the six scenarios in order', async () => {
    const e = await cli(['scenario', 'list']);
    assert.equal(e.signal, null, 'killed by the timeout');
    assert.equal(e.code, 0, e.stderr);
    const listed = e.stdout
      .split('\n')
      .filter((l) => /^s\d-/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(listed, [...NAMES]);
  });
});
