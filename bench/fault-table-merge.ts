// Merge fault-table documents of one protocol run over disjoint seed ranges (so a long table can
// be run in chunks, each saved as it finishes) into one document of the same shape. Usage:
//   node dist/bench/fault-table-merge.js <chunk.json...>  > table.json
// Chunks are ordered by firstSeed; each invariant's example is the one of the lowest seed.

import { readFileSync } from 'node:fs';

interface Table {
  protocol: string;
  firstSeed: number;
  seeds: number;
  violated: number;
  errored: number;
  counts: Record<string, number>;
  examples: Record<string, { seed: number; faults: string | null; detail: string }>;
  violatedSeeds: number[];
  erroredSeeds: number[];
  seedsByInvariant: Record<string, number[]>;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('fault-table-merge: expected one or more fault-table JSON files, received none\n');
  process.exit(2);
}
const tables = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Table).sort((a, b) => a.firstSeed - b.firstSeed);
const first = tables[0] as Table;
const out: Table = {
  ...first,
  counts: {},
  examples: {},
  seedsByInvariant: {},
  violatedSeeds: [],
  erroredSeeds: [],
  seeds: 0,
  violated: 0,
  errored: 0,
};
let next = first.firstSeed;
for (const t of tables) {
  if (t.protocol !== first.protocol)
    throw new Error(`fault-table-merge: expected protocol ${first.protocol}, received ${t.protocol}`);
  if (t.firstSeed !== next)
    throw new Error(`fault-table-merge: expected a chunk from seed ${next}, received one from ${t.firstSeed}`);
  next = t.firstSeed + t.seeds;
  out.seeds += t.seeds;
  out.violated += t.violated;
  out.errored += t.errored;
  out.violatedSeeds.push(...t.violatedSeeds);
  out.erroredSeeds.push(...t.erroredSeeds);
  for (const [inv, n] of Object.entries(t.counts)) out.counts[inv] = (out.counts[inv] ?? 0) + n;
  for (const [inv, ex] of Object.entries(t.examples)) out.examples[inv] ??= ex;
  for (const [inv, s] of Object.entries(t.seedsByInvariant)) (out.seedsByInvariant[inv] ??= []).push(...s);
}
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
