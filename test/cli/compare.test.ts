// `gfs2-stress compare`: the significance mark on known samples, P-row deltas, run documents,
// and every bad-input path (exit 2, a message with what was expected and what was received).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Metric, SuiteName, SuiteOutput } from '../../bench/suite.js';
import type { Comparison } from '../../src/bench/compare.js';
import { buildBenchResult } from '../../src/bench/result.js';
import { collectEnv, toolInfo } from '../../src/report/result.js';
import { fakeOutput } from '../bench/fake-suites.js';
import { sampleResult } from '../report/sample-result.js';
import { runCli } from '../support/cli-child.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gfs2-compare-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function benchFile(
  name: string,
  metrics: Metric[],
  suite: SuiteName = 'micro',
  ratios: SuiteOutput['ratios'] = {},
): string {
  const doc = buildBenchResult(
    { metrics, ratios, checksum: '1' },
    {
      suite,
      state: 'completed',
      tool: toolInfo(),
      env: collectEnv(),
      command: ['gfs2-stress', 'bench'],
      seed: 1,
      quick: false,
      startedAt: new Date(),
      wallMs: 1,
    },
  );
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

const lat = (samples: number[]): Metric => ({ name: 'crc.nsPerBlock', unit: 'ns', better: 'lower', samples });
const tput = (samples: number[]): Metric => ({
  name: 'replay.blocksPerSec',
  unit: 'blocks/s',
  better: 'higher',
  samples,
  params: { nodes: 4 },
});

async function compareJson(a: string, b: string, ...extra: string[]): Promise<Comparison> {
  const r = await runCli(['compare', a, b, '--json', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Comparison;
}

describe('compare', () => {
  test('identical distributions are marked ~ (p = 1)', async () => {
    const a = benchFile('same-a.json', [lat([10, 11, 12, 13, 14])]);
    const b = benchFile('same-b.json', [lat([14, 13, 12, 11, 10])]);
    const r = await runCli(['compare', a, b]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+micro: crc\.nsPerBlock\s+12ns\s+12ns\s+~ \(p=1\.000 n=5\+5\)$/m);
  });

  test('clearly shifted samples are a significant change, marked worse or better by `better`', async () => {
    // Latency 10…14 → 20…24 ns (lower is better): median 12 → 22, +83.3%, exact p = 2/252 = 0.008.
    // Throughput 1000…1004 → 2000…2004 (higher is better): median 1002 → 2002, +99.8%.
    const a = benchFile('shift-a.json', [lat([10, 11, 12, 13, 14]), tput([1000, 1001, 1002, 1003, 1004])]);
    const b = benchFile('shift-b.json', [lat([20, 21, 22, 23, 24]), tput([2000, 2001, 2002, 2003, 2004])]);
    const r = await runCli(['compare', a, b]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+micro: crc\.nsPerBlock\s+12ns\s+22ns\s+\+83\.3% worse \(p=0\.008 n=5\+5\)$/m);
    assert.match(
      r.stdout,
      /^\s+micro: replay\.blocksPerSec \{nodes=4\}\s+1,002 blocks\/s\s+2,002 blocks\/s\s+\+99\.8% better \(p=0\.008 n=5\+5\)$/m,
    );
    const c = await compareJson(a, b);
    assert.deepEqual(
      c.metrics.map((m) => [m.name, m.verdict]),
      [
        ['crc.nsPerBlock', 'worse'],
        ['replay.blocksPerSec', 'better'],
      ],
    );
  });

  test('a shift that is significant at 0.05 is ~ at a stricter --alpha', async () => {
    const a = benchFile('alpha-a.json', [lat([10, 11, 12, 13, 14])]);
    const b = benchFile('alpha-b.json', [lat([20, 21, 22, 23, 24])]);
    const c = await compareJson(a, b, '--alpha', '0.005');
    assert.equal(c.metrics[0]?.verdict, 'same');
    assert.equal(c.alpha, 0.005);
  });

  test('metrics are matched by name and params; the rest is listed as only in A or B', async () => {
    const a = benchFile('only-a.json', [lat([1, 2, 3]), { ...tput([1, 2, 3]), params: { nodes: 2 } }]);
    const b = benchFile('only-b.json', [lat([1, 2, 3]), tput([1, 2, 3])]);
    const c = await compareJson(a, b);
    assert.deepEqual(
      c.metrics.map((m) => m.name),
      ['crc.nsPerBlock'],
    );
    assert.deepEqual(c.onlyInA, ['micro: replay.blocksPerSec {nodes=2}']);
    assert.deepEqual(c.onlyInB, ['micro: replay.blocksPerSec {nodes=4}']);
  });

  test('P-rows show both ratios, the change and met → met', async () => {
    const out = fakeOutput();
    const a = benchFile('p-a.json', [lat([1, 2, 3])], 'micro', out.ratios);
    const p2 = out.ratios.P2 as NonNullable<typeof out.ratios.P2>;
    const b = benchFile('p-b.json', [lat([1, 2, 3])], 'micro', { ...out.ratios, P2: { ...p2, ratio: 0.6, met: true } });
    const r = await runCli(['compare', a, b]);
    assert.match(r.stdout, /^\s+micro: P2\s+replay\s+0\.20×\s+0\.60×\s+\+200\.0%\s+≥ 0\.5×\s+MISSED → met$/m);
    assert.match(r.stdout, /^\s+micro: P1\s+CRC-32C 4 KiB\s+4\.00×\s+4\.00×\s+\+0\.0%\s+≥ 2×\s+met → met$/m);
    assert.match(r.stdout, /too few samples for any change to reach p < 0\.05/);
  });

  test('two run results compare throughput and latency percentiles, untested', async () => {
    const a = join(dir, 'run-a.json');
    const b = join(dir, 'run-b.json');
    writeFileSync(a, JSON.stringify(sampleResult({ totals: { ops: 1000, opsPerSec: 100 } })));
    writeFileSync(b, JSON.stringify(sampleResult({ totals: { ops: 1000, opsPerSec: 150 } })));
    const r = await runCli(['compare', a, b]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+totals\.opsPerSec\s+100 ops\/s\s+150 ops\/s\s+\+50\.0% \(n=1\+1, untested\)$/m);
    assert.match(r.stdout, /^\s+latency\.\S+\.p99\s/m);
  });
});

describe('compare refuses what it cannot compare (exit 2)', () => {
  const cases: Array<{ why: string; files: () => [string, string]; says: RegExp; args?: string[] }> = [
    {
      why: 'a missing file',
      files: () => [join(dir, 'nope.json'), benchFile('e1.json', [lat([1])])],
      says: /nope\.json: expected a readable result file, received no such file/,
    },
    {
      why: 'text that is not JSON',
      files: () => {
        writeFileSync(join(dir, 'text.json'), 'hello');
        return [join(dir, 'text.json'), benchFile('e2.json', [lat([1])])];
      },
      says: /text\.json: expected a gfs2-stress JSON result, received text that is not JSON/,
    },
    {
      why: 'another schema version',
      files: () => {
        writeFileSync(join(dir, 'v9.json'), JSON.stringify({ schemaVersion: 9, kind: 'bench' }));
        return [join(dir, 'v9.json'), benchFile('e3.json', [lat([1])])];
      },
      says: /v9\.json: expected schemaVersion 1, received 9/,
    },
    {
      why: 'an unknown kind',
      files: () => {
        writeFileSync(join(dir, 'soak.json'), JSON.stringify({ schemaVersion: 1, kind: 'soak' }));
        return [benchFile('e4.json', [lat([1])]), join(dir, 'soak.json')];
      },
      says: /soak\.json: expected kind 'bench' .* received "soak"/,
    },
    {
      why: 'different suites',
      files: () => [benchFile('m.json', [lat([1])], 'micro'), benchFile('s.json', [lat([1])], 'scaling')],
      says: /expected results of the same suite, received suite micro \(.*m\.json\) and suite scaling \(.*s\.json\)/,
    },
    {
      why: 'a bench result and a run result',
      files: () => {
        writeFileSync(join(dir, 'run.json'), JSON.stringify(sampleResult()));
        return [benchFile('e5.json', [lat([1])]), join(dir, 'run.json')];
      },
      says: /expected two documents of the same kind, received suite micro .* and a run result/,
    },
    {
      why: 'an alpha outside (0, 1)',
      files: () => [benchFile('e6.json', [lat([1])]), benchFile('e7.json', [lat([1])])],
      args: ['--alpha', '2'],
      says: /--alpha: expected a number between 0 and 1 \(exclusive\), received "2"/,
    },
  ];
  for (const c of cases) {
    test(c.why, async () => {
      const [a, b] = c.files();
      const r = await runCli(['compare', a, b, ...(c.args ?? [])]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, c.says);
      assert.doesNotMatch(r.stderr, /^\s+at /m);
      assert.equal(r.stdout, '');
    });
  }
});
