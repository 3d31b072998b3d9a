// Test helper (not a test file): runs a named scenario on the deterministic simulator and
// answers the questions the scenario and protocol tests ask of its result — which invariants
// were violated, what each node logged, the withdraw timeline of node 0. Outcomes are memoised
// per (scenario, protocol, seed) within one test process: a sim run is a pure function of
// those three, so two tests that look at the same run share it instead of running it twice.

import type { LogMessage, RunResult, WithdrawRecord } from '../../src/report/result.js';
import { runScenario, type ScenarioOutcome } from '../../src/scenarios/run-scenario.js';

/** Seeds every scenario test runs: each scenario's script draws its jitter and coin flips from the seed. */
export const SEEDS = [1, 2, 3] as const;

const memo = new Map<string, Promise<ScenarioOutcome>>();

export function scenarioOutcome(name: string, protocol: string, seed: number): Promise<ScenarioOutcome> {
  const key = `${name} ${protocol} ${seed}`;
  let p = memo.get(key);
  if (p === undefined) {
    p = runScenario({ name, protocol, mode: 'sim', seed });
    memo.set(key, p);
  }
  return p;
}

/** The distinct invariants the oracle reported. */
export function invariantsOf(r: RunResult): string[] {
  return [...new Set(r.checker.violations.map((v) => v.invariant))].sort();
}

/** The kernel-style text of a log line without the `gfs2: fsid=cluster:fs.N: ` prefix. */
export function bare(m: LogMessage): string {
  return m.text.replace(/^gfs2: fsid=[^:]*:[^:]*: /, '');
}

/** Messages logged by `node` (all nodes when omitted), prefix stripped. */
export function linesOf(r: RunResult, node?: number): string[] {
  return r.messages.filter((m) => node === undefined || m.node === node).map(bare);
}

/** Messages logged by every node except `node`. */
export function survivorMessages(r: RunResult, node: number): LogMessage[] {
  return r.messages.filter((m) => m.node !== node);
}

/** Node 0's withdraw record: every withdraw scenario makes node 0 withdraw. */
export function withdrawOf(r: RunResult, node = 0): WithdrawRecord {
  const w = r.withdraws?.find((x) => x.node === node);
  if (w === undefined)
    throw new Error(`no withdraw record for node ${node}; withdraws: ${JSON.stringify(r.withdraws)}`);
  return w;
}

/** A phase time of a withdraw record, which must have been reached. */
export function phaseNs(w: WithdrawRecord, phase: string): number {
  const t = w.phases[phase];
  if (t === null || t === undefined) throw new Error(`phase ${phase} not reached: ${JSON.stringify(w.phases)}`);
  return t;
}

/** A one-line account of an outcome for assertion messages. */
export function describeOutcome(o: ScenarioOutcome): string {
  const r = o.result;
  const nodes = r.nodes.map((n) => `${n.node}:${n.state}`).join(' ');
  const bad = r.checker.violations
    .slice(0, 4)
    .map((v) => `${v.invariant}: ${v.detail}`)
    .join('; ');
  return `${o.scenario.name} under ${o.protocol}, seed ${r.seed}: state ${r.state}; nodes ${nodes}; violations [${bad}]; explanation: ${o.explanation.join(' | ')}`;
}
