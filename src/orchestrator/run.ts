// The orchestrator: builds the shared memory once, formats the disk, starts the nodes on the
// chosen driver, drains their events, moves the run through its states (running → stop the
// workload → every node quiesced → dump live journals → unmount), then checks the disk and
// assembles the result document. The main thread never blocks: the sim runs in chunks with
// the event loop in between; the threads driver is watched from a timer.

import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { glockNameResolver } from '../check/glock-names.js';
import { Oracle } from '../check/oracle.js';
import type { RunClusterOptions } from '../cli/commands/run.js';
import { assertLimits, limits } from '../config/limits.js';
import { type Config, jiffiesToNs } from '../config/types.js';
import { CbKind } from '../dlm/api.js';
import { HistoryHash } from '../driver/history-hash.js';
import type { NodeTaskResult } from '../driver/messages.js';
import { monotonicNs } from '../driver/mono-clock.js';
import { hostNode } from '../driver/node-host.js';
import { SimClock, SimDriver, type SimOutcome, simCounters } from '../driver/sim.js';
import { createThreadsPool } from '../driver/threads.js';
import { NodeCommand } from '../driver/threads-task.js';
import { type ClusterMemory, createClusterMemory } from '../memory/cluster-memory.js';
import { NODE_STAT_FIELDS, NodeStat } from '../memory/node-stats.js';
import { Ctl, CtlNode, ctlNodeIndex, NodePhase, RunState } from '../memory/slots.js';
import { ControlCode } from '../node/node.js';
import type { RunResult } from '../report/result.js';
import { EventConsumer } from './consumer.js';
import { dumpJournals, dumpLiveJournals } from './dump.js';
import { finishResult } from './finish.js';
import { mkfsCluster } from './mkfs.js';
import { SeriesCollector } from './series.js';
import { WithdrawTimelines } from './timeline.js';

/** Virtual cost of one scheduling step and of one batch of disk I/O in the simulator. */
const SIM_STEP_NS = 1_000;
const SIM_IO_NS = 20_000;
/** Sim steps between yields to the event loop (progress, signals). */
const SIM_CHUNK_STEPS = 20_000;
const PROGRESS_EVERY_MS = 200;
/** After an abort, how long nodes get to stop on their own before they are stopped hard. */
const ABORT_GRACE_MS = 3_000;

/**
 * The longest one withdraw may take in the simulator: HZ/5 before the signal, ten journal
 * checks HZ apart (each reading the whole journal), and the longest acknowledgement delay a
 * fault plan may inject (faultLimits: 10 s).
 */
function withdrawMaxNs(cfg: Config): number {
  const checksNs = jiffiesToNs(cfg, Math.floor(cfg.hz / 5) + 10 * cfg.hz) + 10 * cfg.journalBlocks * 50_000;
  return checksNs + 10e9;
}

export interface NodeOutcome {
  readonly state: 'completed' | 'crashed' | 'errored';
  readonly process?: string;
  readonly error?: { name: string; message: string; stack: string | null };
  readonly messages: readonly [number, string][];
}

export interface DriveOutcome {
  readonly nodes: NodeOutcome[];
  readonly historyHash: string | null;
  readonly stalled: string | null;
  readonly runNs: number;
}

function phaseOf(mem: ClusterMemory, node: number): number {
  return Atomics.load(mem.ctl, ctlNodeIndex(node, CtlNode.phase));
}

function opsSoFar(mem: ClusterMemory, nodes: number): number {
  let ops = 0;
  for (let n = 0; n < nodes; n++) ops += mem.nodeStats[n * NODE_STAT_FIELDS + NodeStat.ops] ?? 0;
  return ops;
}

/** Once every node is quiesced (or gone), dump live journals if asked and let them unmount. */
function advanceRunState(mem: ClusterMemory, cfg: Config): void {
  const state = Atomics.load(mem.ctl, Ctl.runState);
  if (state >= RunState.unmount) return;
  for (let n = 0; n < cfg.nodes; n++) {
    const ph = phaseOf(mem, n);
    if (ph === NodePhase.idle || ph === NodePhase.mounting || ph === NodePhase.mounted) return;
  }
  if (cfg.dumpJournalsDir !== null) dumpLiveJournals(mem, cfg, cfg.dumpJournalsDir);
  Atomics.store(mem.ctl, Ctl.runState, RunState.unmount);
}

/**
 * A crashed node's DLM locks must go through failure recovery. The main thread takes no part
 * in the lock manager: it asks the lowest surviving node to run it (CbKind.control).
 */
