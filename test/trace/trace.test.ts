// The timeline trace (issue #5): a real sim run with a withdraw gives a trace that passes the
// trace-event rules (validate.ts) and shows what the issue asks for; the validator itself
// rejects broken traces (canaries); the buffer is bounded; a bad --trace path is a usage error.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultProtocol } from '../../src/config/config.js';
import { Ev, WithdrawPhase } from '../../src/memory/events.js';
import { runCluster } from '../../src/orchestrator/run.js';
import { attachTrace, traceLine } from '../../src/report/trace/attach.js';
import { type TraceEvent, toTraceJson } from '../../src/report/trace/json.js';
import { validateTrace } from '../../src/report/trace/validate.js';
import { TraceWriter } from '../../src/report/trace/writer.js';
import { runScenario } from '../../src/scenarios/run-scenario.js';
import { simConfig } from '../e2e/cluster.js';
import { runCli } from '../support/cli-child.js';

test('a withdraw scenario traces to valid trace-event JSON with recovery slices, flows and counters', async () => {
  const w = new TraceWriter();
  const o = await runScenario({ name: 's3-happy-path', protocol: null, mode: 'sim', seed: 1, observers: [w.observer] });
  const doc = toTraceJson(w, o.result);
  const check = validateTrace(doc);
  assert.deepEqual(check.errors, []);
  const ev = doc.traceEvents;
  // One process per node, named.
  const names = ev.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args?.name);
  assert.deepEqual(names, ['node 0', 'node 1', 'node 2']);
  // Node 0 withdraws (S3): one enclosing slice on its recovery thread, phases inside it.
  const wd = ev.find((e) => e.ph === 'X' && e.name === 'withdraw of node 0');
  assert.ok(wd !== undefined, 'no withdraw slice');
  assert.equal(wd.pid, 1);
  const phases = ev.filter((e) => e.cat === 'recovery.phase' && e.tid === wd.tid);
  assert.ok(phases.length >= 3, `expected phase slices, got ${phases.length}`);
  // A flow from the withdraw to the replay of journal 0, by the node that replayed it.
  const replayedBy = o.result.withdraws?.[0]?.replayedBy as number;
  assert.ok(replayedBy > 0);
  const toReplay = ev.find((e) => e.ph === 'f' && typeof e.name === 'string' && e.name.includes('replay of journal 0'));
  assert.equal(toReplay?.pid, replayedBy + 1);
  const start = ev.find((e) => e.ph === 's' && e.id === toReplay?.id);
  assert.equal(start?.tid, wd.tid);
  // S3: node 1's request for R is held up until node 0 releases its lockspace; an arrow shows it.
  assert.ok(ev.some((e) => e.ph === 'f' && e.name?.includes('request granted on node') === true));
  // Lock waits as async pairs, queue depth as counters.
  assert.ok((check.counts.b ?? 0) > 0 && check.counts.b === check.counts.e);
  assert.ok(ev.some((e) => e.ph === 'C' && e.name === 'lock waiters' && (e.args?.waiting as number) >= 1));
  assert.equal(doc.metadata.droppedEvents, 0);
});

test('the trace buffer is bounded and counts what it dropped, and stays valid', async () => {
  const w = new TraceWriter({ maxRecords: 50, maxRecoveryRecords: 20 });
  const cfg = simConfig({ seed: 3, ops: 1500 });
  const r = await runCluster(cfg, { protocol: defaultProtocol, faults: 'jerr:node=1,at=5ms', observers: [w.observer] });
  const doc = toTraceJson(w, r);
  assert.deepEqual(validateTrace(doc).errors, []);
  const locks = doc.traceEvents.filter((e) => e.ph === 'b' && (e.cat === 'lock.wait' || e.cat === 'lock.hold'));
  assert.ok(locks.length <= 50, `${locks.length} lock slices kept with a budget of 50`);
  assert.ok((doc.metadata.droppedEvents as number) > 0, 'a 1500-op run must overflow 50 lock intervals');
  assert.equal(doc.metadata.droppedEvents, w.droppedTotal());
});

function x(ts: number, dur: number, name: string): TraceEvent {
  return { ph: 'X', name, pid: 1, tid: 1, ts, dur };
}

