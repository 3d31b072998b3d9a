// The body of one node's long-lived piscina task: attach to the shared memory, build the node,
// run its loop until it finishes, and return the outcome as data (never a silent exit).

import { performance } from 'node:perf_hooks';
import { Packr } from 'msgpackr';
import { attachClusterMemory } from '../memory/cluster-memory.js';
import type { EventRing } from '../memory/event-ring.js';
import { CtlNode, ctlNodeIndex, NodePhase } from '../memory/slots.js';
import type { NodeTask, NodeTaskResult } from './messages.js';
import { clockSince } from './mono-clock.js';
import { hostNode } from './node-host.js';
import { runNodeLoop } from './threads-loop.js';

const packr = new Packr({ useRecords: false, int64AsType: 'number' });

/** Longest a node waits for the orchestrator to drain its full event ring. */
const EVENT_RING_WAIT_MS = 10_000;

/** Command code the orchestrator writes to crash a node (its worker really stops). */
export const NodeCommand = { none: 0, crash: 1 } as const;

function waitForConsumer(ring: EventRing): void {
  const deadline = performance.now() + EVENT_RING_WAIT_MS;
  while (ring.pending() >= ring.entries) {
    const seen = Atomics.load(ring.hdr, 1);
    if (performance.now() > deadline)
      throw new RangeError(`event ring full for ${EVENT_RING_WAIT_MS} ms: the orchestrator stopped draining`);
    Atomics.wait(ring.hdr, 1, seen, 100);
  }
}

export function runNodeTask(task: NodeTask): Uint8Array {
  const mem = attachClusterMemory(task.sab, task.config, (i32, index) => {
    Atomics.notify(i32, index);
  });
  const ring = mem.events[task.node] as EventRing;
  ring.onFull = waitForConsumer;
  const nowNs = clockSince(task.epochNs);
  const { node } = hostNode({
    node: task.node,
    cfg: task.config,
    mem,
    nowNs,
    notify: (i32, i) => void Atomics.notify(i32, i),
    ioCostNs: 0,
    protocol: task.protocol,
    faults: task.faults,
    scenario: task.scenario,
  });
  const cmdIndex = ctlNodeIndex(task.node, CtlNode.command);
  const phaseIndex = ctlNodeIndex(task.node, CtlNode.phase);
  const dlmRing = mem.dlm.ring(task.node);
  let result: NodeTaskResult;
  try {
    const out = runNodeLoop(node, {
      nowNs,
      doorbell: dlmRing.i32,
      doorbellIndex: dlmRing.doorbellIndex,
      crashRequested: () => Atomics.load(mem.ctl, cmdIndex) === NodeCommand.crash || node.crashDue(),
    });
    const messages = node.core.messages;
    if (out.state === 'errored') {
      Atomics.store(mem.ctl, phaseIndex, NodePhase.errored);
      const e = out.error instanceof Error ? out.error : new Error(String(out.error));
      result = {
        state: 'errored',
        node: task.node,
        process: out.process,
        error: { name: e.name, message: e.message, stack: e.stack ?? null },
        messages,
      };
    } else if (out.state === 'crashed') {
      // The worker really stops here; the orchestrator has a survivor run DLM failure recovery.
      node.core.log('node crashed (fault)');
      Atomics.store(mem.ctl, phaseIndex, NodePhase.crashed);
      result = { state: 'crashed', node: task.node, messages };
    } else {
      result = { state: 'completed', node: task.node, messages };
    }
  } catch (err) {
    Atomics.store(mem.ctl, phaseIndex, NodePhase.errored);
    const e = err instanceof Error ? err : new Error(String(err));
    result = {
      state: 'errored',
      node: task.node,
      process: 'node loop',
      error: { name: e.name, message: e.message, stack: e.stack ?? null },
      messages: node.core.messages,
    };
  }
  return packr.pack(result);
}
