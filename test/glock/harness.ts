// A tiny deterministic harness for the glock layer: a virtual clock, a platform that records
// events and log lines, a stepper for cooperative processes, and a fake lock module that
// records calls and answers from a script. The test delivers completions and callbacks itself.

import { DlmStatus } from '../../src/dlm/api.js';
import type { Glock } from '../../src/glock/glock.js';
import type { Holder } from '../../src/glock/holder.js';
import type { LockModule } from '../../src/glock/lm.js';
import { GlockManager } from '../../src/glock/manager.js';
import type { WithdrawGate } from '../../src/glock/ops.js';
import { defaultGlockOpsTable, type GlockOps } from '../../src/glock/ops.js';
import { glockNodeCounterSlots, glockStatsSlots } from '../../src/glock/stats.js';
import { Proc, ProcState } from '../../src/node/proc.js';
import type { Platform } from '../../src/platform/platform.js';

export interface LockCall {
  res: number;
  state: number;
  flags: number;
}

export class FakeLm implements LockModule {
  readonly calls: LockCall[] = [];
  readonly unlocks: number[] = [];
  /** Statuses for the next lock() calls, in order; then defaultStatus. */
  readonly script: number[] = [];
  defaultStatus: number = DlmStatus.granted;
  private readonly names = new Map<string, number>();
  private readonly trace: string[];

  constructor(trace: string[]) {
    this.trace = trace;
  }

  resourceIndex(type: number, number: number): number {
    const key = `${type}/${number}`;
    let res = this.names.get(key);
    if (res === undefined) {
      res = this.names.size;
      this.names.set(key, res);
    }
    return res;
  }

  lock(res: number, state: number, flags: number): number {
    this.calls.push({ res, state, flags });
    this.trace.push(`lock ${res} ${state}`);
    return this.script.shift() ?? this.defaultStatus;
  }

  unlock(res: number): void {
    this.unlocks.push(res);
  }
}

export class Harness {
  nowNs = 0;
  readonly procs: Proc[] = [];
  readonly events: number[][] = [];
  readonly logs: string[] = [];
  readonly trace: string[] = [];
  readonly platform: Platform;
  private nextPid = 1;

  constructor() {
    this.platform = {
      nowNs: () => this.nowNs,
      random: () => 0.5,
      notify: () => {},
      io: {
        read: () => -5,
        write: () => -5,
        lastWriteDelayNs: () => 0,
      },
      events: { emit: (kind, a, b, c, d) => void this.events.push([kind, a, b, c, d]) },
      log: (_node, message) => void this.logs.push(message),
    };
  }

  /** A process identity for plain nq/dq calls (not scheduled). */
  proc(name: string): Proc {
    return new Proc(0, this.nextPid++, name);
  }

  spawn(name: string, body: (p: Proc) => Generator<void, void, void>): Proc {
    const p = this.proc(name);
    p.body = body(p);
    this.procs.push(p);
    return p;
  }

  private expire(): void {
    for (const p of this.procs) {
      if ((p.state === ProcState.sleeping || p.state === ProcState.waiting) && p.wakeAtNs <= this.nowNs) {
        if (p.state === ProcState.waiting) {
          p.channel?.remove(p);
          p.channel = null;
          p.timedOut = true;
        }
        p.state = ProcState.ready;
        p.wakeAtNs = Number.POSITIVE_INFINITY;
      }
    }
  }

  /** Run ready processes (pid order) until none is ready. Throws what a process throws. */
  run(maxSteps = 10_000): void {
    for (let step = 0; step < maxSteps; step++) {
      this.expire();
      const p = this.procs.find((q) => q.state === ProcState.ready);
      if (p === undefined) return;
      const r = (p.body as Generator<void, void, void>).next();
      if (r.done === true) p.state = ProcState.done;
    }
    throw new Error('harness: processes still ready after maxSteps (livelock?)');
  }

  /** Let virtual time pass by `ns`, waking timers in order. */
  advance(ns: number): void {
    const endNs = this.nowNs + ns;
    this.run();
    for (let i = 0; i < 10_000; i++) {
      let next = Number.POSITIVE_INFINITY;
      for (const p of this.procs) {
        if (p.state === ProcState.sleeping || p.state === ProcState.waiting) next = Math.min(next, p.wakeAtNs);
      }
      if (next > endNs) break;
      this.nowNs = Math.max(this.nowNs, next);
      this.run();
    }
    this.nowNs = endNs;
    this.run();
  }

  eventsOf(kind: number): number[][] {
    return this.events.filter((e) => e[0] === kind);
  }
}

export interface Setup {
  h: Harness;
  lm: FakeLm;
  m: GlockManager;
  stats: Float64Array;
  counters: Float64Array;
  ops: GlockOps[];
}

/** A manager on a fresh harness with its work process spawned. hz 100, time scale 1. */
export function setup(
  o: { ops?: (ops: GlockOps[], trace: string[]) => void; gate?: WithdrawGate; resources?: number } = {},
): Setup {
  const h = new Harness();
  const lm = new FakeLm(h.trace);
  const ops = defaultGlockOpsTable();
  o.ops?.(ops, h.trace);
  const stats = new Float64Array((o.resources ?? 64) * glockStatsSlots);
  const counters = new Float64Array(glockNodeCounterSlots);
  const m = new GlockManager({
    node: 0,
    platform: h.platform,
    lm,
    ops,
    stats,
    counters,
    timing: { hz: 100, timeScale: 1 },
    ...(o.gate ? { gate: o.gate } : {}),
  });
  h.spawn('glock_workqueue', (p) => m.workLoop(p));
  h.run();
  return { h, lm, m, stats, counters, ops };
}

/** One ms in ns. */
export const MS = 1e6;

/** The glock a holder is aimed at (asserting it was initialised). */
export function glOf(h: Holder): Glock {
  if (h.gl === null) throw new Error('holder not initialised');
  return h.gl;
}
