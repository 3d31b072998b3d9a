// Recovery latency by phase for dirty journals of several sizes, at --time-scale 0 and at kernel
// timing (HZ=1000, time scale 1), plus P6: end-to-end recovery at time scale 0 against replay
// alone of the same journal (capture.ts), paired run by run at the largest size.
//
// A journal of about the wanted size: node 0 runs a disjoint workload (no glock leaves it, so
// nothing is written back early) and its K-th journal write fails (`jerr:node=0,after=K`); the
// journal is sized above 2K so the log daemon never pulls the tail. What is dirty is then what
// node 0 committed before the failure. The size axis is the number of images in the dirty
// region (Ev.replayEnd's "of Y": replayed + revoked); images per journal block depend on flush
// sizes and revokes, so K is corrected after every sample towards the wanted count. Every
// figure carries the counts actually seen (images in the region, images replayed), not the aim.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIMELINE_PHASES } from '../../src/orchestrator/timeline.js';
import type { BenchContext, Metric, RatioRow } from '../suite.js';
import { ratioRow } from '../suite.js';
import { replayAloneFromDump } from './capture.js';
import { runWithdraws, sinceErrorNs, type WithdrawTimeline } from './cluster.js';
import { Budget, type Checksum, latencyMetric, medianOf, rateMetric } from './metrics.js';
import type { RecoveryPlan } from './plan.js';

/**
 * End-to-end recovery for P6: from the error until the journal has been replayed (by whichever
 * node). Not journalClean: at --time-scale 0 force-withdraw's ten journal checks come HZ × 0
 * apart, so the withdrawing node often stops waiting before the survivor's replay is done.
 */
export const END_TO_END_PHASE = 'replayDone';

export interface PhaseSample {
  readonly timeline: WithdrawTimeline;
  /** Images in the dirty region (replayed + revoked). */
  readonly imagesInRegion: number;
  readonly wallMs: number;
}

export interface PhasePoint {
  readonly timeScale: number;
  readonly imagesAimed: number;
  readonly journalBlocks: number;
  readonly samples: readonly PhaseSample[];
}

export interface PhasesOutput {
  readonly metrics: Metric[];
  readonly points: PhasePoint[];
  readonly p6: RatioRow | null;
  readonly notes: string[];
}

function journalBlocksFor(images: number): number {
  return Math.max(1024, 5 * images + 64);
}

function clampK(k: number, images: number): number {
  return Math.max(images, Math.min(Math.round(k), Math.floor(2.5 * images)));
}

