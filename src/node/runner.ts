// Runs the processes of one node cooperatively, like kernel threads sharing one CPU. Both
// drivers use it: the threads driver calls step() in a loop and parks on the node's doorbell
// when nothing is ready; the sim driver picks which ready process runs next from its seed.

import { limits } from '../config/limits.js';
import { Proc, type ProcBody, ProcState } from './proc.js';

export type ProcFactory = (p: Proc) => ProcBody;

export class NodeRunner {
  readonly node: number;
  readonly procs: Proc[] = [];
  private nextPid = 1;

  constructor(node: number) {
    this.node = node;
  }

  spawn(name: string, factory: ProcFactory): Proc {
    if (this.procs.length >= limits.processesPerNodeMax + 16) {
      throw new RangeError(`node ${this.node}: too many processes (${this.procs.length})`);
    }
    const p = new Proc(this.node, this.nextPid++, name);
    p.body = factory(p);
    this.procs.push(p);
    return p;
  }

  /** Move sleepers and timed-out waiters whose time has come to ready. */
  expireTimers(nowNs: number): void {
    this.expireTimersCountReady(nowNs);
  }

  /**
   * expireTimers() then readyCount() in one pass over the processes (the sim driver does both
   * before every step). Expiring one process never changes another's state, so counting in
   * the same pass gives the same number.
   */
  expireTimersCountReady(nowNs: number): number {
    let ready = 0;
    const ps = this.procs;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i] as Proc;
      if ((p.state === ProcState.sleeping || p.state === ProcState.waiting) && p.wakeAtNs <= nowNs) {
        if (p.state === ProcState.waiting) {
          p.channel?.remove(p);
          p.channel = null;
          p.timedOut = true;
        }
        p.state = ProcState.ready;
        p.wakeAtNs = Number.POSITIVE_INFINITY;
      }
      if (p.state === ProcState.ready) ready++;
    }
    return ready;
  }

  /** Earliest timer among sleeping/waiting processes (Infinity if none). */
  nextWakeNs(): number {
    let t = Number.POSITIVE_INFINITY;
    const ps = this.procs;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i] as Proc;
      if ((p.state === ProcState.sleeping || p.state === ProcState.waiting) && p.wakeAtNs < t) t = p.wakeAtNs;
    }
    return t;
  }

  readyCount(): number {
    let n = 0;
    for (const p of this.procs) if (p.state === ProcState.ready) n++;
    return n;
  }

  /** The k-th ready process (0-based), or null. */
  readyAt(k: number): Proc | null {
    let n = 0;
    for (const p of this.procs) {
      if (p.state === ProcState.ready) {
        if (n === k) return p;
        n++;
      }
    }
    return null;
  }

  /** True while any process has not finished. */
  alive(): boolean {
    for (const p of this.procs) if (p.state !== ProcState.done && p.state !== ProcState.errored) return true;
    return false;
  }

  /** First process that threw, if any. */
  firstError(): Proc | null {
    for (const p of this.procs) if (p.state === ProcState.errored) return p;
    return null;
  }

  /**
   * Resume `p` until it yields or finishes. A process that throws is marked errored; the
   * driver reports its stack and ends the run (a node that throws never hangs the run).
   */
  resume(p: Proc): void {
    const body = p.body;
    if (p.state !== ProcState.ready) return;
    if (body === null) {
      p.state = ProcState.done;
      return;
    }
    try {
      const r = body.next();
      if (r.done === true) {
        p.state = ProcState.done;
        p.body = null;
      } else if (p.state === ProcState.ready) {
        // A bare `yield` without a wait is a voluntary reschedule (cond_resched()).
      }
    } catch (err) {
      p.state = ProcState.errored;
      p.error = err;
      p.body = null;
    }
  }

  /** The node died (a crash fault): every process stops where it is, as if the CPU stopped. */
  killAll(): void {
    for (const p of this.procs) {
      p.channel?.remove(p);
      p.channel = null;
      p.body = null;
      p.state = ProcState.done;
    }
  }

  /** Run every ready process once, in pid order; returns how many ran (threads driver). */
  runReadyOnce(): number {
    let ran = 0;
    const ps = this.procs;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i] as Proc;
      if (p.state === ProcState.ready) {
        this.resume(p);
        ran++;
      }
    }
    return ran;
  }
}
