// Bad command lines exit 2 with one clear message and never a stack trace. These spawn the
// real executable, so commander's own errors and our validation go through the same path a
// user sees.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [mainJs, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.error, undefined, `spawn failed: ${r.error?.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A stack frame line as V8 prints it. */
const stackFrame = /^\s+at .+\(?.+:\d+:\d+\)?$/m;

const cases: Array<{ args: string[]; says: RegExp; why: string }> = [
  {
    args: ['run', '--nodes', 'abc'],
    says: /--nodes: expected an integer from 1 to 16, received "abc"/,
    why: 'non-numeric number',
  },
  {
    args: ['run', '--nodes', '17'],
    says: /--nodes: expected an integer from 1 to 16, received "17"/,
    why: 'above limits.nodesMax',
  },
  { args: ['run', '--nodes', '0'], says: /--nodes: expected an integer/, why: 'zero nodes' },
  {
    args: ['run', '--processes', '2.5'],
    says: /--processes: expected an integer/,
    why: 'fraction where an integer is needed',
  },
  { args: ['run', '--bogus'], says: /unknown option '--bogus'/, why: 'unknown flag' },
  { args: ['run', '--mode', 'fast'], says: /'fast' is invalid.*threads, sim/, why: 'unknown mode' },
  {
    args: ['run', '--duration', '10'],
    says: /--duration: expected a duration such as 500ms.*received "10"/,
    why: 'duration without unit',
  },
  { args: ['run', '--duration', '5 minutes'], says: /--duration: expected a duration/, why: 'duration in words' },
  {
    args: ['run', '--block-size', '1000'],
    says: /--block-size: expected a power of two from 512 to 4096, received "1000"/,
    why: 'block size not a power of two',
  },
  {
    args: ['run', '--journal-blocks', '31'],
    says: /--journal-blocks: expected an integer from 32/,
    why: 'journal below 32 blocks',
  },
  {
    args: ['run', '--hot-skew', '1.5'],
    says: /--hot-skew: expected a number from 0 to 1, received "1.5"/,
    why: 'fraction above 1',
  },
  { args: ['run', '--seed', '-3'], says: /--seed: expected an integer from 0 to 4294967295/, why: 'negative seed' },
  { args: ['run', '--protocol', 'newest'], says: /'newest' is invalid.*force-withdraw/, why: 'unknown protocol' },
  { args: ['run', '--nodes'], says: /argument missing/, why: 'flag without its value' },
  { args: ['run', 'extra'], says: /too many arguments/, why: 'stray positional argument' },
  { args: ['launch'], says: /unknown command 'launch'/, why: 'unknown subcommand' },
];

describe('bad CLI input', () => {
  for (const c of cases) {
    test(`exits 2 with a message and no stack trace for ${c.why} (${c.args.join(' ')})`, () => {
      const r = cli(...c.args);
      assert.equal(r.code, 2, `exit code; stderr was:\n${r.stderr}`);
      assert.match(r.stderr, c.says);
      assert.doesNotMatch(r.stderr, stackFrame, 'no stack trace for a usage error');
      assert.equal(r.stdout, '', 'nothing on stdout');
    });
  }

  test('a memory-hungry config is refused with the size it would need', () => {
    const r = cli('run', '--nodes', '16', '--journal-blocks', '262144');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /at most 8 GiB of shared memory.*needing 16\.\d GiB/);
  });

  test('--help exits 0 and lists the run flags', () => {
    const r = cli('run', '--help');
    assert.equal(r.code, 0);
    for (const flag of [
      '--nodes',
      '--processes',
      '--duration',
      '--ops',
      '--mode',
      '--seed',
      '--block-size',
      '--journal-blocks',
      '--rgrps',
      '--workload',
      '--hz',
      '--time-scale',
      '--dump-journals',
      '--json',
      '--protocol',
      '--faults',
    ]) {
      assert.ok(r.stdout.includes(flag), `help mentions ${flag}`);
    }
  });

  test('no subcommand prints usage and exits 2', () => {
    const r = cli();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: gfs2-stress/);
  });
});