class CrashWatch {
  private readonly handled: boolean[];
  private readonly mem: ClusterMemory;
  private readonly cfg: Config;
  constructor(mem: ClusterMemory, cfg: Config) {
    this.mem = mem;
    this.cfg = cfg;
    this.handled = new Array<boolean>(cfg.nodes).fill(false);
  }
  poll(): void {
    for (let n = 0; n < this.cfg.nodes; n++) {
      if (this.handled[n] || phaseOf(this.mem, n) !== NodePhase.crashed) continue;
      for (let s = 0; s < this.cfg.nodes; s++) {
        const ph = phaseOf(this.mem, s);
        if (s !== n && (ph === NodePhase.mounted || ph === NodePhase.quiesced)) {
          this.mem.dlm.ring(s).post(CbKind.control, ControlCode.peerFailed, n, 0);
          this.handled[n] = true;
          break;
        }
      }
    }
  }
}

function requestStop(mem: ClusterMemory): void {
  if (Atomics.load(mem.ctl, Ctl.runState) === RunState.running)
    Atomics.store(mem.ctl, Ctl.runState, RunState.stopWorkload);
}

async function driveSim(
  mem: ClusterMemory,
  cfg: Config,
  opts: RunClusterOptions,
  consumer: EventConsumer,
  hash: HistoryHash,
  t0: number,
): Promise<DriveOutcome> {
  const clock = new SimClock();
  for (const ring of mem.events) ring.onFull = () => void consumer.drain();
  const nodes = [];
  for (let n = 0; n < cfg.nodes; n++) {
    nodes.push(
      hostNode({
        node: n,
        cfg,
        mem,
        nowNs: () => clock.nowNs,
        notify: () => {},
        ioCostNs: SIM_IO_NS,
        protocol: opts.protocol,
        faults: opts.faults,
        scenario: opts.scenario ?? null,
      }).node,
    );
  }
  // Withdraws may legitimately run past the workload's end, and cascade node after node.
  const horizonNs = cfg.durationMs * 1e6 + cfg.nodes * withdrawMaxNs(cfg);
  const driver = new SimDriver(nodes, clock, {
    seed: cfg.seed,
    stepCostNs: SIM_STEP_NS,
    horizonNs,
    maxSteps: limits.simStepsMax,
  });
  const crashes = new CrashWatch(mem, cfg);
  driver.afterStep = () => {
    consumer.drain();
    if ((driver.steps & 63) === 0) {
      crashes.poll();
      advanceRunState(mem, cfg);
    }
  };
  let out: SimOutcome;
  let lastProgress = performance.now();
  for (;;) {
    out = driver.run(SIM_CHUNK_STEPS);
    if (out.state !== 'paused') break;
    advanceRunState(mem, cfg);
    if (opts.signal?.aborted === true) requestStop(mem);
    if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = performance.now();
      report(opts, mem, cfg, clock.nowNs / 1e6, performance.now() - t0);
    }
    await yieldToEventLoop();
  }
  consumer.drain();
  simCounters.steps += driver.steps;
  // The driver's own scheduling hash and the event hash together identify the history.
  hash.mix(Number.parseInt(driver.hash.hex().slice(0, 8), 16));
  hash.mix(Number.parseInt(driver.hash.hex().slice(8), 16));
  const outcomes: NodeOutcome[] = nodes.map((n, i) => {
    const bad = n.runner.firstError();
    if (out.state === 'errored' && out.node === i && bad !== null) {
      const e = bad.error instanceof Error ? bad.error : new Error(String(bad.error));
      return {
        state: 'errored',
        process: bad.name,
        error: { name: e.name, message: e.message, stack: e.stack ?? null },
        messages: n.core.messages,
      };
    }
    return { state: 'completed', messages: n.core.messages };
  });
  const stalled = out.state === 'stalled' ? out.reason : null;
  return { nodes: outcomes, historyHash: hash.hex(), stalled, runNs: clock.nowNs };
}

function report(opts: RunClusterOptions, mem: ClusterMemory, cfg: Config, elapsedMs: number, wallMs: number): void {
  if (opts.onProgress === undefined) return;
  const ops = opsSoFar(mem, cfg.nodes);
  let up = 0;
  let withdrawn = 0;
  for (let n = 0; n < cfg.nodes; n++) {
    const ph = phaseOf(mem, n);
    if (ph === NodePhase.mounted || ph === NodePhase.quiesced) up++;
    if (ph === NodePhase.withdrawn) withdrawn++;
  }
  opts.onProgress({
    elapsedMs,
    etaMs: Math.max(0, cfg.durationMs - elapsedMs),
    ops,
    opsPerSec: wallMs > 0 ? (ops * 1000) / wallMs : 0,
    latencyNsP99: null,
    nodesUp: up,
    nodesWithdrawn: withdrawn,
  });
}

