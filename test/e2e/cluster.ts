// Test helper (not a test file): runs a whole cluster in-process through the orchestrator, on
// the deterministic simulator unless the config says otherwise, with the default protocol and
// no faults. Each run builds its own shared memory, so runs are independent of each other.

import { defaultProtocol, type RawConfig, validateConfig } from '../../src/config/config.js';
import type { Config } from '../../src/config/types.js';
import { runCluster } from '../../src/orchestrator/run.js';
import type { RunResult } from '../../src/report/result.js';

/** A small sim cluster: 3 nodes × 2 workload processes, bounded by an op count, not by time. */
export function simConfig(over: RawConfig = {}): Config {
  return validateConfig({ mode: 'sim', seed: 1, nodes: 3, processes: 2, ops: 2000, durationMs: 600_000, ...over });
}

export function runConfig(config: Config): Promise<RunResult> {
  return runCluster(config, { protocol: defaultProtocol, faults: null });
}

export function runSim(over: RawConfig = {}): Promise<RunResult> {
  return runConfig(simConfig(over));
}

/** A one-line account of a result for assertion messages: state, error, violations, node states. */
export function describeRun(r: RunResult): string {
  const nodes = r.nodes.map((n) => `${n.node}:${n.state}/${n.ops}ops`).join(' ');
  const bad = r.checker.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ');
  return `seed ${r.seed} state ${r.state}${r.error !== null ? ` (${r.error.message})` : ''}; nodes ${nodes}; violations [${bad}]`;
}

/**
 * Journal blocks one node wrote: each flush writes at least its commit header, plus one block
 * per logged image (descriptors and revokes come on top, so this is a lower bound).
 */
export function journalBlocksWrittenMin(r: RunResult, node: number): number {
  const n = r.nodes[node];
  return n === undefined ? 0 : n.log.flushes + n.log.blocksLogged;
}
