// Run the micro suite standalone: `node dist/bench/micro/main.js [--quick] [--seed N]`. Prints
// the SuiteOutput JSON on stdout; progress lines go to stderr.

import { suite } from './index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
if (!Number.isInteger(seed) || seed < 0) {
  process.stderr.write(`micro: expected --seed to be a non-negative integer, received ${args[seedAt + 1]}\n`);
  process.exit(2);
}
const out = await suite({ quick, seed, log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
