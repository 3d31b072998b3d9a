// `gfs2-stress bench`: the real suites through the built CLI (the smoke run that keeps the
// benchmarks from rotting), and the command's exit codes and output routing in-process with
// fake suites.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SUITE_NAMES, type Suite } from '../../bench/suite.js';
import type { SuiteLoader } from '../../src/bench/runner.js';
import { type BenchFlags, executeBench } from '../../src/cli/commands/bench.js';
import { reportCliError } from '../../src/cli/errors.js';
import type { CliContext } from '../../src/cli/program.js';
import { fakeLoader, fakeOutput } from '../bench/fake-suites.js';
import { runCli } from '../support/cli-child.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gfs2-bench-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `bench` in-process with fake suites, errors mapped to exit codes as main() maps them. */
async function benchWith(part: string, flags: BenchFlags, loader: SuiteLoader) {
  const stdout = new Capture();
  const stderr = new Capture();
  const ctx: CliContext = {
    io: { stdout, stderr, env: {} },
    signals: false,
    command: ['gfs2-stress', 'bench', part],
    exitCode: 0,
  };
  let code: number;
  try {
    code = await executeBench(part, { out: dir, ...flags }, ctx, loader);
  } catch (err) {
    code = reportCliError(err, stderr);
  }
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('bench through the built CLI', () => {
  test('bench all --quick runs every suite and writes one JSON per suite (exit 0)', { timeout: 150_000 }, async () => {
    const out = join(dir, 'results');
    const r = await runCli(['bench', 'all', '--quick', '--out', out], { timeoutMs: 120_000, cwd: dir });
    assert.equal(r.signal, null, `bench all --quick was killed after 120 s\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    const files = readdirSync(out)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(
      files.map((f) => f.replace(/-\d{4}-\d\d-\d\d\.json$/, '')),
      [...SUITE_NAMES].sort(),
    );
    for (const f of files) {
      const d = JSON.parse(readFileSync(join(out, f), 'utf8')) as {
        kind: string;
        suite: string;
        quick: boolean;
        metrics: unknown[];
      };
      assert.equal(d.kind, 'bench');
      assert.ok(f.startsWith(`${d.suite}-`));
      assert.equal(d.quick, true);
      assert.ok(Array.isArray(d.metrics));
    }
    assert.ok(existsSync(join(out, 'README.md')));
    for (const s of SUITE_NAMES) assert.match(r.stdout, new RegExp(`^${s}: completed`, 'm'));
  });

  test('--json prints only the combined document on stdout', { timeout: 150_000 }, async () => {
    const r = await runCli(['bench', 'micro', '--quick', '--json', '--seed', '5', '--out', dir], {
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      kind: string;
      seed: number;
      suites: Array<{ suite: string }>;
      files: string[];
    };
    assert.equal(doc.kind, 'bench-run');
    assert.equal(doc.seed, 5);
    assert.deepEqual(
      doc.suites.map((s) => s.suite),
      ['micro'],
    );
    assert.equal(doc.files.length, 1);
    assert.match(r.stderr, /bench: micro \(quick, seed 5\)/);
    assert.match(r.stderr, /^micro: completed/m);
  });

  for (const [args, says] of [
    [
      ['bench', 'nano'],
      /value 'nano' is invalid for argument 'part'. Allowed choices are micro, recovery, contention, scaling, all/,
    ],
    [['bench', 'micro', '--seed', 'abc'], /--seed: expected an integer from 0 to 4294967295, received "abc"/],
    [['bench', 'micro', '--seed', '-1'], /--seed: expected an integer/],
  ] as const) {
    test(`${args.join(' ')} is a usage error (exit 2)`, async () => {
      const r = await runCli([...args, '--out', dir]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, says);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  test('--out naming a file is a usage error (exit 2)', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const r = await runCli(['bench', 'micro', '--quick', '--out', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out: expected a directory, received ".*file", which is a file/);
  });
});

describe('bench exit codes with fake suites', () => {
  test('a missed target is reported but exits 0 without --check', async () => {
    const r = await benchWith(
      'micro',
      { quick: true },
      fakeLoader(async () => fakeOutput()),
    );
    assert.equal(r.code, 0);
    assert.match(r.stderr, /targets missed: P2 \(micro\)/);
    assert.match(r.stdout, /^\s+P2\s+replay\s+20 blocks\/s\s+100 blocks\/s \(memcpy\)\s+0\.20×\s+≥ 0\.5×\s+NO/m);
  });

  test('--check exits 3 when a P-row misses its target', async () => {
    const r = await benchWith(
      'micro',
      { quick: true, check: true },
      fakeLoader(async () => fakeOutput()),
    );
    assert.equal(r.code, 3);
  });

  test('--check exits 0 when every P-row is met', async () => {
    const { P1 } = fakeOutput().ratios;
    const allMet: Suite = async () => ({ ...fakeOutput(), ratios: { P1: P1 as NonNullable<typeof P1> } });
    const r = await benchWith('micro', { quick: true, check: true }, fakeLoader(allMet));
    assert.equal(r.code, 0, r.stderr);
  });

  test('a malformed suite output is an internal error (exit 70), and nothing is written for it', async () => {
    const bad: Suite = async () => ({
      ...fakeOutput(),
      metrics: [{ name: 'x.ns', unit: 'ns', better: 'lower', samples: [Number.NaN] }],
    });
    const r = await benchWith('micro', { quick: true }, fakeLoader(bad));
    assert.equal(r.code, 70);
    assert.match(
      r.stderr,
      /suite micro returned a malformed result: metric x\.ns: expected finite samples, received NaN at index 0/,
    );
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.json')),
      [],
    );
  });

  test('with --json the tables go to stderr and stdout holds only JSON', async () => {
    const r = await benchWith(
      'micro',
      { quick: true, json: true },
      fakeLoader(async () => fakeOutput()),
    );
    assert.equal(r.code, 0);
    assert.equal((JSON.parse(r.stdout) as { kind: string }).kind, 'bench-run');
    assert.match(r.stderr, /^\s+P1\s+CRC-32C 4 KiB/m);
  });
});
