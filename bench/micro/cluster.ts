// The micro suite's system under test: a real cluster memory (one SharedArrayBuffer laid out
// from a validated config), its DLM with the nodes joined, and a glock manager of node 0 over
// the real DLM lock module. Nothing here is a stand-in for the code being measured.

import { validateConfig } from '../../src/config/config.js';
import { limits } from '../../src/config/limits.js';
import type { Config } from '../../src/config/types.js';
import { type Dlm, GlockType, LmState } from '../../src/dlm/index.js';
import { dlmLayout, R_STATE } from '../../src/dlm/layout.js';
import {
  defaultGlockOpsTable,
  GlockManager,
  glockNodeCounterSlots,
  glockStatsNodeOffset,
  glockStatsSlots,
} from '../../src/glock/index.js';
import { type ClusterMemory, createClusterMemory } from '../../src/memory/cluster-memory.js';
import { DlmLockModule } from '../../src/node/lock-module.js';
import type { Platform } from '../../src/platform/platform.js';

/** A validated config for the micro suite (small disk unless the journal needs more). */
export function microConfig(seed: number, nodes: number, journalBlocks: number): Config {
  // The resource groups hold at least a journal's worth of distinct blocks, so P5 can log every
  // image to a different block (a block logged twice would let the log reclaim the older copy).
  const rgrpDataBlocks = Math.max(256, journalBlocks);
  return validateConfig({
    mode: 'threads',
    seed,
    nodes,
    processes: 1,
    journalBlocks,
    files: 16,
    rgrps: 2,
    rgrpDataBlocks,
    timeScale: 0,
  });
}

/** Cluster memory with every node joined and the join messages drained from the rings. */
export function joinedCluster(cfg: Config): ClusterMemory {
  const mem = createClusterMemory(cfg);
  joinAll(mem.dlm, cfg.nodes);
  return mem;
}

export function joinAll(dlm: Dlm, nodes: number): void {
  const rec = new Int32Array(4);
  for (let n = 0; n < nodes; n++)
    if (!dlm.join(n)) throw new Error(`micro bench: node ${n} could not join the lockspace`);
  for (let n = 0; n < nodes; n++) while (dlm.ring(n).take(rec));
}

/**
 * Word index (in an Int32Array over the whole buffer) of a word inside the DLM's resource
 * table that no lock uses: the state word of the last resource slot. The raw-CAS baselines
 * work on it, so they touch the same table, with the same cache behaviour, as the DLM.
 */
export function spareDlmWord(mem: ClusterMemory, nodes: number): number {
  const l = dlmLayout(nodes, mem.layout.dlmOffset / 4);
  return l.resources + (l.resourcesMax - 1) * l.stride + R_STATE;
}

/** A platform for a bench node: real monotonic time, the real disk, no events, logs kept. */
export function benchPlatform(mem: ClusterMemory, logs: string[]): Platform {
  return {
    nowNs: () => performance.now() * 1e6,
    random: () => 0.5,
    notify: (i32, index) => void Atomics.notify(i32, index),
    io: mem.disk,
    events: { emit: () => {} },
    log: (_node, message) => void logs.push(message),
  };
}

/** Node `node`'s glock manager over the real DLM (no kernel delays: time scale 0). */
export function benchGlocks(mem: ClusterMemory, node: number, platform: Platform): GlockManager {
  const stats = mem.glockStats.subarray(
    glockStatsNodeOffset(node, limits.dlmResourcesMax),
    glockStatsNodeOffset(node + 1, limits.dlmResourcesMax),
  );
  if (stats.length < glockStatsSlots) throw new Error('micro bench: glock stats view is empty');
  return new GlockManager({
    node,
    platform,
    lm: new DlmLockModule(mem.dlm, node),
    ops: defaultGlockOpsTable(),
    stats,
    counters: new Float64Array(glockNodeCounterSlots),
    timing: { hz: 1000, timeScale: 0 },
  });
}

export { GlockType, LmState };
