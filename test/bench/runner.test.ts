// The bench runner with injected fake suites: what it writes (one schema-conforming JSON per
// suite, the README), what it refuses (malformed suite output), and how it stops on an abort.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Suite } from '../../bench/suite.js';
import { type BenchResult, SuiteOutputError } from '../../src/bench/result.js';
import { missedTargets, runBench } from '../../src/bench/runner.js';
import { emptySuite, fakeLoader, fakeOutput } from './fake-suites.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gfs2-bench-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = { quick: true, seed: 7, command: ['gfs2-stress', 'bench', 'micro'], log: () => {} };

function readDoc(path: string): BenchResult {
  return JSON.parse(readFileSync(path, 'utf8')) as BenchResult;
}

describe('bench runner', () => {
  test('writes <suite>-<date>.json with the schema fields, summaries and P-rows', async () => {
    const loader = fakeLoader(async () => fakeOutput());
    const { document } = await runBench({ ...base, parts: ['micro'], outDir: dir, loadSuite: loader });
    const file = `micro-${new Date().toISOString().slice(0, 10)}.json`;
    assert.deepEqual(document.files, [join(dir, file)]);
    const d = readDoc(join(dir, file));
    assert.equal(d.schemaVersion, 1);
    assert.equal(d.kind, 'bench');
    assert.equal(d.state, 'completed');
    assert.equal(d.suite, 'micro');
    assert.equal(d.seed, 7);
    assert.equal(d.quick, true);
    assert.deepEqual(d.command, ['gfs2-stress', 'bench', 'micro']);
    assert.equal(d.tool.name, 'gfs2-stress');
    assert.equal(typeof d.env.node, 'string');
    assert.ok(d.env.cpus >= 1);
    assert.ok(!Number.isNaN(Date.parse(d.startedAt)));
    assert.ok(d.wallMs >= 0);
    assert.deepEqual(d.config, { blocks: 64 });
    assert.equal(d.checksum, 'c0ffee');
    assert.deepEqual(d.notes, ['slicing-by-8 won']);
    // Samples [5, 1, 3]: median 3, min 1, max 5; [2000, 1000, 4000, 3000]: median 2500.
    const [crc, replay] = d.metrics;
    assert.deepEqual(
      { median: crc?.median, min: crc?.min, max: crc?.max, params: crc?.params, histogram: crc?.histogram },
      { median: 3, min: 1, max: 5, params: {}, histogram: null },
    );
    assert.deepEqual({ median: replay?.median, params: replay?.params }, { median: 2500, params: { nodes: 4 } });
    // P1: lower is better, medians 100 vs 400 → 4×; P2: 20 vs 100 → 0.2×, target ≥ 0.5× missed.
    assert.equal(d.ratios.P1?.ratio, 4);
    assert.equal(d.ratios.P1?.met, true);
    assert.equal(d.ratios.P2?.ratio, 0.2);
    assert.equal(d.ratios.P2?.met, false);
    assert.deepEqual(missedTargets([d]), ['P2 (micro)']);
  });

  test('runs the parts in order and writes one file per suite', async () => {
    const loader = fakeLoader(emptySuite);
    await runBench({ ...base, parts: ['micro', 'recovery', 'contention', 'scaling'], outDir: dir, loadSuite: loader });
    assert.deepEqual(loader.calls, ['micro', 'recovery', 'contention', 'scaling']);
    const jsons = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.deepEqual(jsons.map((f) => f.replace(/-\d{4}-\d\d-\d\d\.json$/, '')).sort(), [
      'contention',
      'micro',
      'recovery',
      'scaling',
    ]);
  });

  test('a second run on the same day replaces the file', async () => {
    await runBench({ ...base, parts: ['micro'], outDir: dir, loadSuite: fakeLoader(emptySuite) });
    await runBench({ ...base, seed: 9, parts: ['micro'], outDir: dir, loadSuite: fakeLoader(emptySuite) });
    const jsons = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.equal(jsons.length, 1);
    assert.equal(readDoc(join(dir, jsons[0] as string)).seed, 9);
  });

  test('the context carries quick, seed and a log prefixed with the suite', async () => {
    const lines: string[] = [];
    let seen: { quick: boolean; seed: number } | null = null;
    const suite: Suite = async (ctx) => {
      seen = { quick: ctx.quick, seed: ctx.seed };
      ctx.log('warming up');
      return fakeOutput();
    };
    await runBench({
      ...base,
      log: (l) => lines.push(l),
      parts: ['recovery'],
      outDir: dir,
      loadSuite: fakeLoader(suite),
    });
    assert.deepEqual(seen, { quick: true, seed: 7 });
    assert.ok(lines.includes('recovery: warming up'), lines.join('\n'));
  });

  for (const [why, out] of [
    [
      'a NaN sample',
      { ...fakeOutput(), metrics: [{ name: 'x.ns', unit: 'ns', better: 'lower', samples: [1, Number.NaN] }] },
    ],
    ['no samples', { ...fakeOutput(), metrics: [{ name: 'x.ns', unit: 'ns', better: 'lower', samples: [] }] }],
    [
      'an infinite ratio',
      { ...fakeOutput(), ratios: { P1: { ...fakeOutput().ratios.P1, ratio: Number.POSITIVE_INFINITY } } },
    ],
    ['an unknown P-row', { ...fakeOutput(), ratios: { P10: fakeOutput().ratios.P1 } }],
  ] as const) {
    test(`a suite output with ${why} is refused and not written`, async () => {
      const bad: Suite = async () => out as never;
      await assert.rejects(
        runBench({
          ...base,
          parts: ['micro', 'recovery'],
          outDir: dir,
          loadSuite: fakeLoader(emptySuite, { micro: bad }),
        }),
        SuiteOutputError,
      );
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.json')),
        [],
      );
    });
  }

  test('an abort during a suite keeps its partial figures, drops empty metrics and skips the rest', async () => {
    const controller = new AbortController();
    const interrupted: Suite = async (ctx) => {
      controller.abort(new Error('test'));
      assert.equal(ctx.signal?.aborted, true);
      return {
        ...fakeOutput(),
        metrics: [...fakeOutput().metrics, { name: 'late.ns', unit: 'ns', better: 'lower', samples: [] }],
      };
    };
    const loader = fakeLoader(emptySuite, { recovery: interrupted });
    const { document } = await runBench({
      ...base,
      parts: ['micro', 'recovery', 'contention'],
      outDir: dir,
      signal: controller.signal,
      loadSuite: loader,
    });
    assert.equal(document.state, 'interrupted');
    assert.deepEqual(loader.calls, ['micro', 'recovery']);
    assert.deepEqual(
      document.suites.map((s) => [s.suite, s.state]),
      [
        ['micro', 'completed'],
        ['recovery', 'interrupted'],
      ],
    );
    const rec = document.suites[1] as BenchResult;
    assert.deepEqual(
      rec.metrics.map((m) => m.name),
      ['crc.nsPerBlock', 'replay.blocksPerSec'],
    );
    assert.ok(
      rec.notes.some((n) => n.includes('late.ns')),
      rec.notes.join('\n'),
    );
    assert.ok(existsSync(join(dir, 'README.md')));
  });

  test('a suite that throws after an abort is an interrupt, not a crash', async () => {
    const controller = new AbortController();
    const throwing: Suite = async () => {
      controller.abort(new Error('test'));
      throw new Error('aborted');
    };
    const { document } = await runBench({
      ...base,
      parts: ['micro'],
      outDir: dir,
      signal: controller.signal,
      loadSuite: fakeLoader(throwing),
    });
    assert.equal(document.state, 'interrupted');
    assert.deepEqual(document.suites, []);
  });

  test('a suite that throws without an abort propagates (exit 70 in the CLI)', async () => {
    const throwing: Suite = async () => {
      throw new Error('boom');
    };
    await assert.rejects(runBench({ ...base, parts: ['micro'], outDir: dir, loadSuite: fakeLoader(throwing) }), /boom/);
  });

  test('the README gets a P-row table and a metric table, and keeps the text above the marker', async () => {
    writeFileSync(
      join(dir, 'README.md'),
      '# Our numbers\n\nMeasured on the lab box.\n\n<!-- generated -->\nstale generated text\n',
    );
    await runBench({ ...base, parts: ['micro'], outDir: dir, loadSuite: fakeLoader(async () => fakeOutput()) });
    const md = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.ok(md.startsWith('# Our numbers\n\nMeasured on the lab box.\n\n<!-- generated -->\n'), md);
    assert.ok(!md.includes('stale generated text'));
    assert.match(md, /^## micro$/m);
    assert.match(md, /^\| P \| figure \| value \| baseline \| ratio \| target \| met \| spread \|$/m);
    assert.match(
      md,
      /^\| P1 \| CRC-32C 4 KiB \| 100ns \| 400ns \(byte-wise CRC\) \| 4\.00× \| ≥ 2× \| yes \| 4\.00×–4\.00× \(n=3\) \|$/m,
    );
    assert.match(
      md,
      /^\| P2 \| replay \| 20 blocks\/s \| 100 blocks\/s \(memcpy\) \| 0\.20× \| ≥ 0\.5× \| NO \| 0\.10×–0\.30× \(n=3\) \|$/m,
    );
    assert.match(md, /^\| crc\.nsPerBlock \| 3ns \| 1ns – 5ns \| ns \| 3 \|$/m);
    assert.match(
      md,
      /^\| replay\.blocksPerSec \{nodes=4\} \| 2,500 blocks\/s \| 1,000 blocks\/s – 4,000 blocks\/s \| blocks\/s \| 4 \|$/m,
    );
    assert.match(md, /Command: `gfs2-stress bench micro`/);
    assert.match(md, /Machine: .*CPUs.*Node v\d+/);
  });

  test('the README is built from every bench result present and ignores everything else', async () => {
    await runBench({ ...base, parts: ['micro'], outDir: dir, loadSuite: fakeLoader(async () => fakeOutput()) });
    const today = readdirSync(dir).find((f) => f.startsWith('micro-')) as string;
    // An older micro result (history), and files the README must ignore.
    const old = { ...readDoc(join(dir, today)), startedAt: '2020-01-02T03:04:05.000Z' };
    writeFileSync(join(dir, 'micro-2020-01-02.json'), JSON.stringify(old));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ schemaVersion: 1, kind: 'run', suite: 'scaling' }));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    mkdirSync(join(dir, 'scaling-2020-01-01.json'));
    writeFileSync(join(dir, 'notes.txt'), 'scaling');
    await runBench({ ...base, parts: ['recovery'], outDir: dir, loadSuite: fakeLoader(emptySuite) });
    const md = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.match(md, /^## micro$/m);
    assert.match(md, /^## recovery$/m);
    assert.doesNotMatch(md, /^## scaling$/m);
    assert.match(md, /^### Earlier micro results$/m);
    assert.match(
      md,
      /^\| `micro-2020-01-02\.json` \| 2020-01-02T03:04:05\.000Z \| quick \| 4\.00× met \| 0\.20× MISSED \|$/m,
    );
    // The latest micro result is today's, listed in full above the history.
    assert.ok(md.indexOf(`\`${today}\``) < md.indexOf('### Earlier micro results'));
  });
});
