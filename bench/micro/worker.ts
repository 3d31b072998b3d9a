// The micro suite's worker thread (P3, P4). Thin: it attaches the cluster memory, then runs
// each command from threads.ts and answers with a count or an error (as data). Roles: 'node'
// (a DLM client / glock node with index `node`) and 'server' (P3's postMessage lock server).

import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../src/config/types.js';
import { DlmMode, DlmStatus } from '../../src/dlm/index.js';
import { attachClusterMemory, type ClusterMemory } from '../../src/memory/cluster-memory.js';
import { PARK_MS, PingNode, SPIN_CHECKS } from './ping-node.js';

export interface MicroWorkerData {
  readonly role: 'node' | 'server';
  readonly node: number;
  readonly sab: SharedArrayBuffer;
  readonly cfg: Config;
  /** Bench control words (CtlWord). */
  readonly ctl: SharedArrayBuffer;
}

/** Words of the bench's own control buffer. */
export const CtlWord = { barrier: 0, p4Done: 1, turn: 2 } as const;
export const CTL_WORDS = 16;

export type MicroCommand =
  | { readonly cmd: 'setupClient'; readonly port: MessagePort }
  | { readonly cmd: 'setupServer'; readonly ports: readonly MessagePort[] }
  | { readonly cmd: 'p3dlm' | 'p3msg'; readonly res: number; readonly sampleMs: number; readonly barrier: number }
  | { readonly cmd: 'p4glock'; readonly sampleMs: number; readonly barrier: number; readonly doneTarget: number }
  | { readonly cmd: 'p4raw'; readonly sampleMs: number; readonly barrier: number };

export type MicroReply =
  | {
      readonly state: 'completed';
      readonly count: number;
      readonly elapsedMs: number;
      /** P4 glock only: every grant (cached re-acquisitions included). */
      readonly acquisitions?: number;
      /** P4 only: Atomics.wait calls (doorbell or turn word). */
      readonly parks?: number;
    }
  | { readonly state: 'errored'; readonly error: string };

/** Commands run longer than their sample by at most this much before they are declared stuck. */
export const COMMAND_SLACK_MS = 10_000;

const nowMs = (): number => performance.now();

/** Everyone arrives, then everyone starts: bounded spin-then-wait on the barrier word. */
function barrier(ctl: Int32Array, target: number, deadlineMs: number): void {
  Atomics.add(ctl, CtlWord.barrier, 1);
  Atomics.notify(ctl, CtlWord.barrier);
  for (let v = Atomics.load(ctl, CtlWord.barrier); v < target; v = Atomics.load(ctl, CtlWord.barrier)) {
    if (nowMs() > deadlineMs) throw new Error(`barrier: ${v} of ${target} arrived before the deadline`);
    Atomics.wait(ctl, CtlWord.barrier, v, PARK_MS);
  }
}

class NodeWorker {
  private readonly d: MicroWorkerData;
  private readonly mem: ClusterMemory;
  private readonly ctl: Int32Array;
  private port: MessagePort | null = null;
  private ping: PingNode | null = null;

  constructor(d: MicroWorkerData) {
    this.d = d;
    this.mem = attachClusterMemory(d.sab, d.cfg, (i32, index) => void Atomics.notify(i32, index));
    this.ctl = new Int32Array(d.ctl);
  }

  async run(c: MicroCommand): Promise<MicroReply> {
    switch (c.cmd) {
      case 'setupClient':
        this.port = c.port;
        return { state: 'completed', count: 0, elapsedMs: 0 };
      case 'p3dlm':
        return this.p3dlm(c.res, c.sampleMs, c.barrier);
      case 'p3msg':
        return this.p3msg(c.res, c.sampleMs, c.barrier);
      case 'p4glock': {
        this.ping ??= new PingNode(this.mem, this.d.node);
        const t0 = this.start(c.barrier, c.sampleMs);
        const endNs = (t0 + c.sampleMs) * 1e6;
        const r = this.ping.round(endNs, this.ctl, CtlWord.p4Done, c.doneTarget, endNs + COMMAND_SLACK_MS * 1e6);
        return {
          state: 'completed',
          count: r.handoffs,
          elapsedMs: r.userEndNs / 1e6 - t0,
          acquisitions: r.acquisitions,
          parks: r.parks,
        };
      }
      case 'p4raw':
        return this.p4raw(c.sampleMs, c.barrier);
      default:
        throw new Error(`node worker: unexpected command ${c.cmd}`);
    }
  }

  private start(target: number, sampleMs: number): number {
    barrier(this.ctl, target, nowMs() + COMMAND_SLACK_MS + sampleMs);
    return nowMs();
  }

