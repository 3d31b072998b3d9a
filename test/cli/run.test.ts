// The run command's flow, in-process with a stand-in for the orchestrator: where each kind of
// text goes, which exit code each outcome gets, and what reaches runCluster.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import type { RunClusterFn, RunClusterOptions } from '../../src/cli/commands/run.js';
import { colorEnabled, createProgressReporter, type Io, type OutStream } from '../../src/cli/output.js';
import { main } from '../../src/cli/program.js';
import type { Config } from '../../src/config/types.js';
import type { Progress, RunResult } from '../../src/report/result.js';
import { sampleResult } from '../report/sample-result.js';

class Capture extends Writable {
  text = '';
  readonly isTTY: boolean;
  readonly columns = 100;
  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function io(env: Record<string, string> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  return { io: { stdout, stderr, env } satisfies Io, stdout, stderr };
}

async function runWith(args: string[], runCluster: RunClusterFn, env: Record<string, string> = {}) {
  const t = io(env);
  const code = await main(['node', 'gfs2-stress', 'run', ...args], { io: t.io, runCluster });
  return { code, stdout: t.stdout.text, stderr: t.stderr.text };
}

/** A runCluster that records its arguments and returns the sample result for that config. */
function fake(over: Partial<RunResult> = {}) {
  const calls: Array<{ config: Config; opts: RunClusterOptions }> = [];
  const fn: RunClusterFn = async (config, opts) => {
    calls.push({ config, opts });
    opts.onProgress?.({
      elapsedMs: 5000,
      etaMs: 5000,
      ops: 10,
      opsPerSec: 2,
      latencyNsP99: 1000,
      nodesUp: 4,
      nodesWithdrawn: 0,
    });
    return sampleResult({
      config,
      seed: config.seed,
      mode: config.mode,
      protocol: opts.protocol,
      faults: opts.faults,
      ...over,
    });
  };
  return { fn, calls };
}

describe('gfs2-stress run', () => {
  test('with --json writes only the JSON document to stdout', async () => {
    const f = fake();
    const r = await runWith(['--mode', 'sim', '--seed', '42', '--json'], f.fn);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as RunResult;
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.seed, 42);
    assert.equal(doc.mode, 'sim');
    assert.deepEqual(doc.command, ['gfs2-stress', 'run', '--mode', 'sim', '--seed', '42', '--json']);
    assert.match(r.stderr, /checker: OK/, 'the human summary goes to stderr');
  });

  test('without --json prints the summary on stdout and the header on stderr', async () => {
    const r = await runWith(['--seed', '7'], fake().fn);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /checker: OK/);
    assert.doesNotMatch(r.stdout, /^\s*\{/);
    assert.match(r.stderr, /run: seed 7/);
  });

  test('prints the seed on the first line before anything else', async () => {
    const r = await runWith(['--json'], fake().fn);
    const first = r.stderr.split('\n')[0] ?? '';
    assert.match(first, /seed \d+ \(random; repeat with --seed \d+\)/);
  });

  test('passes the validated config, protocol and faults to runCluster', async () => {
    const f = fake();
    await runWith(
      ['--nodes', '2', '--duration', '1h30m', '--protocol', 'legacy', '--faults', 'random', '--seed', '0x10'],
      f.fn,
    );
    const call = f.calls[0];
    assert.ok(call);
    assert.equal(call.config.nodes, 2);
    assert.equal(call.config.durationMs, 5_400_000);
    assert.equal(call.config.seed, 16);
    assert.equal(call.opts.protocol, 'legacy');
    // `random` reaches runCluster as the plan it drew (canonical text), so the run is reproducible.
    assert.match(call.opts.faults ?? '', /^(jerr|merr|crash|recovery-withdraw):node=[01]/);
    assert.ok(call.opts.signal instanceof AbortSignal);
  });

  test('exits 1 and prints a reproduce command when the checker found a violation', async () => {
    const f = fake({
      checker: {
        ok: false,
        violations: [{ invariant: 'I1', block: 1234, detail: 'replay wrote v3 over committed v5' }],
      },
    });
    const r = await runWith(['--seed', '99', '--nodes', '3'], f.fn);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /VIOLATED/);
    assert.match(r.stdout, /: gfs2-stress run --mode threads --seed 99 --nodes 3/);
  });