export async function measurePhases(ctx: BenchContext, plan: RecoveryPlan, sum: Checksum): Promise<PhasesOutput> {
  const metrics: Metric[] = [];
  const points: PhasePoint[] = [];
  const notes: string[] = [];
  const largest = Math.max(...plan.phaseImages);
  const p6Value: number[] = [];
  const p6Base: number[] = [];
  const p6Spans: number[] = [];
  const budget = new Budget(plan.budgetMs.phases);
  const perPoint = plan.budgetMs.phases / (plan.phaseImages.length * plan.timeScales.length);
  for (const timeScale of plan.timeScales) {
    for (const images of plan.phaseImages) {
      const journalBlocks = journalBlocksFor(images);
      const withP6 = timeScale === 0 && images === largest;
      let k = clampK(images * (timeScale === 0 ? 2 : 1.2), images);
      const samples: PhaseSample[] = [];
      const pointBudget = new Budget(perPoint);
      for (let i = 0; ; i++) {
        if (
          !pointBudget.more(samples.length, plan.phaseSamples.min, plan.phaseSamples.max, ctx.signal) ||
          i >= 2 * plan.phaseSamples.max
        )
          break;
        if (
          samples.length >= plan.phaseSamples.min &&
          !budget.more(samples.length, plan.phaseSamples.min, plan.phaseSamples.max)
        )
          break;
        const dumpDir = withP6 ? mkdtempSync(join(tmpdir(), 'gfs2-recovery-')) : null;
        try {
          const seed = ctx.seed + i;
          const run = await runWithdraws({
            seed,
            nodes: plan.phaseNodes,
            processes: plan.processes,
            journalBlocks,
            timeScale,
            protocol: 'force-withdraw',
            workload: 'disjoint',
            faults: `jerr:node=0,after=${k}`,
            withdrawing: [0],
            durationMs: plan.runCapMs,
            dumpJournalsDir: dumpDir,
            ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
          });
          const t = run.timelines[0];
          const inRegion = run.imagesInRegion[0] ?? null;
          if (!run.complete || t === null || t === undefined || t.blocksReplayed === 0 || inRegion === null) {
            ctx.log(
              `recovery: ts ${timeScale}, ${images} images: run ${i} incomplete (withdraw or replay missing), not counted`,
            );
            continue;
          }
          samples.push({ timeline: t, imagesInRegion: inRegion, wallMs: run.wallMs });
          sum.add(t.blocksReplayed);
          k = clampK((k * images) / inRegion, images);
          if (withP6 && dumpDir !== null) {
            const e2e = sinceErrorNs(t, END_TO_END_PHASE);
            try {
              const alone = replayAloneFromDump(
                run.config,
                dumpDir,
                0,
                t.replayedBy,
                t.blocksReplayed,
                plan.replayAloneReps,
              );
              if (e2e !== null) {
                p6Value.push(e2e);
                p6Base.push(medianOf(alone.samplesNs));
                p6Spans.push(alone.spanBlocks);
                sum.add(alone.spanBlocks);
              }
            } catch (err) {
              // A rebuild that fails its checks is not the same journal: no pair rather than a wrong one.
              const why = err instanceof Error ? err.message : String(err);
              ctx.log(`recovery: P6 pair of run ${i} dropped: ${why}`);
              notes.push(`P6 pair dropped (seed ${seed}): ${why}`);
            }
          }
        } finally {
          if (dumpDir !== null) rmSync(dumpDir, { recursive: true, force: true });
        }
      }
      const point: PhasePoint = { timeScale, imagesAimed: images, journalBlocks, samples };
      points.push(point);
      metrics.push(...pointMetrics(point, plan));
      const got = samples.map((s) => `${s.timeline.blocksReplayed}/${s.imagesInRegion}`);
      ctx.log(
        `recovery: ts ${timeScale}, ~${images} images: ${samples.length} runs, replayed/in region ${got.join(' ')}`,
      );
    }
  }
  let p6: RatioRow | null = null;
  if (p6Value.length > 0) {
    p6 = ratioRow(
      {
        what: `end-to-end recovery (error → replay done) at --time-scale 0, ~${largest}-image dirty journal, threads mode`,
        baselineWhat: 'replay alone of the same journal bytes (replayJournal incl. head search), same process',
        unit: 'ns',
        target: '≤ 2×',
      },
      // 'higher' selects value / baseline: the row states end-to-end as a multiple of replay alone.
      'higher',
      p6Value,
      p6Base,
      (r) => r <= 2,
    );
    notes.push(
      `P6 dirty regions (tail→head, blocks): ${p6Spans.join(' ')}; journal ${journalBlocksFor(largest)} blocks`,
    );
  }
  return { metrics, points, p6, notes };
}

function pointMetrics(p: PhasePoint, plan: RecoveryPlan): Metric[] {
  if (p.samples.length === 0) return [];
  const replayed = p.samples.map((s) => s.timeline.blocksReplayed);
  const inRegion = p.samples.map((s) => s.imagesInRegion);
  const params = {
    timeScale: p.timeScale,
    hz: 1000,
    imagesAimed: p.imagesAimed,
    imagesReplayedMedian: medianOf(replayed),
    imagesReplayedMin: Math.min(...replayed),
    imagesReplayedMax: Math.max(...replayed),
    imagesInRegionMedian: medianOf(inRegion),
    imagesInRegionMin: Math.min(...inRegion),
    imagesInRegionMax: Math.max(...inRegion),
    journalBlocks: p.journalBlocks,
    nodes: plan.phaseNodes,
    protocol: 'force-withdraw',
  };
  const out: Metric[] = [];
  for (const phase of TIMELINE_PHASES) {
    if (phase === 'error') continue;
    const xs: number[] = [];
    for (const s of p.samples) {
      const v = sinceErrorNs(s.timeline, phase);
      if (v !== null) xs.push(v);
    }
    if (xs.length > 0) out.push(latencyMetric(`recovery.phase.${phase}.sinceErrorNs`, xs, params));
  }
  // The survivor's replay inside the cluster: both passes and the clean header (head search excluded).
  const rate: number[] = [];
  for (const s of p.samples) {
    const t = s.timeline.phases;
    if (
      t.headFound !== null &&
      t.headFound !== undefined &&
      t.replayDone !== null &&
      t.replayDone !== undefined &&
      t.replayDone > t.headFound
    ) {
      rate.push((s.timeline.blocksReplayed * 4096) / 1e6 / ((t.replayDone - t.headFound) / 1e9));
    }
  }
  if (rate.length > 0) out.push(rateMetric('recovery.clusterReplay.MBPerSec', 'MB/s', rate, params));
  return out;
}
