// Protocol comparison, paired by seed: for each seed the same config and the same fault plan
// (node 0's K-th journal write fails, early in a contended `mixed` workload) under
// force-withdraw, release-recover and legacy. Measured per run: recovery latency (error → the
// withdrawn journal replayed, whoever replays it) and the blocked-request time of the other
// nodes (timeline's blockedRequest: their waits on locks node 0 held when it withdrew).
//
// Legacy leaves the journal to the node's own next mount, so every protocol runs with the same
// --remount-after: a withdrawn node mounts again after that delay (for legacy, its replay then).

import type { Protocol } from '../../src/config/config.js';
import type { BenchContext, Metric } from '../suite.js';
import { runWithdraws } from './cluster.js';
import { Budget, type Checksum, latencyMetric, medianOf } from './metrics.js';
import type { RecoveryPlan } from './plan.js';

export const COMPARED_PROTOCOLS: readonly Protocol[] = ['force-withdraw', 'release-recover', 'legacy'];

export interface ProtocolPoint {
  readonly protocol: Protocol;
  readonly timeScale: number;
  readonly seeds: number[];
  readonly recoveryNs: number[];
  /** Per seed: the sum of blocked requests' waits, and every wait (for the histogram). */
  readonly blockedTotalNs: number[];
  readonly blockedNs: number[];
  readonly blockedCounts: number[];
  readonly imagesReplayed: number[];
  readonly violations: number;
}

export async function measureProtocols(
  ctx: BenchContext,
  plan: RecoveryPlan,
  sum: Checksum,
): Promise<{ metrics: Metric[]; points: ProtocolPoint[] }> {
  const cfg = plan.protocols;
  const metrics: Metric[] = [];
  const points: ProtocolPoint[] = [];
  for (const timeScale of cfg.timeScales) {
    const byProtocol = new Map<Protocol, ProtocolPoint>();
    for (const protocol of COMPARED_PROTOCOLS) {
      byProtocol.set(protocol, {
        protocol,
        timeScale,
        seeds: [],
        recoveryNs: [],
        blockedTotalNs: [],
        blockedNs: [],
        blockedCounts: [],
        imagesReplayed: [],
        violations: 0,
      });
    }
    const budget = new Budget(cfg.seeds > 0 ? plan.budgetMs.protocols / cfg.timeScales.length : 0);
    // A seed counts only when all three protocols completed it, so the samples stay paired.
    let kept = 0;
    for (let i = 0; budget.more(kept, cfg.minSeeds, cfg.seeds, ctx.signal) && i < 2 * cfg.seeds; i++) {
      const seed = ctx.seed + 1000 + i;
      const rows = [];
      for (const protocol of COMPARED_PROTOCOLS) {
        const run = await runWithdraws({
          seed,
          nodes: cfg.nodes,
          processes: plan.processes,
          journalBlocks: 1024,
          timeScale,
          protocol,
          workload: 'mixed',
          faults: `jerr:node=0,after=${cfg.afterWrites},sticky=0`,
          withdrawing: [0],
          durationMs: plan.runCapMs,
          remountAfterMs: cfg.remountAfterMs,
          ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
        });
        const t = run.timelines[0] ?? null;
        const err = t === null ? null : (t.phases.error ?? t.phases.withdrawStart ?? null);
        const done = t?.phases.replayDone ?? null;
        if (!run.complete || t === null || err === null || done === null) {
          ctx.log(
            `recovery: protocols, seed ${seed}: ${protocol} did not recover journal 0 (withdrew: ${t !== null}), seed not counted`,
          );
          break;
        }
        rows.push({ protocol, recoveryNs: done - err, t, violations: run.result.checker.violations.length });
      }
      if (rows.length !== COMPARED_PROTOCOLS.length) continue;
      kept++;
      for (const r of rows) {
        const p = byProtocol.get(r.protocol) as ProtocolPoint;
        p.seeds.push(seed);
        p.recoveryNs.push(r.recoveryNs);
        p.blockedTotalNs.push(r.t.blockedRequestsNs.reduce((a, b) => a + b, 0));
        p.blockedNs.push(...r.t.blockedRequestsNs);
        p.blockedCounts.push(r.t.blockedRequestsNs.length);
        p.imagesReplayed.push(r.t.blocksReplayed);
        (p as { violations: number }).violations += r.violations;
        sum.add(r.t.blocksReplayed);
      }
    }
    for (const p of byProtocol.values()) {
      points.push(p);
      if (p.seeds.length === 0) continue;
      const params = {
        protocol: p.protocol,
        timeScale,
        nodes: cfg.nodes,
        workload: 'mixed',
        faults: `jerr:node=0,after=${cfg.afterWrites},sticky=0`,
        remountAfterMs: cfg.remountAfterMs,
        seeds: p.seeds.join(','),
        imagesReplayedMedian: medianOf(p.imagesReplayed),
      };
      metrics.push(
        latencyMetric('recovery.protocol.recoveryNs', p.recoveryNs, params),
        latencyMetric(
          'recovery.protocol.blockedRequestTotalNs',
          p.blockedTotalNs,
          params,
          p.blockedNs.length > 0 ? p.blockedNs : [0],
        ),
        {
          name: 'recovery.protocol.blockedRequests',
          unit: 'requests',
          better: 'lower',
          samples: p.blockedCounts,
          params,
        },
      );
    }
    ctx.log(`recovery: protocols at ts ${timeScale}: ${kept} seeds paired`);
  }
  return { metrics, points };
}
