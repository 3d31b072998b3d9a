// Processes inside a node, like kernel threads on one CPU. A process is a generator that runs
// until it must block, records why in its Proc (no allocation), and yields. The node runner
// (src/node/runner.ts) and both drivers resume it when its wait is over. Because every
// blocking point is an explicit yield, the same code runs on real threads and in the
// deterministic simulator.

export const ProcState = {
  ready: 0,
  /** Sleeping until wakeAtNs. */
  sleeping: 1,
  /** Waiting on a Channel, optionally until wakeAtNs. */
  waiting: 2,
  done: 3,
  errored: 4,
} as const;

export type ProcBody = Generator<void, void, void>;

export class Proc {
  state: number = ProcState.ready;
  wakeAtNs = Number.POSITIVE_INFINITY;
  channel: Channel | null = null;
  /** Set when a channel wait ended by its timeout rather than a wake-up. */
  timedOut = false;
  body: ProcBody | null = null;
  error: unknown = null;
  readonly node: number;
  readonly pid: number;
  readonly name: string;
  constructor(node: number, pid: number, name: string) {
    this.node = node;
    this.pid = pid;
    this.name = name;
  }
}

/**
 * A wait queue (the kernel's wait_queue_head): processes of one node wait on it, and any
 * process of the same node wakes it. Cross-node wake-ups arrive through the callback ring and
 * the node's doorbell instead.
 */
export class Channel {
  private readonly waiters: Proc[] = [];
  readonly name: string;
  private readonly capacity: number;
  constructor(name: string, capacity: number) {
    this.name = name;
    this.capacity = capacity;
  }

  add(p: Proc): void {
    if (this.waiters.length >= this.capacity) {
      throw new RangeError(`wait channel ${this.name} is full (${this.capacity} waiters)`);
    }
    this.waiters.push(p);
  }

  remove(p: Proc): void {
    const i = this.waiters.indexOf(p);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Make every waiter ready; returns how many were woken. */
  wakeAll(): number {
    const n = this.waiters.length;
    // Most wake-ups find nobody waiting (every glock work item wakes the work channel), and
    // setting an array's length is a slow builtin even when it does not change.
    if (n === 0) return 0;
    for (let i = 0; i < n; i++) {
      const p = this.waiters[i] as Proc;
      p.state = ProcState.ready;
      p.channel = null;
      p.timedOut = false;
      p.wakeAtNs = Number.POSITIVE_INFINITY;
    }
    this.waiters.length = 0;
    return n;
  }

  get size(): number {
    return this.waiters.length;
  }
}

/** Prepare `p` to sleep for `ns`; the caller then does `yield`. */
export function prepareSleep(p: Proc, nowNs: number, ns: number): void {
  p.state = ProcState.sleeping;
  p.wakeAtNs = nowNs + Math.max(0, ns);
}

/** Prepare `p` to wait on `ch` until woken or until `timeoutNs` passes; the caller then does `yield`. */
export function prepareWait(p: Proc, ch: Channel, nowNs: number, timeoutNs: number): void {
  p.state = ProcState.waiting;
  p.channel = ch;
  p.timedOut = false;
  p.wakeAtNs = nowNs + timeoutNs;
  ch.add(p);
}
