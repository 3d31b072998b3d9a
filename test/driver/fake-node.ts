// Test helper (not a test file): a DrivenNode made of a real NodeRunner and hand-written
// processes, with a doorbell word the test can ring, for unit tests of the drivers.

import type { DrivenNode } from '../../src/driver/driven-node.js';
import { Channel, type Proc, type ProcBody, prepareSleep, prepareWait } from '../../src/node/proc.js';
import { NodeRunner } from '../../src/node/runner.js';

export class FakeNode implements DrivenNode {
  readonly runner: NodeRunner;
  /** The doorbell word, in shared memory so Atomics.wait works on it. */
  readonly doorbell = new Int32Array(new SharedArrayBuffer(4));
  doorbellCalls = 0;
  crashAtNs = Number.POSITIVE_INFINITY;
  crashed = false;
  /** Set by processes to say what they did, in order. */
  readonly trace: string[] = [];
  onDoorbellHook: () => void = () => {};

  constructor(node = 0) {
    this.runner = new NodeRunner(node);
  }

  doorbellValue(): number {
    return Atomics.load(this.doorbell, 0);
  }
  onDoorbell(): void {
    this.doorbellCalls++;
    this.onDoorbellHook();
  }
  /** Finished once no process is left alive (or it crashed). */
  finished(): boolean {
    return this.crashed || !this.runner.alive();
  }
  crashDueAtNs(): number {
    return this.crashed ? Number.POSITIVE_INFINITY : this.crashAtNs;
  }
  crashDue(): boolean {
    return false;
  }
  crash(): void {
    this.crashed = true;
    this.runner.killAll();
  }

  spawn(name: string, body: (p: Proc) => ProcBody): Proc {
    return this.runner.spawn(name, body);
  }
}

/** A process that records each of its `steps` turns in `trace` (`name#i`) and then ends. */
export function* counter(trace: string[], name: string, steps: number): ProcBody {
  for (let i = 0; i < steps; i++) {
    trace.push(`${name}#${i}`);
    yield;
  }
}

/** A process that sleeps until virtual/real `atNs` (read from `now`), records the time it woke, and ends. */
export function* sleeper(p: Proc, now: () => number, atNs: number, woke: number[]): ProcBody {
  prepareSleep(p, now(), atNs - now());
  yield;
  woke.push(now());
}

/** A process that waits on a channel nobody wakes, with no timeout. */
export function* waitForever(p: Proc, ch: Channel): ProcBody {
  prepareWait(p, ch, 0, Number.POSITIVE_INFINITY);
  yield;
}

/** A process that throws `err` on its `turn`-th resume (0 = first). */
export function* thrower(err: unknown, turn = 0): ProcBody {
  for (let i = 0; i < turn; i++) yield;
  throw err;
}

export function channel(name = 'test'): Channel {
  return new Channel(name, 8);
}
