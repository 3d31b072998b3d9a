// The 'scaling' benchmark suite (issue #4):
// - P8: cluster ops/s for 1–16 nodes, disjoint and mixed (contended) work, threads mode, with
//   the process's CPU use per point; target 2 nodes ≥ 1.6× 1 node on disjoint work, and no
//   collapse (16 nodes ≥ 0.8× the peak).
// - P9: peak RSS of a 16-node threads run, in a child process; target ≤ 1 GiB.
// - P7: simulator speed, default soak seeds/s on 1 and 2 worker threads and steps/s;
//   target ≥ 50 seeds/s on both cores and ≥ 1M steps/s.
//
// Time scale: P8 runs with the default --time-scale 1. The obvious worry, that kernel delays
// leave the machine idle, was checked: --time-scale 0 gave no more CPU use and fewer ops/s
// (probes on this machine: 1 node disjoint 149k vs 68k ops/s, 2 nodes mixed 3.4k vs 0.5k),
// because without the glock minimum hold time contended glocks bounce instead of batching.

import type { BenchContext, Metric, RatioRow, Suite } from '../suite.js';
import { median, ratioRow } from '../suite.js';
import { measurePeakRss } from './rss.js';
import { createSimPool, type SimSpeedSample } from './sim-speed.js';
import { measureThroughput, type ThroughputPoint, type ThroughputSample } from './throughput.js';

const GIB = 1024 ** 3;
/** "Both cores" of the target machine (issue #4). */
const PARALLEL_THREADS = 2;

interface Sizes {
  readonly nodes: readonly number[];
  readonly workloads: readonly string[];
  readonly samples: number;
  readonly processes: number;
  /** Measuring window, once every node is working (throughput.ts). */
  readonly windowMs: number;
  readonly rssNodes: number;
  readonly rssDurationMs: number;
  readonly simPairs: number;
  readonly simSeedsPerThread: number;
}

const FULL: Sizes = {
  nodes: [1, 2, 4, 8, 16],
  workloads: ['disjoint', 'mixed'],
  samples: 5,
  processes: 4,
  windowMs: 1000,
  rssNodes: 16,
  rssDurationMs: 2000,
  simPairs: 5,
  simSeedsPerThread: 3,
};

/** Smoke size: P8 on 1 and 2 nodes only, P9 on 4 nodes (16 take seconds just to mount). */
const QUICK: Sizes = {
  nodes: [1, 2],
  workloads: ['disjoint'],
  samples: 3,
  processes: 4,
  windowMs: 300,
  rssNodes: 4,
  rssDurationMs: 300,
  simPairs: 3,
  simSeedsPerThread: 1,
};

