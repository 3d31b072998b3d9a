// The deterministic driver: every node's processes on one thread, a seeded scheduler and a
// virtual clock. The same seed gives the same sequence of decisions, so the same history and
// the same historyHash; a failing soak seed can be replayed exactly.

import { limits } from '../config/limits.js';
import { ProcState } from '../node/proc.js';
import { Prng } from '../platform/prng.js';
import type { DrivenNode } from './driven-node.js';
import { HistoryHash } from './history-hash.js';

export interface SimOptions {
  seed: number;
  /** Virtual time one scheduling step costs; it keeps time moving while processes compute. */
  stepCostNs: number;
  /** Stop when the virtual clock passes this. */
  horizonNs: number;
  maxSteps: number;
}

export type SimOutcome =
  | { state: 'completed'; steps: number; clockNs: number }
  | { state: 'paused'; steps: number; clockNs: number }
  | { state: 'stalled'; steps: number; clockNs: number; reason: string }
  | { state: 'errored'; steps: number; clockNs: number; node: number; process: string; error: unknown };

/**
 * Scheduler steps run by every SimDriver of this thread since it started (benchmarks read it
 * before and after a run to get steps/s; the driver itself never reads it).
 */
export const simCounters = { steps: 0 };

export class SimClock {
  nowNs = 0;
}

export class SimDriver {
  readonly clock: SimClock;
  readonly hash = new HistoryHash();
  private readonly prng: Prng;
  private readonly nodes: DrivenNode[];
  private readonly seenDoorbell: Int32Array;
  /** Ready processes per node this step (counted once, used again to pick). */
  private readonly readyOf: Int32Array;
  private readonly opts: SimOptions;
  /** Called after each step (drain event rings, run the checker, feed the hash). */
  afterStep: () => void = () => {};
  steps = 0;

  constructor(nodes: DrivenNode[], clock: SimClock, opts: SimOptions) {
    this.nodes = nodes;
    this.clock = clock;
    this.opts = opts;
    this.prng = new Prng(opts.seed, 0x5c4ed);
    this.seenDoorbell = new Int32Array(nodes.length);
    this.readyOf = new Int32Array(nodes.length);
  }

  private pollDoorbells(): void {
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i] as DrivenNode;
      const v = n.doorbellValue();
      if (v !== this.seenDoorbell[i]) {
        this.seenDoorbell[i] = v;
        n.onDoorbell();
      }
    }
  }

  /**
   * Run until every node has finished, nothing can ever run again, or `chunkSteps` more steps
   * have run ('paused': the caller may yield to its event loop and call run() again).
   */
  run(chunkSteps = Number.POSITIVE_INFINITY): SimOutcome {
    const maxSteps = Math.min(this.opts.maxSteps, limits.simStepsMax);
    const nodes = this.nodes;
    const pauseAt = this.steps + chunkSteps;
    while (this.steps < maxSteps) {
      if (this.steps >= pauseAt) return { state: 'paused', steps: this.steps, clockNs: this.clock.nowNs };
      this.pollDoorbells();
      let total = 0;
      const readyOf = this.readyOf;
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i] as DrivenNode;
        if (n.crashDue()) n.crash();
        const c = n.runner.expireTimersCountReady(this.clock.nowNs);
        readyOf[i] = c;
        total += c;
      }
      if (total === 0) {
        let next = Number.POSITIVE_INFINITY;
        for (const n of nodes) {
          next = Math.min(next, n.runner.nextWakeNs());
          if (!n.finished()) next = Math.min(next, n.crashDueAtNs());
        }
        if (nodes.every((n) => n.finished()))
          return { state: 'completed', steps: this.steps, clockNs: this.clock.nowNs };
        if (next === Number.POSITIVE_INFINITY) {
          return {
            state: 'stalled',
            steps: this.steps,
            clockNs: this.clock.nowNs,
            reason: 'every process is blocked with no timer pending',
          };
        }
        if (next > this.opts.horizonNs + limits.waitMaxNs) {
          return {
            state: 'stalled',
            steps: this.steps,
            clockNs: this.clock.nowNs,
            reason: `no process runnable before ${next} ns`,
          };
        }
        this.clock.nowNs = Math.max(this.clock.nowNs, next);
        continue;
      }
      // Pick uniformly among all ready processes of all nodes: this is the interleaving the seed decides.
      let k = this.prng.below(total);
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i] as DrivenNode;
        const c = readyOf[i] as number;
        if (k < c) {
          const p = n.runner.readyAt(k);
          if (p !== null) {
            this.hash.mix(i);
            this.hash.mix(p.pid);
            n.runner.resume(p);
            // Only resume() marks a process errored, and the run ends at the first one, so
            // the process just resumed is the only one that can be (no scan of every process).
            if (p.state === ProcState.errored) {
              return {
                state: 'errored',
                steps: this.steps,
                clockNs: this.clock.nowNs,
                node: i,
                process: p.name,
                error: p.error,
              };
            }
          }
          break;
        }
        k -= c;
      }
      this.steps++;
      this.clock.nowNs += this.opts.stepCostNs;
      this.afterStep();
    }
    return { state: 'stalled', steps: this.steps, clockNs: this.clock.nowNs, reason: `step limit ${maxSteps} reached` };
  }
}
