// `gfs2-stress scenario list` and `gfs2-stress scenario run NAME`: the named timelines S1–S6.
// `--seeds N` runs N consecutive seeds and prints how often each invariant was violated.

import { type Command, Option } from 'commander';
import { UsageError } from '../../config/errors.js';
import { type Mode, Modes } from '../../config/types.js';
import { ProtocolNames } from '../../protocols/index.js';
import { toJson } from '../../report/json.js';
import { attachTrace, traceLine } from '../../report/trace/attach.js';
import { scenarioByName, scenarios } from '../../scenarios/index.js';
import { runScenario } from '../../scenarios/run-scenario.js';
import { ExitCode } from '../exit-codes.js';
import { writeText } from '../output.js';
import type { CliContext } from '../program.js';
import { exitCodeOf } from './run.js';

interface ScenarioFlags {
  readonly protocol?: string;
  readonly mode?: string;
  readonly seed?: string;
  readonly seeds?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly trace?: string;
}

function parseSeed(text: string, flag: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new UsageError(`${flag}: expected an integer from 0 to 4294967295, received ${JSON.stringify(text)}`, flag);
  }
  return v;
}

function listText(): string {
  return `${scenarios.map((s) => `${s.name.padEnd(22)} ${s.title}\n${' '.repeat(23)}(default protocol: ${s.defaultProtocol})`).join('\n')}\n`;
}

async function runOne(name: string, f: ScenarioFlags, ctx: CliContext): Promise<number> {
  const seed = f.seed === undefined ? 1 : parseSeed(f.seed, '--seed');
  const seeds = f.seeds === undefined ? 1 : Number(f.seeds);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100_000) {
    throw new UsageError(
      `--seeds: expected an integer from 1 to 100000, received ${JSON.stringify(f.seeds)}`,
      '--seeds',
    );
  }
  const scenario = scenarioByName(name);
  const mode = (f.mode ?? 'sim') as Mode;
  const protocol = f.protocol ?? null;
  const { io } = ctx;
  if (f.trace !== undefined && seeds !== 1) {
    throw new UsageError(
      `--trace: expected a single seed, received --seeds ${seeds} (trace one seed at a time)`,
      '--trace',
    );
  }
  if (seeds === 1) {
    const trace = f.trace === undefined ? null : attachTrace({ file: f.trace });
    const o = await runScenario({
      name,
      protocol,
      mode,
      seed,
      ...(trace !== null ? { observers: trace.observers } : {}),
    });
    const r = { ...o.result, command: ctx.command };
    const traced = trace?.write(r) ?? null;
    const human = f.json === true ? io.stderr : io.stdout;
    const lines = [
      `${scenario.title} — protocol ${o.protocol}, ${mode}, seed ${seed}`,
      '',
      scenario.description,
      '',
      'trail:',
    ];
    for (const m of r.messages) lines.push(`  [${(m.timeNs / 1e9).toFixed(6).padStart(12)}] node ${m.node}: ${m.text}`);
    lines.push('', ...o.explanation);
    for (const v of r.checker.violations.slice(0, 10)) lines.push(`  ${v.invariant}: ${v.detail}`);
    if (!r.checker.ok)
      lines.push(
        `reproduce with: gfs2-stress scenario run ${scenario.name} --protocol ${o.protocol} --mode ${mode} --seed ${seed}`,
      );
    if (f.quiet !== true || f.json !== true) await writeText(human, `${lines.join('\n')}\n`);
    if (f.json === true)
      await writeText(io.stdout, toJson({ ...r, scenario: scenario.name, explanation: o.explanation }));
    if (traced !== null) await writeText(io.stderr, traceLine(traced));
    const code = exitCodeOf(r);
    return traced !== null && !traced.ok && code === ExitCode.ok ? ExitCode.usage : code;
  }
  // Many seeds: a table of how often each invariant was violated.
  const counts = new Map<string, number>();
  let violated = 0;
  let errored = 0;
  for (let i = 0; i < seeds; i++) {
    const o = await runScenario({ name, protocol, mode, seed: (seed + i) >>> 0 });
    if (o.result.state === 'errored') errored++;
    if (!o.result.checker.ok) violated++;
    for (const inv of new Set(o.result.checker.violations.map((v) => v.invariant)))
      counts.set(inv, (counts.get(inv) ?? 0) + 1);
    if (f.quiet !== true && io.stderr.isTTY === true)
      io.stderr.write(`\r${i + 1}/${seeds} seeds, ${violated} violated`);
  }
  if (io.stderr.isTTY === true) io.stderr.write('\n');
  const p = protocol ?? scenario.defaultProtocol;
  const summary = {
    scenario: scenario.name,
    protocol: p,
    mode,
    firstSeed: seed,
    seeds,
    violatedSeeds: violated,
    erroredSeeds: errored,
    byInvariant: Object.fromEntries(counts),
  };
  const lines = [
    `${scenario.name} under ${p}: ${violated}/${seeds} seeds violated (${((100 * violated) / seeds).toFixed(1)}%), ${errored} errored`,
  ];
  for (const [inv, n] of [...counts].sort())
    lines.push(`  ${inv.padEnd(12)} ${n} seeds (${((100 * n) / seeds).toFixed(1)}%)`);
  await writeText(f.json === true ? io.stderr : io.stdout, `${lines.join('\n')}\n`);
  if (f.json === true) await writeText(io.stdout, toJson(summary));
  return errored > 0 ? ExitCode.internal : violated > 0 ? ExitCode.violation : ExitCode.ok;
}

export function registerScenarioCommand(program: Command, ctx: CliContext, configure: (c: Command) => Command): void {
  const cmd = configure(
    program.command('scenario').description('Named withdraw/recovery timelines S1–S6 (reference §4.8)'),
  );
  configure(cmd.command('list').description('List the scenarios')).action(async () => {
    await writeText(ctx.io.stdout, listText());
    ctx.exitCode = ExitCode.ok;
  });
  configure(
    cmd
      .command('run')
      .description('Run a scenario and print its event trail and the oracle verdict')
      .argument('<name>', 'scenario name, e.g. s1-stale-replay (or just s1)')
      .addOption(
        new Option('--protocol <p>', "withdraw protocol (default: the scenario's)").choices([...ProtocolNames]),
      )
      .addOption(new Option('--mode <mode>', 'driver (default: sim)').choices([...Modes]))
      .option('--seed <n>', 'seed (default: 1)')
      .option('--seeds <n>', 'run this many consecutive seeds and report violation rates (default: 1)')
      .option('--json', 'write the result document (or the rates) as JSON to stdout')
      .option('--quiet', 'no progress')
      .option('--trace <file>', 'write a Chrome trace-event timeline (open in ui.perfetto.dev) to FILE'),
  ).action(async (name: string, f: ScenarioFlags) => {
    ctx.exitCode = await runOne(name, f, ctx);
  });
}
