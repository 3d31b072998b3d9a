// One threads-mode run measured for P8: operations per second over a fixed window in which
// every node is running its workload, and the process's CPU use over the window.
//
// Why a window and not the run's own ops/s: mounting takes ~0.1–0.3 s per node and more under
// load (nodes mount one after another), and the workload deadline counts from the run's start,
// so a fixed --duration gives 16 nodes almost no time together. Here the run's duration is
// only a cap; the window opens when the last node has done its first operation, and once it
// has passed the run is stopped through its abort signal (the orchestrator stops the workload
// and unmounts normally). Ops are counted by their event timestamps inside the window.

import os from 'node:os';
import { validateRunOptions } from '../../src/config/config.js';
import { Ev } from '../../src/memory/events.js';
import { runWatched } from '../watched-run.js';

/** Cap on a run: every node should have started long before (a bound, never reached normally). */
const RUN_CAP_MS = 120_000;
/** If some node has not started by then (mount failed, or the machine is starved), measure anyway. */
const START_WAIT_MAX_MS = 30_000;

export interface ThroughputPoint {
  readonly nodes: number;
  readonly workload: string;
  readonly processes: number;
  readonly windowMs: number;
  readonly timeScale: number;
  readonly seed: number;
}

export interface ThroughputSample {
  /** Ops per second of all nodes together over the window. */
  readonly opsPerSec: number;
  readonly windowOps: number;
  /** Nodes that had started their workload when the window opened. */
  readonly nodesWorking: number;
  /** All ops of the run, and whether the checker passed. */
  readonly ops: number;
  readonly ok: boolean;
  /** process.cpuUsage() (every thread) over the window / its wall time / logical CPUs, in %. */
  readonly cpuPercent: number;
  /** When the window opened (ns since the run started): the mount time of the cluster. */
  readonly windowStartNs: number;
  readonly wallMs: number;
}

/** Watches op events: which nodes have started, and how many ops fall inside the window. */
class OpWindow {
  private readonly started: boolean[];
  startedCount = 0;
  /** Latest first-op time seen so far: the window opens there once every node has started. */
  lastStartNs = 0;
  fromNs = Number.POSITIVE_INFINITY;
  toNs = Number.POSITIVE_INFINITY;
  ops = 0;
  constructor(nodes: number) {
    this.started = new Array<boolean>(nodes).fill(false);
  }
  readonly observe = (rec: Float64Array, off: number): void => {
    if (rec[off + 1] !== Ev.op) return;
    const t = rec[off] as number;
    const node = rec[off + 2] as number;
    if (this.started[node] === false) {
      this.started[node] = true;
      this.startedCount++;
      this.lastStartNs = Math.max(this.lastStartNs, t);
    }
    if (t >= this.fromNs && t < this.toNs) this.ops++;
  };
}

export async function measureThroughput(p: ThroughputPoint): Promise<ThroughputSample> {
  const o = validateRunOptions({
    mode: 'threads',
    seed: p.seed,
    nodes: p.nodes,
    processes: p.processes,
    durationMs: RUN_CAP_MS,
    workload: p.workload,
    timeScale: p.timeScale,
    protocol: 'force-withdraw',
    faults: null,
  });
  const w = new OpWindow(p.nodes);
  let cpu0: NodeJS.CpuUsage | null = null;
  let windowT0 = 0;
  let cpuPercent = 0;
  let nodesWorking = 0;
  // Events reach the observer up to one drain interval late, so the window is opened at the
  // node's timestamp and closed by wall time with a margin; ops are counted by timestamp.
  const windowClosed = (now: number, t0: number): boolean => {
    if (cpu0 === null) {
      if (w.startedCount === p.nodes || (w.startedCount > 0 && now - t0 > START_WAIT_MAX_MS)) {
        nodesWorking = w.startedCount;
        w.fromNs = w.lastStartNs;
        w.toNs = w.fromNs + p.windowMs * 1e6;
        cpu0 = process.cpuUsage();
        windowT0 = now;
      }
      return false;
    }
    if (now - windowT0 < p.windowMs + 100) return false;
    const cpu = process.cpuUsage(cpu0);
    cpuPercent = ((cpu.user + cpu.system) / 1000 / (now - windowT0) / os.availableParallelism()) * 100;
    return true;
  };
  const {
    result: r,
    wallMs,
    stopped,
  } = await runWatched(o, w.observe, `scaling run ${JSON.stringify(p)}`, windowClosed);
  if (!stopped)
    throw new Error(
      `scaling run ${JSON.stringify(p)}: ended before its measuring window closed (${w.startedCount} of ${p.nodes} nodes started)`,
    );
  return {
    opsPerSec: (w.ops * 1000) / p.windowMs,
    windowOps: w.ops,
    nodesWorking,
    ops: r.totals.ops,
    ok: r.checker.ok,
    cpuPercent,
    windowStartNs: w.fromNs,
    wallMs,
  };
}
