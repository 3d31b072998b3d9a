// A cluster node: its processes (mount → workload → unmount, the callback handler, the glock
// work process, the log daemon, the control work) over a NodeCore. The drivers see it only as
// a DrivenNode-shaped object: a runner, a doorbell, and finished().

import { CbKind, lmStateOf } from '../dlm/api.js';
import type { CallbackRing } from '../dlm/callback-ring.js';
import { Ev } from '../memory/events.js';
import { Ctl, CtlNode, ctlNodeIndex, NodePhase, RunState } from '../memory/slots.js';
import { logdLoop } from './logd.js';
import { mountNode, unmountNode } from './mount.js';
import { NodeCore, type NodeDeps } from './node-core.js';
import { type Proc, prepareWait } from './proc.js';
import { controlLoop } from './recovery.js';
import { Sdf } from './sdf.js';
import { workloadLoop } from './workload.js';

/** Orchestrator → node control messages (CbKind.control, field a). */
export const ControlCode = { peerFailed: 1 } as const;

/** A scripted workload process (scenarios): runs instead of the random workload. */
export type WorkloadScript = (n: NodeCore, p: Proc, rnd: () => number) => Generator<void, void, void>;

export interface ClusterNodeDeps extends NodeDeps {
  /** The cluster control words (slots.ts). */
  readonly ctl: Int32Array;
  /** Scripts replacing the random workload on the first mount (scenarios); null = random workload. */
  readonly scripts: readonly WorkloadScript[] | null;
}

export class ClusterNode {
  /** Replaced by a remount: a remounted node starts with fresh in-core state. */
  core: NodeCore;
  readonly ctl: Int32Array;
  private readonly deps: ClusterNodeDeps;
  private readonly ring: CallbackRing;
  private readonly rec = new Int32Array(4);
  private finishedFlag = false;

  constructor(d: ClusterNodeDeps) {
    this.core = new NodeCore(d);
    this.deps = d;
    this.ctl = d.ctl;
    this.ring = d.dlm.ring(d.node);
  }

  get runner() {
    return this.core.runner;
  }

  doorbellValue(): number {
    return Atomics.load(this.ring.i32, this.ring.doorbellIndex);
  }

  onDoorbell(): void {
    this.core.doorbellChannel.wakeAll();
  }

  finished(): boolean {
    return this.finishedFlag;
  }

  /** Set by the host when a fault plan may crash this node. */
  crashSchedule: { dueAtNs(): number; due(): boolean } | null = null;

  crashDueAtNs(): number {
    return this.crashSchedule?.dueAtNs() ?? Number.POSITIVE_INFINITY;
  }

  crashDue(): boolean {
    return !this.finishedFlag && (this.crashSchedule?.due() ?? false);
  }

  crash(): void {
    this.setPhase(NodePhase.crashed);
    this.core.stopped = true;
    this.core.log('node crashed (fault)');
    this.core.runner.killAll();
    this.finishedFlag = true;
  }

  setPhase(phase: number): void {
    Atomics.store(this.ctl, ctlNodeIndex(this.core.node, CtlNode.phase), phase);
  }

  runState(): number {
    return Atomics.load(this.ctl, Ctl.runState);
  }

  /** Spawn the node's processes; the main process mounts, runs the workload and unmounts. */
  start(): void {
    const n = this.core;
    const r = n.runner;
    r.spawn('gfs2_main', (p) => this.mainProc(p));
    r.spawn('dlm_callback', (p) => this.callbackProc(p));
    r.spawn('glock_workqueue', (p) => n.glocks.workLoop(p));
  }

  /** Mounts so far (a remount is the second). */
  private mounts = 0;