  /** P3, Atomics DLM: request EX + release on this thread's own resource, as fast as it goes. */
  private p3dlm(res: number, sampleMs: number, target: number): MicroReply {
    const dlm = this.mem.dlm;
    const node = this.d.node;
    const t0 = this.start(target, sampleMs);
    const end = t0 + sampleMs;
    let count = 0;
    let bad = 0;
    let t = t0;
    while (t < end) {
      for (let i = 0; i < 256; i++) {
        bad += dlm.request(node, res, DlmMode.ex, 0);
        dlm.release(node, res);
      }
      count += 256;
      t = nowMs();
    }
    if (bad !== DlmStatus.granted)
      throw new Error(`P3: requests on a thread's own resource must be granted at once (status sum ${bad})`);
    return { state: 'completed', count, elapsedMs: t - t0 };
  }

  /**
   * P3, postMessage server: one request message, wait for the grant message, then a one-way
   * release message, repeated. Messages are plain numbers (the cheapest structured clone).
   */
  private p3msg(res: number, sampleMs: number, target: number): Promise<MicroReply> {
    const port = this.port;
    if (port === null) throw new Error('P3: the client port was not set up');
    const t0 = this.start(target, sampleMs);
    const end = t0 + sampleMs;
    let count = 0;
    return new Promise<MicroReply>((resolve) => {
      const onGrant = (v: number): void => {
        if (v !== res * 2) {
          port.off('message', onGrant);
          resolve({ state: 'errored', error: `P3: grant for ${v >> 1}, expected ${res}` });
          return;
        }
        count++;
        port.postMessage(res * 2 + 1);
        const t = nowMs();
        if (t < end) port.postMessage(res * 2);
        else {
          port.off('message', onGrant);
          resolve({ state: 'completed', count, elapsedMs: t - t0 });
        }
      };
      port.on('message', onGrant);
      port.postMessage(res * 2);
    });
  }

  /** P4 baseline: strict alternation on one word, the same spin-then-wait as PingNode. */
  private p4raw(sampleMs: number, target: number): MicroReply {
    const ctl = this.ctl;
    const me = this.d.node;
    const other = 1 - me;
    const t0 = this.start(target, sampleMs);
    const end = t0 + sampleMs;
    let count = 0;
    let parks = 0;
    for (;;) {
      let v = Atomics.load(ctl, CtlWord.turn);
      let spins = 0;
      while (v !== me) {
        if (++spins > SPIN_CHECKS) {
          if (nowMs() >= end) return { state: 'completed', count, elapsedMs: sampleMs, parks };
          parks++;
          Atomics.wait(ctl, CtlWord.turn, v, PARK_MS);
          spins = 0;
        }
        v = Atomics.load(ctl, CtlWord.turn);
      }
      count++;
      Atomics.store(ctl, CtlWord.turn, other);
      Atomics.notify(ctl, CtlWord.turn);
      if ((count & 63) === 0 && nowMs() >= end) return { state: 'completed', count, elapsedMs: sampleMs, parks };
    }
  }
}

/**
 * P3's lock server: grants EX on a resource to one client at a time, FIFO for the others;
 * request = res·2, release = res·2 + 1, grant = the request echoed to the requester.
 */
function serve(ports: readonly MessagePort[]): void {
  const holder = new Map<number, number>();
  const waiting = new Map<number, number[]>();
  ports.forEach((port, client) => {
    port.on('message', (v: number) => {
      const res = v >> 1;
      if ((v & 1) === 0) {
        if (!holder.has(res)) {
          holder.set(res, client);
          port.postMessage(v);
        } else {
          let q = waiting.get(res);
          if (q === undefined) waiting.set(res, (q = []));
          q.push(client);
        }
        return;
      }
      if (holder.get(res) !== client) return;
      const next = waiting.get(res)?.shift();
      if (next === undefined) holder.delete(res);
      else {
        holder.set(res, next);
        ports[next]?.postMessage(res * 2);
      }
    });
  });
}

if (!isMainThread && parentPort) {
  const d = workerData as MicroWorkerData;
  const parent = parentPort;
  const node = d.role === 'node' ? new NodeWorker(d) : null;
  parent.on('message', (c: MicroCommand) => {
    if (c.cmd === 'setupServer') {
      serve(c.ports);
      parent.postMessage({ state: 'completed', count: 0, elapsedMs: 0 } satisfies MicroReply);
      return;
    }
    if (node === null) {
      parent.postMessage({
        state: 'errored',
        error: `server worker: unexpected command ${c.cmd}`,
      } satisfies MicroReply);
      return;
    }
    node.run(c).then(
      (r) => parent.postMessage(r),
      (e: unknown) =>
        parent.postMessage({
          state: 'errored',
          error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        } satisfies MicroReply),
    );
  });
}
