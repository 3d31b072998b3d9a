// `gfs2-stress profile` as a user runs it: bad view flags exit 2 with expected/received and no
// stack, before any cluster starts; `-x,` writes only the CSV contention table on stdout.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli-child.js';

const stackFrame = /^\s+at .+:\d+:\d+\)?$/m;

const bad: Array<{ args: string[]; says: RegExp }> = [
  {
    args: ['--sort', 'fastest'],
    says: /--sort: expected one of contended, wait-total, wait-max, wait-avg, name, received "fastest"/,
  },
  { args: ['--top', '0'], says: /--top: expected an integer from 1 to 1000, received "0"/ },
  { args: ['--top', 'x'], says: /--top: expected an integer from 1 to 1000, received "x"/ },
  {
    args: ['--view', 'locks'],
    says: /--view: expected one of glstats, glocktop, contention, fairness, all, received "locks"/,
  },
  { args: ['--interval', '10ms'], says: /--interval: expected a duration of at least 100ms, received "10ms"/ },
  { args: ['--interval', '5'], says: /--interval: expected a duration such as 500ms.*received "5"/ },
  { args: ['-x,', '--json'], says: /-x and --json: expected one machine format on stdout, received both/ },
  { args: ['--nodes', '99'], says: /--nodes: expected an integer from 1 to 16, received "99"/ },
];

for (const c of bad) {
  test(`profile ${c.args.join(' ')} exits 2 saying what was expected`, async () => {
    const r = await runCli(['profile', '--mode', 'sim', ...c.args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, c.says);
    assert.doesNotMatch(r.stderr, stackFrame);
    assert.equal(r.stdout, '');
  });
}

test('profile -x, prints only the contention table as CSV, sorted as asked', async () => {
  const r = await runCli([
    'profile',
    '--mode',
    'sim',
    '--seed',
    '1',
    '--nodes',
    '3',
    '--duration',
    '300ms',
    '-q',
    '-x,',
    '--sort',
    'wait-total',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
  assert.deepEqual(rows[0], ['contended', 'total wait', 'max wait', 'avg wait', 'type', 'glock']);
  assert.ok(rows.length > 2, r.stdout);
  let prevTotal = Number.POSITIVE_INFINITY;
  for (const row of rows.slice(1)) {
    assert.equal(row.length, 6);
    const [contended, total, max, avg] = row.slice(0, 4).map(Number) as [number, number, number, number];
    assert.ok(contended >= 1 && total >= max && max >= avg, row.join(','));
    assert.ok(total <= prevTotal, 'sorted by total wait, descending');
    prevTotal = total;
    assert.match(row[4] ?? '', /^[a-z]+:(UN|EX|DF|SH)$/);
    assert.match(row[5] ?? '', /^n:\d+\/\d+$/);
  }
  // The human views went to stderr, not into the CSV.
  assert.match(r.stderr, /^glstats \(top 10/m);
});

test('profile --trace writes a valid trace-event timeline of the profiled run', async () => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { validateTrace } = await import('../../src/report/trace/validate.js');
  const dir = mkdtempSync(join(tmpdir(), 'profile-trace-'));
  try {
    const file = join(dir, 't.json');
    const r = await runCli([
      'profile',
      '--mode',
      'sim',
      '--seed',
      '1',
      '--nodes',
      '3',
      '--duration',
      '200ms',
      '-q',
      '--trace',
      file,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^trace: /m);
    const trace = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: unknown[] };
    assert.deepEqual(validateTrace(trace).errors, []);
    // One process track per node of the run.
    const names = trace.traceEvents.filter((e) => (e as { name?: string }).name === 'process_name');
    assert.equal(names.length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
