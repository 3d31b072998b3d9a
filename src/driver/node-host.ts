// Builds one node over the shared memory for a driver: the platform, the node, its processes.
// The threads worker and the sim driver both go through here, so the node is built the same
// way in both modes.

import type { Config } from '../config/types.js';
import { FaultInjector, faultsOfNode, parseFaultPlan } from '../faults/index.js';
import type { ClusterMemory } from '../memory/cluster-memory.js';
import { NODE_STAT_FIELDS } from '../memory/node-stats.js';
import { ClusterNode } from '../node/node.js';
import type { BlockIo } from '../platform/platform.js';
import { protocolFor } from '../protocols/index.js';
import { scenarioByName } from '../scenarios/index.js';
import { makePlatform, versionCounter } from './platforms.js';

export interface HostOptions {
  readonly node: number;
  readonly cfg: Config;
  readonly mem: ClusterMemory;
  readonly nowNs: () => number;
  readonly notify: (i32: Int32Array, index: number) => void;
  readonly io?: BlockIo;
  readonly ioCostNs: number;
  readonly protocol: string;
  /** The run's fault plan (canonical text), or null. */
  readonly faults: string | null;
  /** A scenario's name: its scripts replace the random workload. */
  readonly scenario: string | null;
}

export interface HostedNode {
  readonly node: ClusterNode;
  readonly injector: FaultInjector | null;
}

export function hostNode(o: HostOptions): HostedNode {
  const { mem, cfg, node } = o;
  const plan = o.faults === null ? null : parseFaultPlan(o.faults, cfg.nodes);
  const inj =
    plan !== null && faultsOfNode(plan, node).length > 0
      ? new FaultInjector({ plan, node, seed: cfg.seed, nowNs: o.nowNs, journals: mem.layout.fs })
      : null;
  const base = o.io ?? mem.disk;
  const platform = makePlatform({
    node,
    seed: cfg.seed,
    mem,
    io: inj !== null ? inj.wrapIo(base) : base,
    nowNs: o.nowNs,
    notify: o.notify,
    delays: inj?.delayHooks() ?? null,
  });
  inj?.bindEvents(platform.events);
  const n = new ClusterNode({
    node,
    cfg,
    fs: mem.layout.fs,
    geo: mem.layout.rgrps,
    platform,
    dlm: mem.dlm,
    stats: mem.nodeStats.subarray(node * NODE_STAT_FIELDS, (node + 1) * NODE_STAT_FIELDS),
    glockStats: mem.glockStats,
    diskBlocks: mem.layout.totalBlocks,
    nextVersion: versionCounter(mem.ctl),
    ioCostNs: o.ioCostNs,
    ctl: mem.ctl,
    protocol: protocolFor(o.protocol),
    scripts: o.scenario === null ? null : scenarioByName(o.scenario).scripts(node),
  });
  if (inj !== null) n.crashSchedule = { dueAtNs: () => inj.crashDueAtNs(), due: () => inj.crashDue() };
  n.start();
  return { node: n, injector: inj };
}
