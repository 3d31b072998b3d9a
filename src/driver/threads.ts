// The threads driver (main-thread side): piscina hosts one long-lived task per node, each in
// its own worker thread over the same SharedArrayBuffer. The main thread never blocks: it
// polls shared words and drains event rings on a timer, and waits for the tasks' promises.

import { fileURLToPath } from 'node:url';
import { Packr } from 'msgpackr';
import { Piscina } from 'piscina';
import type { NodeTask, NodeTaskResult } from './messages.js';

export const packr = new Packr({ useRecords: false, int64AsType: 'number' });

export interface ThreadsPool {
  run(task: NodeTask): Promise<NodeTaskResult>;
  close(): Promise<void>;
  utilization(): number;
}

export function workerFile(): string {
  // dist/src/driver/threads.js → dist/workers/node-worker.js
  return fileURLToPath(new URL('../../workers/node-worker.js', import.meta.url));
}

export function createThreadsPool(nodes: number): ThreadsPool {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: nodes,
    maxThreads: nodes,
    // One task per worker for the life of the run: a node owns its thread.
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
    // Tasks never return to piscina's queue mid-run, so its own atomics wait is not needed.
    atomics: 'disabled',
  });
  return {
    async run(task: NodeTask): Promise<NodeTaskResult> {
      const bytes = (await pool.run(task)) as Uint8Array;
      return packr.unpack(bytes) as NodeTaskResult;
    },
    async close(): Promise<void> {
      await pool.close({ force: true });
    },
    utilization(): number {
      return pool.utilization;
    },
  };
}