  private *mainProc(p: Proc): Generator<void, void, void> {
    const n = this.core;
    this.mounts++;
    this.setPhase(NodePhase.mounting);
    const st = yield* mountNode(n, p);
    if (st !== 0) {
      // An I/O error during mount (a fault) fails the mount, as in the kernel: the node leaves
      // the lockspace and takes no further part. Not a tool error.
      n.log(`error ${st} mounting the file system; leaving the lockspace`);
      n.dlm.leave(n.node);
      this.setPhase(NodePhase.mountFailed);
      while (this.runState() < RunState.unmount && n.platform.nowNs() < n.cfg.durationMs * 1e6 + 120e9)
        yield* n.sleep(p, 1e6);
      n.stopped = true;
      n.glocks.stop();
      n.doorbellChannel.wakeAll();
      this.finishedFlag = true;
      return;
    }
    this.setPhase(NodePhase.mounted);
    n.platform.events.emit(Ev.mount, 1, 0, 0, 0);
    n.runner.spawn('gfs2_logd', (q) => logdLoop(n, q));
    n.runner.spawn('gfs2_control', (q) => controlLoop(n, q));
    const workers: Proc[] = [];
    const scripts = this.deps.scripts;
    if (scripts === null) {
      for (let i = 0; i < n.cfg.processes; i++) {
        workers.push(
          n.runner.spawn(`workload/${i}`, (q) => workloadLoop(n, q, () => this.workloadShouldStop(), this.ctl)),
        );
      }
    } else if (this.mounts === 1) {
      const rnd = () => n.platform.random();
      for (let i = 0; i < scripts.length; i++) {
        const script = scripts[i] as WorkloadScript;
        workers.push(n.runner.spawn(`script/${i}`, (q) => script(n, q, rnd)));
      }
    }
    // Wait for the workload (and, for scripts, the run's duration), then quiesce: the
    // journals now hold a crash image.
    while (workers.some((w) => w.body !== null) || (scripts !== null && !this.workloadShouldStop())) {
      yield* n.sleep(p, n.jiffiesNs(1) + 1000);
    }
    n.workloadStopped = true;
    if (n.isWithdrawn()) {
      yield* this.finishWithdrawn(p);
      return;
    }
    const fl = n.journal.flush();
    if (fl < 0) {
      yield* n.withdraw(p, fl);
      yield* this.finishWithdrawn(p);
      return;
    }
    this.setPhase(NodePhase.quiesced);
    // The orchestrator dumps live journals here if asked, then lets every node unmount.
    const t0 = n.platform.nowNs();
    while (this.runState() < RunState.unmount) {
      if (n.platform.nowNs() - t0 > 60e9) throw new Error(`node ${n.node}: no unmount signal within 60 s of quiescing`);
      yield* n.sleep(p, 200_000);
    }
    this.setPhase(NodePhase.unmounting);
    n.sdf |= Sdf.norecovery;
    const u = yield* unmountNode(n, p);
    if (u !== 0) {
      // An I/O error while unmounting (a fault): the node withdraws; signal_our_withdraw does
      // nothing while unmounting, so its journal is left for the next mount.
      n.log(`error ${u} while unmounting; withdrawing, journal left until next mount`);
      yield* n.withdraw(p, u);
      yield* this.finishWithdrawn(p);
      return;
    }
    n.platform.events.emit(Ev.mount, 0, 0, 0, 0);
    this.setPhase(NodePhase.unmounted);
    n.stopped = true;
    n.glocks.stop();
    n.doorbellChannel.wakeAll();
    n.controlChannel.wakeAll();
    this.finishedFlag = true;
  }

  /** A withdrawn node: wait for its withdraw to finish, then for the end of the run. */
  private *finishWithdrawn(p: Proc): Generator<void, void, void> {
    const n = this.core;
    const t0 = n.platform.nowNs();
    while (!n.withdrawComplete) {
      if (n.platform.nowNs() - t0 > n.waitMaxNs())
        throw new Error(`node ${n.node}: withdraw did not finish within the wait bound`);
      yield* n.sleep(p, n.jiffiesNs(1) + 1000);
    }
    this.setPhase(NodePhase.withdrawn);
    if (n.cfg.remountAfterMs > 0) {
      yield* n.sleep(p, n.cfg.remountAfterMs * 1e6);
      if (this.runState() === RunState.running) {
        this.remount();
        return;
      }
    }
    while (this.runState() < RunState.unmount) {
      if (n.platform.nowNs() - t0 > 60e9 + n.waitMaxNs())
        throw new Error(`node ${n.node}: no end-of-run signal after the withdraw`);
      yield* n.sleep(p, 200_000);
    }
    n.stopped = true;
    n.glocks.stop();
    n.doorbellChannel.wakeAll();
    n.controlChannel.wakeAll();
    this.finishedFlag = true;
  }

