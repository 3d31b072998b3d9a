// The report's four plots as vega-lite specs built from run results (data inline): recovery
// latency percentiles per withdraw phase, the secondary-withdraw wait distribution, the
// throughput timeline with fault and withdraw markers, and the top contended glocks. A plot
// whose data the results do not carry is a note saying how to get it, never an empty chart.

import type { TopLevelSpec } from 'vega-lite';
import { TIMELINE_PHASES } from '../../orchestrator/timeline.js';
import { type LatencySummary, mergeSummaries } from '../../stats/histogram.js';
import type { GlockProfile } from '../result.js';
import type { LoadedRun } from './load.js';

export interface PlotSpec {
  readonly id: string;
  readonly title: string;
  /** What the plot shows, one sentence under it. */
  readonly caption: string;
  readonly spec: TopLevelSpec | null;
  /** Shown instead of the plot when spec is null. */
  readonly note?: string;
}

const WIDTH = 680;
const HEIGHT = 240;
const GLOCKS_TOP = 15;
const PERCENTILES = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['max', 'max'],
] as const satisfies readonly (readonly [string, keyof LatencySummary])[];

const base = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: WIDTH,
  height: HEIGHT,
  background: 'white',
  // Legends above the plot keep the SVG within the page width.
  config: { legend: { orient: 'top', labelLimit: 260 } },
} as const;

export function recoveryPercentilesPlot(runs: readonly LoadedRun[]): PlotSpec {
  const rows: { phase: string; order: number; percentile: string; ms: number }[] = [];
  TIMELINE_PHASES.forEach((phase, order) => {
    const parts = runs
      .map((r) => r.result.latency[`withdraw.${phase}`])
      .filter((s): s is LatencySummary => s !== undefined && s.count > 0);
    if (parts.length === 0) return;
    const s = parts.length === 1 ? (parts[0] as LatencySummary) : mergeSummaries(parts);
    for (const [label, key] of PERCENTILES)
      rows.push({ phase, order, percentile: label, ms: (s[key] as number) / 1e6 });
  });
  const title = 'Recovery latency per phase';
  const caption =
    "Time from the withdrawing node's error to each recovery phase, over all withdraws (HDR percentiles).";
  if (rows.length === 0)
    return {
      id: 'recovery-percentiles',
      title,
      caption,
      spec: null,
      note: 'no withdraw in these results: run with --faults (e.g. --faults random) or a scenario to measure recovery',
    };
  return {
    id: 'recovery-percentiles',
    title,
    caption,
    spec: {
      ...base,
      data: { values: rows },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'phase', type: 'nominal', sort: { field: 'order' }, title: null, axis: { labelAngle: -30 } },
        xOffset: { field: 'percentile', sort: PERCENTILES.map((p) => p[0]) },
        y: { field: 'ms', type: 'quantitative', title: 'ms since the error' },
        color: {
          field: 'percentile',
          type: 'nominal',
          sort: PERCENTILES.map((p) => p[0]),
          scale: { scheme: 'blues' },
          title: 'percentile',
        },
      },
    },
  };
}

export function secondaryWaitPlot(runs: readonly LoadedRun[]): PlotSpec {
  const rows: { kind: string; ms: number }[] = [];
  for (const r of runs) {
    for (const w of r.result.withdraws ?? []) {
      for (const ns of (w.secondaryWaitsNs as number[] | undefined) ?? [])
        rows.push({ kind: 'secondary withdraw wait', ms: ns / 1e6 });
      for (const ns of (w.blockedRequestsNs as number[] | undefined) ?? [])
        rows.push({ kind: "other nodes' blocked requests", ms: ns / 1e6 });
    }
  }
  const title = 'Secondary-withdraw wait distribution';
  const caption = `How long withdrawing nodes waited for their journal to be recovered (secondary wait), and how long other nodes' requests for locks they held were blocked; ${rows.length} samples.`;
  if (rows.length === 0)
    return {
      id: 'secondary-wait',
      title,
      caption,
      spec: null,
      note: 'no secondary withdraw waits in these results (the protocol or the run had none)',
    };
  return {
    id: 'secondary-wait',
    title,
    caption,
    spec: {
      ...base,
      data: { values: rows },
      mark: { type: 'bar', tooltip: false },
      encoding: {
        x: { field: 'ms', type: 'quantitative', bin: { maxbins: 30 }, title: 'wait (ms)' },
        y: { aggregate: 'count', type: 'quantitative', title: 'waits' },
        color: { field: 'kind', type: 'nominal', title: null, scale: { range: ['#e45756', '#4c78a8'] } },
      },
    },
  };
}

