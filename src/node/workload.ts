// A workload process: picks an operation and a file slot from the node's seeded stream, runs
// it under the right glocks, and counts it. Stops when the run says so (duration, op budget,
// run state) or when the file system goes read-only.

import { Holder } from '../glock/holder.js';
import { Ev } from '../memory/events.js';
import { NodeStat } from '../memory/node-stats.js';
import { Ctl } from '../memory/slots.js';
import { doOp, type OpHolders } from './file-ops.js';
import type { NodeCore } from './node-core.js';
import type { Proc } from './proc.js';
import { chooseOp, chooseSlot } from './workload-mix.js';

export function* workloadLoop(
  n: NodeCore,
  p: Proc,
  shouldStop: () => boolean,
  ctl?: Int32Array,
): Generator<void, void, void> {
  const h: OpHolders = {
    dir: new Holder(`${p.name} dir`),
    inode: new Holder(`${p.name} inode`),
    rgrp: new Holder(`${p.name} rgrp`),
    fresh: new Holder(`${p.name} new inode`),
  };
  const rnd = () => n.platform.random();
  while (!shouldStop()) {
    if (ctl !== undefined) {
      const budget = Atomics.load(ctl, Ctl.opsBudget);
      if (budget > 0 && Atomics.add(ctl, Ctl.opsClaimed, 1) >= budget) break;
    }
    // The log reservation: make room in the in-core log before starting an operation.
    if (n.trans.size >= n.flushThresholdBlocks) {
      const st = n.journal.flush();
      if (st < 0) {
        yield* n.withdraw(p, st);
        break;
      }
      yield* n.ioWait(p);
    }
    const op = chooseOp(n.cfg, rnd);
    const slot = chooseSlot(n.cfg, n.node, rnd);
    const t0 = n.platform.nowNs();
    const r = yield* doOp(n.ctx, p, h, op, slot);
    // In the simulator an operation's own CPU work costs virtual time too (0 on real threads).
    if (n.prepareCpuWait(p)) yield;
    const dt = n.platform.nowNs() - t0;
    if (r < 0) {
      // doOp already reported a fatal error (and withdrew) while it held its glocks.
      n.bump(NodeStat.opsFailed);
      if (!n.isWithdrawn()) n.log(`workload: operation ${op} on slot ${slot} failed with ${r}`);
      break;
    }
    n.bump(NodeStat.ops);
    n.bump(NodeStat.opLatencyNsSum, dt);
    n.platform.events.emit(Ev.op, op, dt, slot, 0);
    // cond_resched(): let the node's other processes (callbacks, logd) run between operations.
    yield;
  }
}