/** FNV-1a over the text of the work's results, so nothing measured can be skipped unseen. */
class Checksum {
  private h = 0x811c9dc5;
  add(text: string): void {
    for (let i = 0; i < text.length; i++) this.h = Math.imul(this.h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  hex(): string {
    return this.h.toString(16).padStart(8, '0');
  }
}

const aborted = (ctx: BenchContext): boolean => ctx.signal?.aborted === true;
const fmt = (x: number, digits = 0): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

interface P8Out {
  readonly byPoint: Map<string, ThroughputSample[]>;
  readonly sizes: Sizes;
}

const keyOf = (workload: string, nodes: number): string => `${workload}/${nodes}`;

async function measureP8(ctx: BenchContext, s: Sizes, sum: Checksum): Promise<P8Out> {
  const byPoint = new Map<string, ThroughputSample[]>();
  // Rounds over every point, so sample i of 1 node and sample i of 2 nodes are neighbours in time.
  for (let round = 0; round < s.samples && !aborted(ctx); round++) {
    for (const workload of s.workloads) {
      for (const nodes of s.nodes) {
        if (aborted(ctx)) break;
        const point: ThroughputPoint = {
          nodes,
          workload,
          processes: s.processes,
          windowMs: s.windowMs,
          timeScale: 1,
          seed: ctx.seed + round,
        };
        const r = await measureThroughput(point);
        sum.add(`${workload}:${nodes}:${r.ops}`);
        const list = byPoint.get(keyOf(workload, nodes)) ?? [];
        list.push(r);
        byPoint.set(keyOf(workload, nodes), list);
        ctx.log(
          `scaling: ${workload} ${nodes} nodes round ${round + 1}: ${fmt(r.opsPerSec)} ops/s, cpu ${fmt(r.cpuPercent)}%`,
        );
      }
    }
  }
  return { byPoint, sizes: s };
}

function p8Metrics(p8: P8Out, metrics: Metric[], notes: string[], ratios: Partial<Record<'P8', RatioRow>>): void {
  const s = p8.sizes;
  for (const workload of s.workloads) {
    const row: string[] = [];
    let peak = 0;
    for (const nodes of s.nodes) {
      const list = p8.byPoint.get(keyOf(workload, nodes));
      if (list === undefined || list.length === 0) continue;
      const params = { nodes, workload, processes: s.processes, windowMs: s.windowMs, timeScale: 1 };
      metrics.push({
        name: 'cluster.opsPerSec',
        unit: 'ops/s',
        better: 'higher',
        samples: list.map((r) => r.opsPerSec),
        params,
      });
      metrics.push({
        name: 'cluster.cpuPercent',
        unit: '%cpu',
        better: 'higher',
        samples: list.map((r) => r.cpuPercent),
        params,
      });
      const ops = median(list.map((r) => r.opsPerSec));
      peak = Math.max(peak, ops);
      // A run whose checker failed is still a measurement, but the reader should know of it.
      const bad = list.filter((r) => !r.ok).length;
      row.push(
        `${nodes}n ${fmt(ops)} ops/s ${fmt(median(list.map((r) => r.cpuPercent)))}%cpu${bad > 0 ? ` (${bad} run(s) with violations)` : ''}`,
      );
    }
    notes.push(`P8 ${workload}: ${row.join(' | ')}`);
    // No collapse: per round, ops/s at the most nodes against the best node count of that round.
    const most = s.nodes[s.nodes.length - 1] as number;
    const atMost = p8.byPoint.get(keyOf(workload, most)) ?? [];
    const perRound: number[] = [];
    for (let i = 0; i < atMost.length; i++) {
      let best = 0;
      for (const nodes of s.nodes) best = Math.max(best, p8.byPoint.get(keyOf(workload, nodes))?.[i]?.opsPerSec ?? 0);
      if (best > 0) perRound.push((atMost[i] as ThroughputSample).opsPerSec / best);
    }
    if (perRound.length > 0 && most >= 16) {
      metrics.push({
        name: 'cluster.opsPerSecVsPeak',
        unit: 'ratio',
        better: 'higher',
        samples: perRound,
        params: { nodes: most, workload },
      });
      const r = median(perRound);
      notes.push(
        `P8 no-collapse ${workload}: ${most} nodes at ${fmt(r, 2)}× the best node count of the same round, median over rounds (target ≥ 0.8×: ${r >= 0.8 ? 'met' : 'missed'}); medians: ${fmt(median(atMost.map((x) => x.opsPerSec)))} vs peak ${fmt(peak)} ops/s`,
      );
    }
  }
  const one = p8.byPoint.get(keyOf('disjoint', 1)) ?? [];
  const two = p8.byPoint.get(keyOf('disjoint', 2)) ?? [];
  if (one.length > 0 && two.length > 0) {
    ratios.P8 = ratioRow(
      {
        what: 'ops/s of 2 nodes, disjoint work (threads)',
        baselineWhat: 'ops/s of 1 node, disjoint work, same run',
        unit: 'ops/s',
        target: '≥ 1.6×',
      },
      'higher',
      two.map((r) => r.opsPerSec),
      one.map((r) => r.opsPerSec),
      (x) => x >= 1.6,
    );
  }
}

async function measureP9(
  ctx: BenchContext,
  s: Sizes,
  seed: number,
  metrics: Metric[],
  notes: string[],
  sum: Checksum,
): Promise<RatioRow | null> {
  // Children in parallel would not change each one's own peak, only the time; the full size
  // runs them one at a time so the 16-node runs do not starve each other into timeouts.
  const runs = Array.from({ length: s.samples }, (_, i) => () => measurePeakRss(s.rssNodes, s.rssDurationMs, seed + i));
  const peaks: number[] = [];
  if (s === QUICK) {
    for (const r of await Promise.all(runs.map((f) => f()))) peaks.push(r.peakRssBytes);
  } else {
    for (const f of runs) {
      if (aborted(ctx)) break;
      const r = await f();
      sum.add(`rss:${r.ops}`);
      peaks.push(r.peakRssBytes);
      ctx.log(`scaling: P9 ${s.rssNodes} nodes peak RSS ${fmt(r.peakRssBytes / 2 ** 20)} MiB`);
    }
  }
  if (peaks.length === 0) return null;
  const idle = await measurePeakRss(0, 0, seed);
  const params = { nodes: s.rssNodes, durationMs: s.rssDurationMs };
  metrics.push({ name: 'rss.peakBytes', unit: 'bytes', better: 'lower', samples: peaks, params });
  metrics.push({
    name: 'rss.idleProcessPeakBytes',
    unit: 'bytes',
    better: 'lower',
    samples: [idle.peakRssBytes],
    params: { nodes: 0 },
  });
  notes.push(
    `P9: peak RSS ${fmt(median(peaks) / 2 ** 20)} MiB with ${s.rssNodes} nodes (a node process with the tool loaded and nothing run: ${fmt(idle.peakRssBytes / 2 ** 20)} MiB); the baseline is the 1 GiB target itself`,
  );
  return ratioRow(
    {
      what: `peak RSS of a ${s.rssNodes}-node threads run (child process)`,
      baselineWhat: '1 GiB, the target itself (a fixed bound, not a measurement)',
      unit: 'bytes',
      target: '≤ 1 GiB',
    },
    'lower',
    peaks,
    peaks.map(() => GIB),
    (r) => r >= 1,
  );
}

async function measureP7(
  ctx: BenchContext,
  s: Sizes,
  metrics: Metric[],
  notes: string[],
  sum: Checksum,
): Promise<RatioRow | null> {
  // Warmed up together (outside the timed batches) to keep the smoke size short.
  const [one, two] = await Promise.all([createSimPool(1), createSimPool(PARALLEL_THREADS)]);
  const ones: SimSpeedSample[] = [];
  const twos: SimSpeedSample[] = [];
  try {
    for (let i = 0; i < s.simPairs && !aborted(ctx); i++) {
      // The same seeds on one thread and on two: the work differs only in how it is spread.
      const first = ctx.seed + 1000 * i;
      const a = await one.batch(first, s.simSeedsPerThread);
      const b = await two.batch(first, s.simSeedsPerThread * PARALLEL_THREADS);
      ones.push(a);
      twos.push(b);
      for (const o of b.outcomes) sum.add(`${o.seed}:${o.historyHash}:${o.violations}`);
      ctx.log(
        `scaling: P7 pair ${i + 1}: ${fmt(a.seedsPerSec, 2)} seeds/s on 1 thread, ${fmt(b.seedsPerSec, 2)} on ${PARALLEL_THREADS}; ${fmt(a.stepsPerSecPerThread)} steps/s`,
      );
    }
  } finally {
    await one.close();
    await two.close();
  }
  if (ones.length === 0) return null;
  const steps1 = ones.map((x) => x.stepsPerSecPerThread);
  metrics.push({
    name: 'sim.seedsPerSec',
    unit: 'seeds/s',
    better: 'higher',
    samples: ones.map((x) => x.seedsPerSec),
    params: { threads: 1 },
  });
  metrics.push({
    name: 'sim.seedsPerSec',
    unit: 'seeds/s',
    better: 'higher',
    samples: twos.map((x) => x.seedsPerSec),
    params: { threads: PARALLEL_THREADS },
  });
  metrics.push({ name: 'sim.stepsPerSec', unit: 'steps/s', better: 'higher', samples: steps1, params: { threads: 1 } });
  metrics.push({
    name: 'sim.stepsPerSec',
    unit: 'steps/s',
    better: 'higher',
    samples: twos.map((x) => x.stepsPerSec),
    params: { threads: PARALLEL_THREADS },
  });
  const seeds2 = median(twos.map((x) => x.seedsPerSec));
  const stepsMed = median(steps1);
  const stepsPerSeed = median(ones.flatMap((x) => x.outcomes.map((o) => o.steps)));
  notes.push(
    `P7: ${fmt(seeds2, 2)} seeds/s on ${PARALLEL_THREADS} threads (target ≥ 50), ${fmt(stepsMed / 1e6, 3)}M steps/s per driver thread (target ≥ 1M), ~${fmt(stepsPerSeed)} steps per default soak seed`,
  );
  return ratioRow(
    {
      what: `default soak seeds/s on ${PARALLEL_THREADS} worker threads`,
      baselineWhat: 'the same seeds on 1 worker thread, same run',
      unit: 'seeds/s',
      target: '≥ 50 seeds/s; ≥ 1M steps/s',
    },
    'higher',
    twos.map((x) => x.seedsPerSec),
    ones.map((x) => x.seedsPerSec),
    () => seeds2 >= 50 && stepsMed >= 1e6,
  );
}

export const suite: Suite = async (ctx) => {
  const s = ctx.quick ? QUICK : FULL;
  const metrics: Metric[] = [];
  const notes: string[] = [];
  const ratios: Partial<Record<'P7' | 'P8' | 'P9', RatioRow>> = {};
  const sum = new Checksum();
  const p8 = await measureP8(ctx, s, sum);
  p8Metrics(p8, metrics, notes, ratios);
  if (!aborted(ctx)) {
    const p9 = await measureP9(ctx, s, ctx.seed, metrics, notes, sum);
    if (p9 !== null) ratios.P9 = p9;
  }
  if (!aborted(ctx)) {
    const p7 = await measureP7(ctx, s, metrics, notes, sum);
    if (p7 !== null) ratios.P7 = p7;
  }
  return { metrics, ratios, checksum: sum.hex(), notes };
};
