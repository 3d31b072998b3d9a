// P3 and P4 on real threads: two node workers (DLM clients / glock nodes 0 and 1) and one
// lock-server worker, kept for the whole suite; each round takes one paired sample of each
// row. The main thread never blocks: it posts commands and awaits replies, each bounded by
// its sample time plus COMMAND_SLACK_MS; workers start a sample together through a barrier.

import { MessageChannel, Worker } from 'node:worker_threads';
import { GlockType } from '../../src/dlm/index.js';
import { joinedCluster, microConfig } from './cluster.js';
import type { Paired } from './timing.js';
import { COMMAND_SLACK_MS, CTL_WORDS, type MicroCommand, type MicroReply, type MicroWorkerData } from './worker.js';

export interface ThreadFigures {
  /** Requests per second (sum over client threads): value = Atomics DLM, baseline = postMessage server. */
  readonly p3: Paired;
  /** Handoffs per second: value = glock ping-pong, baseline = raw Atomics ping-pong. */
  readonly p4: Paired;
  /** P4 samples, both nodes summed (diagnosis): glock handoffs, all grants, doorbell parks; raw handoffs and parks. */
  readonly p4Counts: {
    readonly handoffs: number;
    readonly acquisitions: number;
    readonly parks: number;
    readonly rawHandoffs: number;
    readonly rawParks: number;
  };
  readonly threads: number;
  readonly checksum: number;
}

const CLIENTS = 2;
/** Length of the unmeasured P4 warm-up, in samples. */
const WARM_SAMPLES = 3;

export async function measureThreads(
  seed: number,
  rounds: number,
  sampleMs: number,
  signal?: AbortSignal,
): Promise<ThreadFigures> {
  const cfg = microConfig(seed, CLIENTS, 64);
  const mem = joinedCluster(cfg);
  const ctlSab = new SharedArrayBuffer(CTL_WORDS * 4);
  const url = new URL('./worker.js', import.meta.url);
  const spawn = (role: 'node' | 'server', node: number): Worker =>
    new Worker(url, { workerData: { role, node, sab: mem.sab, cfg, ctl: ctlSab } satisfies MicroWorkerData });
  const nodes = Array.from({ length: CLIENTS }, (_, i) => spawn('node', i));
  const server = spawn('server', -1);
  const all = [...nodes, server];
  try {
    const channels = nodes.map(() => new MessageChannel());
    await Promise.all(
      nodes.map((w, i) =>
        call(w, { cmd: 'setupClient', port: channels[i]?.port1 as MessagePortT }, 0, [
          channels[i]?.port1 as MessagePortT,
        ]),
      ),
    );
    const serverPorts = channels.map((c) => c.port2);
    await call(server, { cmd: 'setupServer', ports: serverPorts }, 0, serverPorts);
    const res = nodes.map((_, i) => mem.dlm.lookup(GlockType.rgrp, 0x50300 + i));
    let barrier = 0;
    let p4Done = 0;
    const out: Omit<ThreadFigures, 'p4Counts'> = {
      p3: { value: [], baseline: [] },
      p4: { value: [], baseline: [] },
      threads: CLIENTS,
      checksum: 0,
    };
    let checksum = 0;
    const p4Counts = { handoffs: 0, acquisitions: 0, parks: 0, rawHandoffs: 0, rawParks: 0 };
    const sample = async (make: (i: number) => MicroCommand): Promise<number> => {
      const replies = await Promise.all(nodes.map((w, i) => call(w, make(i), sampleMs)));
      let perSec = 0;
      for (const r of replies) {
        perSec += r.count / (r.elapsedMs / 1000);
        checksum = (checksum + r.count) >>> 0;
        if (r.acquisitions !== undefined) {
          p4Counts.handoffs += r.count;
          p4Counts.acquisitions += r.acquisitions;
          p4Counts.parks += r.parks ?? 0;
        } else if (r.parks !== undefined) {
          p4Counts.rawHandoffs += r.count;
          p4Counts.rawParks += r.parks;
        }
      }
      return perSec;
    };
    // One unmeasured P4 pair first. The glock path (DLM slow path, state machine, runner) needs
    // many more calls than the raw loop before V8 optimises it; a quick sample holds only a few
    // hundred handoffs, so without this its first samples time mostly unoptimised code.
    barrier += CLIENTS;
    p4Done += CLIENTS;
    const warmTarget = p4Done;
    const warmMs = WARM_SAMPLES * sampleMs;
    const warm = (c: MicroCommand): Promise<unknown> => Promise.all(nodes.map((w) => call(w, c, warmMs)));
    await warm({ cmd: 'p4glock', sampleMs: warmMs, barrier, doneTarget: warmTarget });
    barrier += CLIENTS;
    await warm({ cmd: 'p4raw', sampleMs: warmMs, barrier });
    for (let r = 0; r < rounds; r++) {
      if (signal?.aborted === true && r > 0) break;
      barrier += CLIENTS;
      out.p3.value.push(await sample((i) => ({ cmd: 'p3dlm', res: res[i] as number, sampleMs, barrier })));
      barrier += CLIENTS;
      out.p3.baseline.push(await sample((i) => ({ cmd: 'p3msg', res: res[i] as number, sampleMs, barrier })));
      barrier += CLIENTS;
      p4Done += CLIENTS;
      const doneTarget = p4Done;
      out.p4.value.push((await sample(() => ({ cmd: 'p4glock', sampleMs, barrier, doneTarget }))) / 2);
      barrier += CLIENTS;
      out.p4.baseline.push((await sample(() => ({ cmd: 'p4raw', sampleMs, barrier }))) / 2);
    }
    return { ...out, p4Counts, checksum };
  } finally {
    await Promise.all(all.map((w) => w.terminate()));
  }
}

type MessagePortT = import('node:worker_threads').MessagePort;

/** One command to one worker; rejects on an errored reply, a worker error or exit, or the bound. */
function call(
  w: Worker,
  c: MicroCommand,
  sampleMs: number,
  transfer: MessagePortT[] = [],
): Promise<Extract<MicroReply, { state: 'completed' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`micro worker: ${c.cmd} did not answer within ${sampleMs + COMMAND_SLACK_MS} ms`)),
      sampleMs + COMMAND_SLACK_MS,
    );
    const onMessage = (r: MicroReply): void =>
      done(r.state === 'completed' ? null : new Error(`micro worker: ${c.cmd}: ${r.error}`), r);
    const onError = (e: Error): void => done(e);
    const onExit = (code: number): void => done(new Error(`micro worker exited with ${code} during ${c.cmd}`));
    function done(err: Error | null, r?: MicroReply): void {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (err !== null || r === undefined || r.state !== 'completed')
        reject(err ?? new Error(`micro worker: ${c.cmd}: no reply`));
      else resolve(r);
    }
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage(c, transfer);
  });
}