async function driveThreads(
  mem: ClusterMemory,
  cfg: Config,
  opts: RunClusterOptions,
  consumer: EventConsumer,
  t0: number,
): Promise<DriveOutcome> {
  const pool = createThreadsPool(cfg.nodes);
  const epochNs = monotonicNs();
  const results: (NodeTaskResult | null)[] = new Array(cfg.nodes).fill(null);
  const tasks = [];
  for (let node = 0; node < cfg.nodes; node++) {
    tasks.push(
      pool
        .run({
          node,
          sab: mem.sab,
          config: cfg,
          protocol: opts.protocol,
          faults: opts.faults,
          scenario: opts.scenario ?? null,
          epochNs,
        })
        .then(
          (r) => {
            results[node] = r;
          },
          (err: unknown) => {
            const e = err instanceof Error ? err : new Error(String(err));
            results[node] = {
              state: 'errored',
              node,
              process: 'worker',
              error: { name: e.name, message: e.message, stack: e.stack ?? null },
              messages: [],
            };
          },
        ),
    );
  }
  let abortAt = 0;
  let lastProgress = 0;
  const crashes = new CrashWatch(mem, cfg);
  const timer = setInterval(() => {
    consumer.drain();
    crashes.poll();
    const now = performance.now();
    if (opts.signal?.aborted === true || results.some((r) => r !== null && r.state === 'errored')) {
      requestStop(mem);
      if (abortAt === 0) abortAt = now;
    }
    // Nodes that do not stop on their own within the grace period are stopped hard: never a hang.
    if (abortAt !== 0 && now - abortAt > ABORT_GRACE_MS) {
      for (let n = 0; n < cfg.nodes; n++) Atomics.store(mem.ctl, ctlNodeIndex(n, CtlNode.command), NodeCommand.crash);
      for (let n = 0; n < cfg.nodes; n++) Atomics.notify(mem.dlm.ring(n).i32, mem.dlm.ring(n).doorbellIndex);
    }
    advanceRunState(mem, cfg);
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      report(opts, mem, cfg, now - t0, now - t0);
    }
  }, 20);
  try {
    await Promise.all(tasks);
  } finally {
    clearInterval(timer);
    await pool.close();
  }
  consumer.drain();
  const outcomes: NodeOutcome[] = results.map((r) => {
    if (r === null)
      return {
        state: 'errored',
        process: 'worker',
        error: { name: 'Error', message: 'worker returned nothing', stack: null },
        messages: [],
      };
    if (r.state === 'errored') return { state: 'errored', process: r.process, error: r.error, messages: r.messages };
    return { state: r.state, messages: r.messages };
  });
  return { nodes: outcomes, historyHash: null, stalled: null, runNs: monotonicNs() - epochNs };
}

export async function runCluster(config: Config, opts: RunClusterOptions): Promise<RunResult> {
  assertLimits();
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const mem = createClusterMemory(config);
  mkfsCluster(mem, config);
  Atomics.store(mem.ctl, Ctl.opsBudget, config.ops);
  const hash = new HistoryHash();
  const consumer = new EventConsumer(mem.events, config.mode === 'sim' ? hash : null);
  const timelines = new WithdrawTimelines();
  consumer.observers.push((rec, off) => timelines.observe(rec, off));
  const oracle = new Oracle({
    nodes: config.nodes,
    journalBlocks: config.journalBlocks,
    blockSize: config.blockSize,
    glockName: glockNameResolver(mem, config.nodes),
    // Threads mode drains rings node by node; hold records long enough to merge them by time.
    reorderWindowNs: config.mode === 'threads' ? 200e6 : 0,
  });
  consumer.observers.push(oracle.observe);
  const series = new SeriesCollector(config.durationMs);
  consumer.observers.push(series.observer);
  for (const o of opts.observers ?? []) consumer.observers.push(o);
  if (opts.glockProfiler !== undefined) consumer.observers.push(opts.glockProfiler.attach(mem, config));
  const drive =
    config.mode === 'sim'
      ? await driveSim(mem, config, opts, consumer, hash, t0)
      : await driveThreads(mem, config, opts, consumer, t0);
  if (config.dumpJournalsDir !== null) dumpJournals(mem, config, config.dumpJournalsDir);
  return finishResult({
    mem,
    config,
    opts,
    drive,
    consumer,
    timelines,
    oracle,
    startedAt,
    wallMs: performance.now() - t0,
    series,
  });
}
