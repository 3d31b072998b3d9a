// Violations per invariant over many seeds of `--faults random` for one protocol, in the
// simulator (issue #3's acceptance table). Usage, after `npm run build`:
//   node dist/bench/fault-table.js <protocol> <seeds> [firstSeed]
// Prints one JSON document: seeds run, seeds violated or errored, seeds per invariant, the seeds
// themselves per invariant (for bench/attribute.ts --from-table), and one reproducing example
// (seed + fault plan + detail) per invariant.

import { runCluster } from '../src/orchestrator/run.js';
import { defaultSoakSeedOptions } from '../src/soak/options.js';

const [protocol = 'force-withdraw', seedsText = '100', firstText = '1'] = process.argv.slice(2);
const seeds = Number(seedsText);
const first = Number(firstText);
const counts: Record<string, number> = {};
const seedsByInvariant: Record<string, number[]> = {};
const violatedSeeds: number[] = [];
const erroredSeeds: number[] = [];
const examples: Record<string, { seed: number; faults: string | null; detail: string }> = {};
let violated = 0;
let errored = 0;
for (let seed = first; seed < first + seeds; seed++) {
  // A small cluster so one seed takes well under a second of wall time.
  const o = defaultSoakSeedOptions(seed, protocol);
  const r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults });
  if (r.state === 'errored') {
    errored++;
    erroredSeeds.push(seed);
    examples.errored ??= { seed, faults: o.faults, detail: r.error?.message ?? '' };
  }
  if (!r.checker.ok) {
    violated++;
    violatedSeeds.push(seed);
  }
  for (const inv of new Set(r.checker.violations.map((v) => v.invariant))) {
    counts[inv] = (counts[inv] ?? 0) + 1;
    (seedsByInvariant[inv] ??= []).push(seed);
    examples[inv] ??= {
      seed,
      faults: o.faults,
      detail: r.checker.violations.find((v) => v.invariant === inv)?.detail ?? '',
    };
  }
}
process.stdout.write(
  `${JSON.stringify({ protocol, firstSeed: first, seeds, violated, errored, counts, examples, violatedSeeds, erroredSeeds, seedsByInvariant }, null, 1)}\n`,
);
