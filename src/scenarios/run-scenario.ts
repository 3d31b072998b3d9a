// Run one scenario on one seed: build its config and fault plan, run the cluster with its
// scripts, and explain the outcome (for S6, whether the window was hit).

import type { RunClusterOptions } from '../cli/commands/run.js';
import { validateRunOptions } from '../config/config.js';
import type { Mode } from '../config/types.js';
import type { RunResult } from '../report/result.js';
import { scenarioByName } from './index.js';
import type { Scenario } from './scenario.js';

export interface ScenarioRunOptions {
  readonly name: string;
  readonly protocol: string | null;
  readonly mode: Mode;
  readonly seed: number;
  readonly onProgress?: RunClusterOptions['onProgress'];
  readonly signal?: AbortSignal;
  /** Extra passive event observers (a trace writer). */
  readonly observers?: RunClusterOptions['observers'];
}

export interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly protocol: string;
  readonly result: RunResult;
  readonly explanation: string[];
}

export async function runScenario(o: ScenarioRunOptions): Promise<ScenarioOutcome> {
  const scenario = scenarioByName(o.name);
  const protocol = o.protocol ?? scenario.defaultProtocol;
  const run = validateRunOptions({
    ...scenario.config,
    mode: o.mode,
    seed: o.seed,
    protocol,
    faults: scenario.faults(o.seed),
  });
  const { runCluster } = await import('../orchestrator/run.js');
  const result = await runCluster(run.config, {
    protocol: run.protocol,
    faults: run.faults,
    scenario: scenario.name,
    ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(o.observers !== undefined ? { observers: o.observers } : {}),
  });
  return { scenario, protocol, result, explanation: explain(scenario, result) };
}

function ms(ns: number | null | undefined): string {
  return ns === null || ns === undefined ? '—' : `${(ns / 1e6).toFixed(3)} ms`;
}

/** What happened, in the scenario's terms. */
export function explain(s: Scenario, r: RunResult): string[] {
  const out: string[] = [];
  const w = r.withdraws?.find((x) => x.node === 0);
  const p = (w?.phases ?? {}) as Record<string, number | null>;
  if (w !== undefined) {
    out.push(
      `node 0 withdrew: error ${ms(p.error)}, signal ${ms(p.signalSent)}, journal 0 replayed ${ms(p.replayDone)}${(w.replayedBy as number) >= 0 ? ` by node ${w.replayedBy}` : ''} (${w.blocksReplayed ?? 0} blocks), lockspace released ${ms(p.lockspaceReleased)}`,
    );
  }
  if (s.name === 's6-recovery-window') {
    const open = p.recoveryFlagCleared ?? null;
    const close = p.replayDone ?? p.journalClean ?? null;
    const inWindow = r.checker.violations.filter(
      (v) => v.timeNs !== undefined && open !== null && v.timeNs >= open && (close === null || v.timeNs <= close),
    );
    out.push(`S6 window: SDF_WITHDRAW_RECOVERY cleared at ${ms(open)}, J_0 replayed at ${ms(close)}.`);
    if (open === null || (close !== null && open >= close))
      out.push(
        'The window never opened: the flag was cleared only after the journal was replayed (or there was no withdraw).',
      );
    else if (inWindow.length > 0)
      out.push(
        `The window was hit: ${inWindow.length} violation(s) inside it (first: ${inWindow[0]?.invariant} ${inWindow[0]?.detail}).`,
      );
    else if (!r.checker.ok) out.push('Violations were found, but none inside the window.');
    else out.push("The window was not hit: no other node used node 0's blocks between the clear and the replay.");
  }
  out.push(
    r.checker.ok
      ? 'Oracle: no violation.'
      : `Oracle: ${r.checker.violations.length} violation(s): ${[...new Set(r.checker.violations.map((v) => v.invariant))].join(', ')}.`,
  );
  return out;
}