  /** Mount again with fresh in-core state; the mount replays our own journal if it is dirty. */
  private remount(): void {
    const old = this.core;
    old.stopped = true;
    old.glocks.stop();
    old.doorbellChannel.wakeAll();
    old.controlChannel.wakeAll();
    this.core = new NodeCore({ ...this.deps, runner: old.runner });
    this.core.messages.push(...old.messages);
    this.core.log('remounting after withdraw');
    this.start();
  }

  private workloadShouldStop(): boolean {
    const n = this.core;
    if (n.readOnly || this.runState() !== RunState.running) return true;
    if (n.platform.nowNs() >= n.cfg.durationMs * 1e6) return true;
    const budget = Atomics.load(this.ctl, Ctl.opsBudget);
    return budget > 0 && Atomics.load(this.ctl, Ctl.opsClaimed) >= budget;
  }

  /** The DLM's callbacks for this node: blocking callbacks, completions, recovery calls. */
  private *callbackProc(p: Proc): Generator<void, void, void> {
    const n = this.core;
    const rec = this.rec;
    const delays = n.platform.delays;
    while (!n.stopped) {
      while (this.ring.peek(rec)) {
        // A late delivery (fault plan) delays this record and, the ring being FIFO, all after it.
        // It waits with the record still in the ring: the DLM's "recover_prep unread" check
        // reads the ring's head, and a prep taken but not yet handled would let the DLM answer
        // this node's new requests at once, unfrozen, before BLOCK_LOCKS is set.
        const delayNs = delays?.callbackDelayNs(n.node, rec[0] as number) ?? 0;
        if (delayNs > 0) yield* n.sleep(p, delayNs);
        // Taken only now, so the record dispatched is the one at the head (a rejoin may have
        // discarded what was peeked).
        if (!this.ring.take(rec)) continue;
        this.dispatch(rec[0] as number, rec[1] as number, rec[2] as number, rec[3] as number);
      }
      prepareWait(p, n.doorbellChannel, n.platform.nowNs(), 1e9);
      yield;
    }
  }

  private dispatch(kind: number, a: number, b: number, c: number): void {
    const n = this.core;
    switch (kind) {
      case CbKind.bast:
        n.glocks.onBlockingCallback(a, lmStateOf(b));
        break;
      case CbKind.ast:
        n.glocks.onCompletion(a, lmStateOf(b), c);
        break;
      case CbKind.recoverPrep:
        // gdlm_recover_prep: ignored on a withdrawn node.
        n.platform.events.emit(Ev.dlmRecovery, 1, a, 0, 0);
        n.recoverPrepGen = a;
        if (!n.isWithdrawn()) n.glocks.setBlockLocks(true);
        break;
      case CbKind.recoverSlot:
        n.platform.events.emit(Ev.dlmRecovery, 2, a, 0, 0);
        if (a !== n.node) {
          n.log(`recover_slot jid ${a}`);
          n.recoverJids.add(a);
        }
        break;
      case CbKind.recoverDone:
        n.platform.events.emit(Ev.dlmRecovery, 3, a, 0, 0);
        n.recoverDoneGen = a;
        n.controlDue = true;
        n.controlChannel.wakeAll();
        break;
      case CbKind.control:
        if (a === ControlCode.peerFailed) {
          // This survivor runs the DLM's failure recovery for a node that died.
          n.log(`node ${b} failed; starting lockspace recovery`);
          n.dlm.fail(b);
        }
        break;
      default:
        break;
    }
  }
}
