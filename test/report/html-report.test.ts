// `gfs2-stress report`: from a real sim run (with a fault, so that there is a withdraw to draw)
// it writes one self-contained report.html whose four plots are inline SVG; headless Chromium
// (Debian `chromium`, skipped when absent) renders it without console messages and the page's
// own script confirms every plot is there. Bad inputs are usage errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultProtocol } from '../../src/config/config.js';
import { runCluster } from '../../src/orchestrator/run.js';
import { toJson } from '../../src/report/json.js';
import type { GlockProfile, RunResult } from '../../src/report/result.js';
import { simConfig } from '../e2e/cluster.js';
import { runCli } from '../support/cli-child.js';
import { sampleGlock } from './sample-result.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const skipChromium =
  CHROMIUM === undefined ? 'Debian chromium is not installed (.ci/run installs it with apt-get when it can)' : false;

/** Headless Chromium on a file: the DOM after scripts ran, and the console lines it logged. */
function chromium(
  file: string,
  extra: readonly string[] = [],
): { dom: string; console: string[]; status: number | null } {
  const profile = mkdtempSync(join(tmpdir(), 'gfs2-chromium-'));
  const r = spawnSync(
    CHROMIUM as string,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Any network fetch would fail: the page must need none.
      '--host-resolver-rules=MAP * ~NOTFOUND',
      `--user-data-dir=${profile}`,
      '--enable-logging=stderr',
      '--v=0',
      ...extra,
      `file://${file}`,
    ],
    { encoding: 'utf8', timeout: 90_000 },
  );
  // Chromium logs every console message of the page as `INFO:CONSOLE…] "text", source: …`.
  const console = r.stderr.split('\n').filter((l) => l.includes(':CONSOLE'));
  return { dom: r.stdout, console, status: r.status };
}

function glock(name: string, waitNsTotal: number, contended: number): GlockProfile {
  const [type, number] = name.slice(2).split('/').map(Number) as [number, number];
  return sampleGlock(type, number, { contended, waitNsTotal, waitNsMax: waitNsTotal / 2, grantsByNode: [1, 1, 1] });
}

let cached: RunResult | null = null;
/** A 3-node sim run where node 1 hits a journal I/O error at 5 ms and withdraws. */
async function faultedRun(): Promise<RunResult> {
  cached ??= await runCluster(simConfig({ seed: 5, ops: 1500 }), {
    protocol: defaultProtocol,
    faults: 'jerr:node=1,at=5ms',
  });
  return cached;
}

test('a run result carries its throughput series with the fault and the withdraw it caused', async () => {
  const r = await faultedRun();
  const s = r.series;
  assert.ok(s !== undefined);
  // Every finished operation is in exactly one bucket.
  assert.equal(
    s.ops.reduce((a, b) => a + b, 0),
    r.totals.ops,
  );
  assert.deepEqual(
    s.faults.map((f) => [f.node, f.kind]),
    [[1, 'jerr']],
  );
  const w = s.withdraws[0];
  assert.equal(w?.node, 1);
  assert.ok((w?.timeNs ?? -1) >= (s.faults[0]?.timeNs ?? 0), 'the withdraw follows its fault');
});

test('report writes a self-contained report.html that Chromium renders with all four plots and no console message', {
  skip: skipChromium,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs2-report-'));
  const r = await faultedRun();
  assert.ok((r.withdraws?.length ?? 0) > 0, 'the fault must cause a withdraw');
  // The profile collector is another command's; a hand-made profile stands in for it here.
  const withGlocks = { ...r, glocks: [glock('n:2/1001', 9e6, 12), glock('n:5/20', 2e6, 3), glock('n:3/7', 0, 0)] };
  writeFileSync(join(dir, 'result.json'), toJson(withGlocks));
  const out = join(dir, 'out');
  const cli = await runCli(['report', join(dir, 'result.json'), '--out', out]);
  assert.equal(cli.code, 0, cli.stderr);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  // Self-contained: no external script, stylesheet, image or font (SVG namespaces are names, not fetches).
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|<img|url\(|@import/i);
  assert.deepEqual(html.match(/https?:\/\/[^"'\s)]+/g)?.filter((u) => !u.startsWith('http://www.w3.org/')) ?? [], []);
  const page = chromium(join(out, 'report.html'), ['--dump-dom']);
  assert.equal(page.status, 0);
  assert.deepEqual(page.console, [], 'the page logged to the console');
  assert.match(page.dom, /<html[^>]*data-plots-rendered="4"/);
  assert.match(page.dom, /<title>gfs2-stress report \(4 plots\)<\/title>/);
  for (const id of ['recovery-percentiles', 'secondary-wait', 'throughput', 'glocks']) {
    assert.match(page.dom, new RegExp(`<figure data-plot="${id}"><h2>[^<]*</h2><svg`), `plot ${id} missing`);
  }
  // The glock with no contention is not drawn; the two others are, by name.
  assert.match(page.dom, /n:2\/1001/);
  assert.doesNotMatch(page.dom, /n:3\/7/);
  const png = join(dir, 'shot.png');
  chromium(join(out, 'report.html'), ['--hide-scrollbars', '--window-size=900,2000', `--screenshot=${png}`]);
  assert.ok(statSync(png).size > 10_000, 'the screenshot is an image of a page, not a blank');
});

test('the console check sees a page that logs an error (canary)', { skip: skipChromium }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs2-canary-'));
  const file = join(dir, 'bad.html');
  writeFileSync(file, '<!doctype html><html><body><script>console.error("canary"); missing();</script></body></html>');
  const page = chromium(file, ['--dump-dom']);
  assert.equal(page.console.length, 2, page.console.join('\n'));
  assert.match(page.console.join('\n'), /canary[\s\S]*ReferenceError/);
});

test('without a glock profile the report says how to get one; a directory skips documents that are not runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs2-report-dir-'));
  writeFileSync(join(dir, 'a.json'), toJson(await faultedRun()));
  writeFileSync(join(dir, 'trace.json'), JSON.stringify({ traceEvents: [] }));
  const cli = await runCli(['report', dir, '--out', dir]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stderr, /1 run\(s\), 3 plots, 1 without data, 1 file\(s\) skipped/);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /no glock profile in this result; run `gfs2-stress profile`/);
  assert.match(html, /Skipped: trace\.json/);
});

test('report refuses a missing path and a document of another kind with exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs2-report-bad-'));
  const missing = await runCli(['report', join(dir, 'nope.json')]);
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /expected a result JSON file or a directory of them, received .*nope\.json.* \(not found\)/,
  );
  writeFileSync(join(dir, 'soak.json'), JSON.stringify({ schemaVersion: 1, kind: 'soak', runs: [] }));
  const soak = await runCli(['report', join(dir, 'soak.json'), '--out', dir]);
  assert.equal(soak.code, 2);
  assert.match(soak.stderr, /expected a run result \(kind "run"\), received a document of kind "soak"/);
  assert.doesNotMatch(soak.stderr, /at .*\.js:\d+/, 'no stack trace for a user mistake');
});
