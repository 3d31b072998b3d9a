// A scenario is a named, runnable timeline (reference §4.8 S1–S6): a small cluster, a fault
// plan, and a script per workload process instead of the random workload. The seed still
// decides the interleaving, jitter in the script's timing, and coin flips the scenario makes
// (for example whether the rgrp was written back before the error).

import type { Config } from '../config/types.js';
import type { NodeCore } from '../node/node-core.js';
import type { Proc } from '../node/proc.js';

/** A script for one workload process of one node; `rnd` is the node's seeded stream. */
export type ScenarioScript = (n: NodeCore, p: Proc, rnd: () => number) => Generator<void, void, void>;

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** What happens and what the oracle should see, per protocol. */
  readonly description: string;
  /** The protocol the scenario is about when --protocol is not given. */
  readonly defaultProtocol: string;
  /** Config overrides on top of the defaults (nodes, processes, rgrps, duration, remount…). */
  readonly config: Partial<Record<keyof Config, number | string>>;
  /** The fault plan (grammar of src/faults), possibly drawn from the seed. */
  faults(seed: number): string;
  /** Scripts of node `node`'s workload processes (index = process number); missing = idle. */
  scripts(node: number): readonly ScenarioScript[];
}

/** The cluster every scenario starts from: 3 nodes, one rgrp, short and at kernel timing. */
export const SMALL_CLUSTER = {
  nodes: 3,
  processes: 1,
  rgrps: 1,
  rgrpDataBlocks: 256,
  files: 64,
  durationMs: 4000,
  hz: 1000,
  timeScale: 1,
} as const satisfies Partial<Config>;
