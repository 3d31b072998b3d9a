// The real executable end to end: `gfs2-stress run --mode sim --seed 7 --ops 500 --json` in a
// child process. stdout must be exactly one JSON document with the fields issue #2 requires,
// human text must stay on stderr, and the exit code must be 0. The child's historyHash must
// equal an in-process run's with the same config: determinism across processes, not just runs.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { RunResult } from '../../src/report/result.js';
import { type CliExit as Exit, runCli } from '../support/cli-child.js';
import { runConfig } from './cluster.js';

describe('gfs2-stress run --json (child process)', () => {
  let exit: Exit;
  let doc: RunResult;

  before(async () => {
    exit = await runCli(['run', '--mode', 'sim', '--seed', '7', '--ops', '500', '--json']);
    doc = JSON.parse(exit.stdout) as RunResult;
  });

  test('exits 0 within the timeout', () => {
    assert.equal(exit.signal, null, 'killed by the timeout');
    assert.equal(exit.code, 0, exit.stderr);
  });

  test('writes exactly one JSON document to stdout and the human text to stderr', () => {
    assert.equal(exit.stdout.trimStart()[0], '{');
    assert.equal(exit.stdout.trimEnd().at(-1), '}');
    assert.match(exit.stderr, /^gfs2-stress .* run: seed 7/);
    assert.match(exit.stderr, /checker: OK/);
  });

  test('the document has the schema version, seed, mode and effective config', () => {
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.kind, 'run');
    assert.equal(doc.state, 'completed');
    assert.equal(doc.seed, 7);
    assert.equal(doc.mode, 'sim');
    assert.equal(doc.config.seed, 7);
    assert.equal(doc.config.mode, 'sim');
    assert.equal(doc.config.ops, 500);
    assert.equal(doc.config.json, true);
  });

  test('the document counts exactly the ops asked for', () => {
    assert.equal(doc.totals.ops, 500);
    assert.equal(
      doc.nodes.reduce((s, n) => s + n.ops, 0),
      500,
    );
  });

  test('the document lists one clean journal per node, by jid', () => {
    assert.deepEqual(
      doc.journals.map((j) => [j.jid, j.clean]),
      doc.nodes.map((n) => [n.node, true]),
    );
    assert.equal(doc.journals.length, doc.config.nodes);
  });

  test('the document carries a historyHash and a passing checker with an empty violation list', () => {
    assert.match(doc.historyHash ?? '', /^[0-9a-f]{16}$/);
    assert.equal(doc.checker.ok, true);
    assert.deepEqual(doc.checker.violations, []);
    assert.ok(doc.checker.checked?.includes('I4'));
  });

  test('the child process and an in-process run of the same config have the same historyHash', async () => {
    const r = await runConfig({ ...doc.config, json: false });
    assert.equal(r.historyHash, doc.historyHash);
    assert.equal(r.totals.ops, doc.totals.ops);
  });
});
