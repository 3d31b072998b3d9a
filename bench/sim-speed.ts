// The simulator's own speed, in CPU time (the machine may be shared, so wall time lies):
// runs N default soak seeds (the configuration of bench/fault-table.ts and P7) in this process
// and prints, per seed, its steps, CPU seconds, verdict and historyHash, then the totals as
// steps per CPU-second and seeds per CPU-second. The hashes let an optimisation be checked
// for an unchanged history. Usage, after `npm run build`:
//   node dist/bench/sim-speed.js [seeds=20] [firstSeed=1] [--warmup=3] [--quiet]

import { simCounters } from '../src/driver/sim.js';
import { runCluster } from '../src/orchestrator/run.js';
import { defaultSoakSeedOptions } from '../src/soak/options.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quiet = process.argv.includes('--quiet');
const warmupArg = process.argv.find((a) => a.startsWith('--warmup='));
const warmups = warmupArg === undefined ? 3 : Number(warmupArg.slice('--warmup='.length));
const seeds = Number(args[0] ?? '20');
const first = Number(args[1] ?? '1');
if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(first) || !Number.isInteger(warmups) || warmups < 0) {
  process.stderr.write(
    `expected: sim-speed [seeds ≥ 1] [firstSeed integer] [--warmup=N ≥ 0] [--quiet]; received: ${process.argv.slice(2).join(' ')}\n`,
  );
  process.exit(2);
}

async function runSeed(
  seed: number,
): Promise<{ steps: number; cpuSec: number; ok: boolean; violations: number; hash: string }> {
  const steps0 = simCounters.steps;
  const cpu0 = process.cpuUsage();
  const o = defaultSoakSeedOptions(seed, 'force-withdraw');
  const r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults });
  const cpu = process.cpuUsage(cpu0);
  return {
    steps: simCounters.steps - steps0,
    cpuSec: (cpu.user + cpu.system) / 1e6,
    ok: r.checker.ok,
    violations: r.checker.violations.length,
    hash: r.historyHash ?? '',
  };
}

// Warm-up seeds outside the totals (module load, JIT): the first seeds of a process run far
// slower than later ones (a single warm-up seed is not enough), so by default three.
for (let i = 0; i < warmups; i++) await runSeed(0x7fff_0000 + i);
let steps = 0;
let cpuSec = 0;
for (let seed = first; seed < first + seeds; seed++) {
  const s = await runSeed(seed);
  steps += s.steps;
  cpuSec += s.cpuSec;
  if (!quiet)
    process.stdout.write(
      `seed ${seed} steps ${s.steps} cpuSec ${s.cpuSec.toFixed(3)} ok ${s.ok} violations ${s.violations} historyHash ${s.hash}\n`,
    );
}
process.stdout.write(
  `seeds ${seeds} steps ${steps} cpuSec ${cpuSec.toFixed(2)} stepsPerCpuSec ${Math.round(steps / cpuSec)} seedsPerCpuSec ${(seeds / cpuSec).toFixed(2)}\n`,
);
