// P4's node: one thread's glock manager over the real DLM, its glock work process, and a user
// process that wants EX on one glock again and again. The other node wants it too, so every
// grant after a wait is a handoff: callback → demote (work process) → DLM grant → completion.
// The loop drains the callback ring, runs ready processes, and when idle spins on the doorbell
// for SPIN_CHECKS reads before parking on it (bounded), the same policy as the raw ping-pong.
//
// A node whose user just re-took EX from its cache is idle in that sense too: nothing changes
// until the other node's blocking callback rings the doorbell, so it waits for that with the
// same spin-then-wait instead of re-acquiring flat out. Without this the holder's thread never
// gives up its core: when the other node's thread is descheduled between its demote (which
// grants us and wakes us) and its own re-request (which sends the callback), the holder
// re-acquires from cache for a whole scheduler slice before the callback can even be sent.
// Traced on the loaded 2-core machine: a ~4 ms gap inside one loop iteration of the demoting
// node, ~20k cached re-acquisitions on the other meanwhile, 250–3400 per handoff overall.

import { CbKind, GlockType, LmState, lmStateOf } from '../../src/dlm/index.js';
import { type GlockManager, Holder, holderInit } from '../../src/glock/index.js';
import type { ClusterMemory } from '../../src/memory/cluster-memory.js';
import type { Proc } from '../../src/node/proc.js';
import { NodeRunner } from '../../src/node/runner.js';
import { benchGlocks, benchPlatform } from './cluster.js';

/** Doorbell (or turn word) reads before parking: the shared spin-then-wait policy of P4. */
export const SPIN_CHECKS = 2000;
/** Longest single park, ms: every wait is bounded. */
export const PARK_MS = 1;
/** The glock both nodes fight over (an rgrp: no minimum hold time applies to it). */
export const P4_GLOCK_NUMBER = 0x50340;

/** One node's sample: what its user did and how often its thread slept. */
export interface PingRound {
  /** Grants that needed the other node to give EX up (the user waited). */
  readonly handoffs: number;
  /** Every grant, cached re-acquisitions included. */
  readonly acquisitions: number;
  readonly parks: number;
  readonly userEndNs: number;
}

export class PingNode {
  private readonly runner: NodeRunner;
  private readonly m: GlockManager;
  private readonly h = new Holder();
  private readonly rec = new Int32Array(4);
  private readonly mem: ClusterMemory;
  private readonly node: number;
  private readonly logs: string[] = [];
  private handoffs = 0;
  private acquisitions = 0;
  /** Atomics.wait calls on the doorbell (each a futex sleep and, usually, a wake-up later). */
  private parks = 0;
  private endNs = 0;
  private userDone = false;
  private userEndNs = 0;
  /** The user's last acquisition came from the cache: the node waits for a callback. */
  private cachedHold = false;

  constructor(mem: ClusterMemory, node: number) {
    this.mem = mem;
    this.node = node;
    this.runner = new NodeRunner(node);
    this.m = benchGlocks(mem, node, benchPlatform(mem, this.logs));
    this.runner.spawn('glock_workqueue', (p) => this.m.workLoop(p));
    holderInit(this.h, this.m.get(GlockType.rgrp, P4_GLOCK_NUMBER), LmState.ex, 0);
  }

  /**
   * One sample: want EX until endNs, then keep serving callbacks until `doneWord` reaches
   * `doneTarget` (both nodes finished), so the other node's last request is granted too.
   */
  round(endNs: number, ctl: Int32Array, doneWord: number, doneTarget: number, deadlineNs: number): PingRound {
    this.handoffs = 0;
    this.acquisitions = 0;
    this.parks = 0;
    this.endNs = endNs;
    this.userDone = false;
    this.runner.spawn('pingpong', (p) => this.user(p));
    const ring = this.mem.dlm.ring(this.node);
    const bell = ring.i32;
    const bellIndex = ring.doorbellIndex;
    let announced = false;
    for (;;) {
      const seen = Atomics.load(bell, bellIndex);
      this.drain();
      const now = performance.now() * 1e6;
      if (now > deadlineNs) throw new Error(`P4 node ${this.node}: round past its deadline (${this.m.dump()})`);
      this.runner.expireTimers(now);
      const ran = this.runner.runReadyOnce();
      const bad = this.runner.firstError();
      if (bad !== null) throw bad.error;
      if (this.userDone && !announced) {
        announced = true;
        Atomics.add(ctl, doneWord, 1);
        Atomics.notify(ctl, doneWord);
      }
      if (announced && Atomics.load(ctl, doneWord) >= doneTarget) break;
      // After a cached re-acquisition the only ready process is the user again: treat that as
      // idle (the work process or a reply still in flight keeps the loop running).
      const waitingForCallback = this.cachedHold && ran === 1 && this.runner.readyCount() === 1;
      this.cachedHold = false;
      if (!waitingForCallback && (ran > 0 || this.runner.readyCount() > 0)) continue;
      let rung = false;
      for (let i = 0; i < SPIN_CHECKS; i++) {
        if (Atomics.load(bell, bellIndex) !== seen) {
          rung = true;
          break;
        }
      }
      if (!rung) {
        this.parks++;
        Atomics.wait(bell, bellIndex, seen, PARK_MS);
      }
    }
    if (this.logs.length > 0) throw new Error(`P4 node ${this.node}: ${this.logs.join('; ')}`);
    return { handoffs: this.handoffs, acquisitions: this.acquisitions, parks: this.parks, userEndNs: this.userEndNs };
  }

  private drain(): void {
    const ring = this.mem.dlm.ring(this.node);
    const rec = this.rec;
    while (ring.take(rec)) {
      const kind = rec[0] as number;
      if (kind === CbKind.bast) this.m.onBlockingCallback(rec[1] as number, lmStateOf(rec[2] as number));
      else if (kind === CbKind.ast)
        this.m.onCompletion(rec[1] as number, lmStateOf(rec[2] as number), rec[3] as number);
      else throw new Error(`P4 node ${this.node}: unexpected callback kind ${kind}`);
    }
  }

  private *user(p: Proc): Generator<void, void, void> {
    const m = this.m;
    const h = this.h;
    // At least one handoff per sample, so a starved thread on a loaded machine still yields a
    // rate (elapsed time is measured to the end of this loop, not assumed).
    while (performance.now() * 1e6 < this.endNs || this.handoffs === 0) {
      const r = m.nq(p, h);
      if (r === 1) {
        const e = yield* m.wait(p, h);
        if (e !== 0) throw new Error(`P4 node ${this.node}: EX wait failed with ${e}`);
        this.handoffs++;
      } else if (r !== 0) throw new Error(`P4 node ${this.node}: EX enqueue failed with ${r}`);
      this.acquisitions++;
      this.cachedHold = r === 0;
      if (m.dq(p, h) !== 0) throw new Error(`P4 node ${this.node}: dequeue held at the withdraw gate`);
      yield; // cond_resched: let the loop deliver the other node's callback
    }
    this.userEndNs = performance.now() * 1e6;
    this.userDone = true;
  }
}
