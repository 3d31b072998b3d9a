import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { glockNameResolver } from '../../src/check/glock-names.js';
import { readJournalStates } from '../../src/check/journals.js';
import { Oracle } from '../../src/check/oracle.js';
import { validateConfig } from '../../src/config/config.js';
import { limits } from '../../src/config/limits.js';
import type { Config } from '../../src/config/types.js';
import { hostNode } from '../../src/driver/node-host.js';
import { SimClock, SimDriver, type SimOutcome } from '../../src/driver/sim.js';
import { type ClusterMemory, createClusterMemory } from '../../src/memory/cluster-memory.js';
import { Ctl, CtlNode, ctlNodeIndex, NodePhase, RunState } from '../../src/memory/slots.js';
import { EventConsumer } from '../../src/orchestrator/consumer.js';
import { mkfsCluster } from '../../src/orchestrator/mkfs.js';

const PROTOCOL = 'force-withdraw';
const FAULTS: string | null = null;

/** As the orchestrator does: once every node has quiesced, let them all unmount. */
function advanceRunState(mem: ClusterMemory, cfg: Config): void {
  if (Atomics.load(mem.ctl, Ctl.runState) >= RunState.unmount) return;
  for (let n = 0; n < cfg.nodes; n++) {
    const ph = Atomics.load(mem.ctl, ctlNodeIndex(n, CtlNode.phase));
    if (ph === NodePhase.idle || ph === NodePhase.mounting || ph === NodePhase.mounted) return;
  }
  Atomics.store(mem.ctl, Ctl.runState, RunState.unmount);
}

/** A clean (no-fault) sim run with the oracle attached to the event consumer, as run.ts would. */
function runWithOracle(seed: number): {
  oracle: Oracle;
  outcome: SimOutcome;
  violations: ReturnType<Oracle['finish']>;
} {
  const cfg = validateConfig({
    mode: 'sim',
    seed,
    nodes: 3,
    processes: 2,
    ops: 1500,
    durationMs: 600_000,
    workload: 'contended',
  });
  const mem = createClusterMemory(cfg);
  mkfsCluster(mem, cfg);
  Atomics.store(mem.ctl, Ctl.opsBudget, cfg.ops);
  const consumer = new EventConsumer(mem.events, null);
  const oracle = new Oracle({
    nodes: cfg.nodes,
    journalBlocks: cfg.journalBlocks,
    blockSize: cfg.blockSize,
    glockName: glockNameResolver(mem, cfg.nodes),
  });
  consumer.observers.push(oracle.observe);
  for (const ring of mem.events) ring.onFull = () => void consumer.drain();
  const clock = new SimClock();
  const nodes = [];
  for (let n = 0; n < cfg.nodes; n++) {
    nodes.push(
      hostNode({
        node: n,
        cfg,
        mem,
        nowNs: () => clock.nowNs,
        notify: () => {},
        ioCostNs: 20_000,
        protocol: PROTOCOL,
        faults: FAULTS,
        scenario: null,
      } as Parameters<typeof hostNode>[0]).node,
    );
  }
  const driver = new SimDriver(nodes, clock, {
    seed,
    stepCostNs: 1_000,
    horizonNs: cfg.durationMs * 1e6,
    maxSteps: limits.simStepsMax,
  });
  driver.afterStep = () => {
    consumer.drain();
    if ((driver.steps & 63) === 0) advanceRunState(mem, cfg);
  };
  let outcome: SimOutcome;
  for (;;) {
    outcome = driver.run(20_000);
    if (outcome.state !== 'paused') break;
    advanceRunState(mem, cfg);
  }
  consumer.drain();
  const journals = readJournalStates(mem.disk, mem.layout.fs);
  const states = nodes.map((_, node) => ({ node, state: 'unmounted' }));
  const violations = oracle.finish(mem.disk.bytes, journals, { nodes: states });
  return { oracle, outcome, violations };
}

describe('oracle on a real fault-free cluster', () => {
  for (const seed of [1, 2, 3]) {
    test(`a contended fault-free sim run (seed ${seed}) gives the oracle no violation`, () => {
      const { oracle, outcome, violations } = runWithOracle(seed);
      assert.equal(outcome.state, 'completed', JSON.stringify(outcome));
      const s = oracle.summary();
      // The run must have exercised what the checkers look at, or "no violation" proves nothing.
      assert.ok(s.events > 1000, `only ${s.events} events`);
      assert.ok((s.durability?.checkedBlocks ?? 0) > 10, JSON.stringify(s.durability));
      assert.deepEqual(violations, [], JSON.stringify(violations.slice(0, 3), null, 1));
    });
  }
});