  test('exits 70 with the stack when runCluster throws, and --json still gets a document', async () => {
    const boom: RunClusterFn = async () => {
      throw new Error('node 2 threw: invariant assert in journal head search');
    };
    const r = await runWith(['--json', '--seed', '5'], boom);
    assert.equal(r.code, 70);
    assert.match(r.stderr, /internal error/);
    assert.match(r.stderr, /node 2 threw/);
    assert.match(r.stderr, /\n\s+at /, 'the stack is shown for a tool bug');
    const doc = JSON.parse(r.stdout) as RunResult;
    assert.equal(doc.state, 'errored');
    assert.equal(doc.error?.message, 'node 2 threw: invariant assert in journal head search');
  });

  test('exits 130 when the run reports it was interrupted', async () => {
    const r = await runWith(['--seed', '1'], fake({ state: 'interrupted' }).fn);
    assert.equal(r.code, 130);
    assert.match(r.stdout, /INTERRUPTED/);
  });

  test('on SIGINT aborts the run, still writes the partial JSON document and exits 130', async () => {
    // The stand-in behaves as runCluster must: it stops when its signal aborts and returns
    // what it has. The interrupt is delivered as the process would deliver it.
    const partial: RunClusterFn = async (config, opts) => {
      const stopped = new Promise<void>((resolve) => opts.signal?.addEventListener('abort', () => resolve()));
      process.emit('SIGINT', 'SIGINT');
      await stopped;
      return sampleResult({ config, seed: config.seed, totals: { ops: 12, opsPerSec: 3 } });
    };
    const t = io();
    const code = await main(['node', 'gfs2-stress', 'run', '--json', '--seed', '3'], {
      io: t.io,
      runCluster: partial,
      signals: true,
    });
    assert.equal(code, 130);
    const doc = JSON.parse(t.stdout.text) as RunResult;
    assert.equal(doc.state, 'interrupted');
    assert.equal(doc.totals.ops, 12);
    assert.match(t.stderr.text, /interrupted; stopping the run/);
    assert.equal(process.listenerCount('SIGINT'), 0, 'the handler is removed after the run');
  });

  test('--quiet prints no progress line', async () => {
    const quiet = await runWith(['--seed', '1', '--quiet'], fake().fn);
    assert.doesNotMatch(quiet.stderr, /ops\/s/);
  });
});

describe('output rules', () => {
  test('colour is off when NO_COLOR is set, even on a TTY', () => {
    const tty = new Capture(true);
    assert.equal(colorEnabled(tty as OutStream, {}), true);
    assert.equal(colorEnabled(tty as OutStream, { NO_COLOR: '1' }), false);
    assert.equal(colorEnabled(new Capture(false) as OutStream, {}), false);
  });

  test('progress off a TTY is a heartbeat line every 10 seconds', () => {
    const out = new Capture(false);
    let now = 0;
    const p = createProgressReporter(out as OutStream, { quiet: false, now: () => now, totalMs: 60_000 });
    const at = (ms: number): Progress => ({
      elapsedMs: ms,
      etaMs: 60_000 - ms,
      ops: ms,
      opsPerSec: 1000,
      latencyNsP99: null,
      nodesUp: 4,
      nodesWithdrawn: 0,
    });
    for (now = 0; now <= 25_000; now += 500) p.update(at(now));
    // Heartbeats at 10 s and 20 s only: two lines in 25 s of updates every 500 ms.
    assert.equal(out.text.split('\n').filter(Boolean).length, 2);
  });

  test('progress on a TTY redraws one line in place', () => {
    const out = new Capture(true);
    let now = 0;
    const p = createProgressReporter(out as OutStream, { quiet: false, now: () => now });
    for (now = 0; now < 1000; now += 200)
      p.update({
        elapsedMs: now,
        etaMs: null,
        ops: 1,
        opsPerSec: 1,
        latencyNsP99: null,
        nodesUp: 1,
        nodesWithdrawn: 0,
      });
    p.clear();
    assert.equal(out.text.includes('\n'), false);
    assert.ok(out.text.includes('\r\x1b[2K'));
  });
});
