// Standalone run of the recovery suite, for measuring without the bench runner. After
// `npx tsc -p tsconfig.json`:  node dist/bench/recovery/main.js [--quick] [--seed N]
// Prints the SuiteOutput JSON on stdout; progress lines go to stderr.

import { suite } from './index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
  process.stderr.write(
    `recovery bench: --seed: expected an integer from 0 to 4294967295, received ${JSON.stringify(args[seedAt + 1])}\n`,
  );
  process.exit(2);
}
const ac = new AbortController();
process.once('SIGINT', () => ac.abort());
const t0 = performance.now();
let out: Awaited<ReturnType<typeof suite>>;
try {
  out = await suite({ quick, seed, log: (line) => process.stderr.write(`${line}\n`), signal: ac.signal });
} catch (err) {
  // A failure of the tool, not a finding: exit 70 as the CLI does for internal errors.
  process.stderr.write(
    `recovery bench: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(70);
}
process.stderr.write(`recovery bench: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
