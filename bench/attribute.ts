// Attribute the violations of `--faults random` seeds (issue #3): rerun each seed in the
// simulator with the fault table's configuration and an extra passive observer, and label each
// violation S6 / A / B / other by the rules in attribute-rules.ts. Usage, after `npm run build`:
//   node dist/bench/attribute.js <protocol> <seeds...>
//   node dist/bench/attribute.js <protocol> --from-table results/fault-table/<protocol>.json
// Prints one JSON document: per seed its fault plan, label (its earliest violation's), every
// violation's label and reason, and the seeds per label. Exit 2 on bad arguments.

import { readFileSync } from 'node:fs';
import { FaultCode } from '../src/faults/model.js';
import { Ev, WithdrawPhase } from '../src/memory/events.js';
import { runCluster } from '../src/orchestrator/run.js';
import { defaultSoakSeedOptions } from '../src/soak/options.js';
import {
  type Attribution,
  attribute,
  emptyStory,
  inheritForStaleReplays,
  type Label,
  type Story,
  seedLabel,
} from './attribute-rules.js';

function usage(expected: string, received: string): never {
  process.stderr.write(
    `attribute: expected ${expected}, received ${received}\n` +
      'usage: node dist/bench/attribute.js <protocol> <seeds...|--from-table file>\n',
  );
  process.exit(2);
}

function seedsFromArgs(args: readonly string[]): number[] {
  if (args[0] === '--from-table') {
    const file = args[1] ?? usage('a fault-table JSON file after --from-table', 'nothing');
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      usage('a readable fault-table JSON file', `${file} (${(e as Error).message})`);
    }
    const seeds = (doc as { violatedSeeds?: unknown }).violatedSeeds;
    if (!Array.isArray(seeds)) usage('a fault-table JSON with violatedSeeds (bench/fault-table.ts)', file);
    return seeds.map(Number);
  }
  if (args.length === 0) usage('at least one seed or --from-table file', 'nothing');
  return args.map((a) => {
    const n = Number(a);
    if (!Number.isSafeInteger(n) || n < 0) usage('a seed (an integer ≥ 0)', JSON.stringify(a));
    return n;
  });
}

/** The observer: copies the few records the rules need (rare events; allocation is fine here). */
function storyObserver(s: Story): (rec: Float64Array, off: number) => void {
  return (rec, off) => {
    const t = rec[off] as number;
    const kind = rec[off + 1] as number;
    const node = rec[off + 2] as number;
    const a = rec[off + 3] as number;
    if (kind === Ev.withdraw) {
      if (a === WithdrawPhase.start) s.withdraws.push({ node, startNs: t });
      if (a === WithdrawPhase.survivorNotified) s.notified.push([node, t]);
      const w = s.withdraws.filter((x) => x.node === node).at(-1);
      if (w === undefined) return;
      if (a === WithdrawPhase.signalSent) w.signalSentNs ??= t;
      if (a === WithdrawPhase.recoveryCleared) w.recoveryClearedNs ??= t;
      if (a === WithdrawPhase.journalClean) w.journalCleanNs ??= t;
      if (a === WithdrawPhase.lockspaceReleased) w.lockspaceReleasedNs ??= t;
    } else if (kind === Ev.replayEnd) {
      s.replays.push({ node, jid: a, endNs: t, status: rec[off + 6] as number });
    } else if (kind === Ev.journalState && (rec[off + 4] as number) === 1) {
      s.foundClean.push([a, t]);
    } else if (kind === Ev.fault && a === FaultCode.crash) {
      s.crashes.push([node, t]);
    }
  };
}

const [protocol, ...rest] = process.argv.slice(2);
if (protocol === undefined) usage('a protocol name', 'nothing');
const seeds = seedsFromArgs(rest);
const bySeed: { seed: number; faults: string | null; label: Label | null; violations: Attribution[] }[] = [];
const seedsByLabel: Record<Label, number[]> = { S6: [], A: [], B: [], other: [] };
for (const seed of seeds) {
  let o: ReturnType<typeof defaultSoakSeedOptions>;
  try {
    // The fault table's configuration: the default soak seed.
    o = defaultSoakSeedOptions(seed, protocol);
  } catch (e) {
    usage('a valid protocol', `${protocol} (${(e as Error).message})`);
  }
  const story = emptyStory();
  const r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults, observers: [storyObserver(story)] });
  for (const m of r.messages) {
    const f = /jid=(\d+): Recovery failed/.exec(m.text);
    if (f?.[1] !== undefined) story.recoveryFailed.push([Number(f[1]), m.timeNs]);
  }
  const violations = inheritForStaleReplays(
    r.checker.violations.map((v) => attribute(v, story, protocol.startsWith('force-withdraw'))),
  );
  const label = violations.length > 0 ? seedLabel(violations) : null;
  if (label !== null) seedsByLabel[label].push(seed);
  bySeed.push({ seed, faults: o.faults, label, violations });
  process.stderr.write(`seed ${seed}: ${label ?? 'ok'}${r.state === 'errored' ? ' (errored)' : ''}\n`);
}
const counts = Object.fromEntries(Object.entries(seedsByLabel).map(([k, v]) => [k, v.length]));
process.stdout.write(`${JSON.stringify({ protocol, seeds: seeds.length, counts, seedsByLabel, bySeed }, null, 1)}\n`);
