// Standalone: run the contention suite and print its SuiteOutput JSON (progress on stderr).
//   node dist/bench/contention/main.js [--quick] [--seed N]
import { suite } from './index.js';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const out = await suite({ quick: args.includes('--quick'), seed, log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