test('the validator rejects two X slices on one thread that partially overlap', () => {
  const good = validateTrace({ traceEvents: [x(0, 10, 'outer'), x(2, 3, 'inner'), x(10, 5, 'next')] });
  assert.deepEqual(good.errors, []);
  const bad = validateTrace({ traceEvents: [x(0, 10, 'a'), x(5, 10, 'b')] });
  assert.equal(bad.ok, false);
  assert.match(bad.errors.join('\n'), /partially overlaps/);
});

test('the validator rejects a flow id without its end, and an async end without its begin', () => {
  const s: TraceEvent = { ph: 's', name: 'f', cat: 'c', id: 7, pid: 1, tid: 1, ts: 1, bp: 'e' };
  const f: TraceEvent = { ph: 'f', name: 'f', cat: 'c', id: 7, pid: 1, tid: 1, ts: 2, bp: 'e' };
  assert.deepEqual(validateTrace({ traceEvents: [x(0, 10, 'a'), s, f] }).errors, []);
  const unmatched = validateTrace({ traceEvents: [x(0, 10, 'a'), s, { ...f, id: 8 }] });
  assert.match(unmatched.errors.join('\n'), /flow c\/7: expected one 's' and one 'f'/);
  const lonelyEnd = validateTrace({
    traceEvents: [{ ph: 'e', name: 'w', cat: 'lock', id: 'x', pid: 1, tid: 1, ts: 3 }],
  });
  assert.match(lonelyEnd.errors.join('\n'), /async end without a begin/);
  const noTs = validateTrace({ traceEvents: [{ ph: 'X', name: 'a', pid: 1, tid: 1, dur: 1 }] });
  assert.match(noTs.errors.join('\n'), /numeric ts/);
});

test('scenario run --trace writes the trace file; a --trace path in a missing directory is exit 2 before any run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs2-trace-'));
  const file = join(dir, 't.json');
  const ok = await runCli(['scenario', 'run', 's3-happy-path', '--trace', file]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /trace: .*t\.json \(\d+ events/);
  assert.deepEqual(validateTrace(JSON.parse(readFileSync(file, 'utf8'))).errors, []);
  const bad = await runCli([
    'run',
    '--mode',
    'sim',
    '--seed',
    '1',
    '--ops',
    '50',
    '--trace',
    join(dir, 'nope', 't.json'),
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--trace: expected a file in an existing directory/);
  assert.doesNotMatch(bad.stderr, /run: seed/, 'the run must not start');
});

test('secondary waits of one node that overlap go on separate lanes, so X slices still nest', () => {
  const w = new TraceWriter();
  const rec = new Float64Array(8);
  const emit = (t: number, kind: number, node: number, a: number, b: number, c: number, d: number) => {
    rec.set([t, kind, node, a, b, c, d, 0]);
    w.observer(rec, 0);
  };
  // Two processes of node 1 in their secondary wait at once: [50, 100] and [60, 120] ns.
  emit(100, Ev.withdraw, 1, WithdrawPhase.secondaryWaitEnd, 1, 50, 0);
  emit(120, Ev.withdraw, 1, WithdrawPhase.secondaryWaitEnd, 1, 60, 0);
  const doc = toTraceJson(w);
  assert.deepEqual(validateTrace(doc).errors, []);
  const waits = doc.traceEvents.filter((e) => e.name === 'secondary withdraw wait');
  assert.equal(waits.length, 2);
  assert.notEqual(waits[0]?.tid, waits[1]?.tid);
});

test('a trace that cannot be written after the run is reported, not thrown; --trace with --seeds is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gfs2-trace-gone-'));
  const t = attachTrace({ file: join(dir, 't.json') });
  rmSync(dir, { recursive: true });
  const w = t.write();
  assert.equal(w.ok, false);
  assert.match(w.message ?? '', /could not write the trace to .*t\.json/);
  assert.match(traceLine(w), /the run's result is unaffected/);
  const seeds = await runCli(['scenario', 'run', 's3', '--seeds', '3', '--trace', join(tmpdir(), 'x.json')]);
  assert.equal(seeds.code, 2);
  assert.match(seeds.stderr, /--trace: expected a single seed, received --seeds 3/);
});