export function throughputPlot(runs: readonly LoadedRun[]): PlotSpec {
  const line: { run: string; s: number; opsPerSec: number }[] = [];
  const marks: { run: string; s: number; what: string; label: string; row: number }[] = [];
  for (const r of runs) {
    const se = r.result.series;
    if (se === undefined) continue;
    se.ops.forEach((n, i) => {
      line.push({ run: r.label, s: ((i + 0.5) * se.intervalNs) / 1e9, opsPerSec: n / (se.intervalNs / 1e9) });
    });
    // Labels on rows of their own (faults, then withdraws) so that a fault and the withdraw it
    // causes a moment later do not print over each other.
    for (const f of se.faults)
      marks.push({
        run: r.label,
        s: f.timeNs / 1e9,
        what: 'fault',
        label: `${f.kind} n${f.node}`,
        row: 2 + 12 * (marks.length % 3),
      });
    const faultRows = marks.length;
    for (const w of se.withdraws)
      marks.push({
        run: r.label,
        s: w.timeNs / 1e9,
        what: 'withdraw',
        label: `withdraw n${w.node}`,
        row: 38 + 12 * ((marks.length - faultRows) % 3),
      });
  }
  const title = 'Throughput over time';
  const caption =
    'Operations finished per second (all nodes; virtual time in sim mode), with the faults that fired and the withdraws they caused.';
  if (line.length === 0)
    return {
      id: 'throughput',
      title,
      caption,
      spec: null,
      note: 'no throughput series in these results (written by gfs2-stress runs from this version on)',
    };
  const spec = {
    ...base,
    layer: [
      {
        data: { values: line },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: {
          x: { field: 's', type: 'quantitative', title: 'time (s)' },
          y: { field: 'opsPerSec', type: 'quantitative', title: 'ops/s' },
          color: { field: 'run', type: 'nominal', title: 'run', legend: runs.length > 1 ? {} : null },
        },
      },
      ...(marks.length === 0
        ? []
        : [
            {
              data: { values: marks },
              mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
              encoding: {
                x: { field: 's', type: 'quantitative' },
                stroke: {
                  field: 'what',
                  type: 'nominal',
                  title: 'marker',
                  scale: { domain: ['fault', 'withdraw'], range: ['#d62728', '#ff7f0e'] },
                },
              },
            },
            {
              data: { values: marks },
              mark: { type: 'text', align: 'left', angle: 0, dx: 3, dy: 0, baseline: 'top', fontSize: 10 },
              encoding: {
                x: { field: 's', type: 'quantitative' },
                y: { field: 'row', type: 'quantitative', scale: null },
                text: { field: 'label' },
                color: { value: '#444' },
              },
            },
          ]),
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
  return { id: 'throughput', title, caption, spec };
}

export function glocksPlot(runs: readonly LoadedRun[]): PlotSpec {
  const byName = new Map<string, { name: string; waitNsTotal: number; contended: number; waitNsMax: number }>();
  let any = false;
  for (const r of runs) {
    const gl: readonly GlockProfile[] | undefined = r.result.glocks;
    if (gl === undefined) continue;
    any = true;
    for (const g of gl) {
      const m = byName.get(g.name) ?? { name: g.name, waitNsTotal: 0, contended: 0, waitNsMax: 0 };
      m.waitNsTotal += g.waitNsTotal;
      m.contended += g.contended;
      m.waitNsMax = Math.max(m.waitNsMax, g.waitNsMax);
      byName.set(g.name, m);
    }
  }
  const top = [...byName.values()]
    .filter((g) => g.contended > 0)
    .sort((a, b) => b.waitNsTotal - a.waitNsTotal)
    .slice(0, GLOCKS_TOP)
    .map((g) => ({
      ...g,
      waitMsTotal: g.waitNsTotal / 1e6,
      label: `${g.contended} contended, max ${(g.waitNsMax / 1e6).toFixed(2)} ms`,
    }));
  const title = 'Top contended glocks';
  const caption = `The ${GLOCKS_TOP} glocks with the most total wait (perf lock contention's "total wait"), summed over nodes and runs.`;
  if (!any)
    return {
      id: 'glocks',
      title,
      caption,
      spec: null,
      note: 'no glock profile in this result; run `gfs2-stress profile`',
    };
  if (top.length === 0)
    return { id: 'glocks', title, caption, spec: null, note: 'the glock profile shows no contended glock' };
  return {
    id: 'glocks',
    title,
    caption,
    spec: {
      ...base,
      height: Math.max(80, top.length * 20),
      data: { values: top },
      // One shared encoding: per-layer sorts of the same y field would conflict.
      encoding: {
        y: { field: 'name', type: 'nominal', sort: null, title: null }, // data order: already by total wait
        x: { field: 'waitMsTotal', type: 'quantitative', title: 'total wait (ms)' },
      },
      layer: [
        { mark: { type: 'bar', color: '#72b7b2' } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { text: { field: 'label' } } },
      ],
    },
  };
}

export function allPlots(runs: readonly LoadedRun[]): PlotSpec[] {
  return [recoveryPercentilesPlot(runs), secondaryWaitPlot(runs), throughputPlot(runs), glocksPlot(runs)];
}
