// One cluster node's in-core state: its glocks, buffer cache, in-core log, rgrps and the
// flags the processes share. Built once per node, in whichever thread runs the node, from the
// shared memory and the platform seam. The processes live in node.ts and its neighbours.

import { inCoreLogBlocks, opReserveBlocksFor } from '../config/capacity.js';
import { limits } from '../config/limits.js';
import type { Config } from '../config/types.js';
import { jiffiesToNs } from '../config/types.js';
import type { FsLayout } from '../disk/fs-layout.js';
import { FILE_DATA_BLOCKS_MAX } from '../disk/fs-layout.js';
import type { Dlm } from '../dlm/dlm.js';
import type { Glock } from '../glock/glock.js';
import { Holder } from '../glock/holder.js';
import { GlockManager } from '../glock/manager.js';
import { glockNodeCounterSlots, glockStatsNodeOffset, glockStatsSlots } from '../glock/stats.js';
import { LogManager } from '../journal/log.js';
import { createReplayScratch, type ReplayScratch } from '../journal/replay.js';
import type { JournalLoc } from '../journal/types.js';
import { Ev, WithdrawPhase } from '../memory/events.js';
import { NodeStat } from '../memory/node-stats.js';
import type { Platform } from '../platform/platform.js';
import type { WithdrawProtocol } from '../protocols/protocol.js';
import type { RgrpGeometry } from '../rgrp/geometry.js';
import { Rgrp } from '../rgrp/rgrp.js';
import { BufferCache } from './buffers.js';
import { FsBlocks } from './fs-blocks.js';
import type { FsContext } from './fs-context.js';
import { invalidateGlock, nodeGlockOpsTable } from './glops.js';
import { journalLoc } from './journal-loc.js';
import { DlmLockModule } from './lock-module.js';
import { NodeLog } from './node-log.js';
import { Channel, type Proc, prepareSleep } from './proc.js';
import { NodeRunner } from './runner.js';
import { Sdf } from './sdf.js';
import { Transaction } from './trans.js';

/** Simulated read latency of one block (a 4 KiB read from a fast shared disk). */
const SIM_READ_NS_PER_BLOCK = 50_000;

export interface NodeDeps {
  readonly node: number;
  readonly cfg: Config;
  readonly fs: FsLayout;
  readonly geo: RgrpGeometry;
  readonly platform: Platform;
  readonly dlm: Dlm;
  /** This node's counters (NODE_STAT_FIELDS float64s, shared memory). */
  readonly stats: Float64Array;
  /** The whole glock statistics region (all nodes). */
  readonly glockStats: Float64Array;
  readonly diskBlocks: number;
  /** A new cluster-wide block version (the version seam; see DESIGN principle 7). */
  readonly nextVersion: () => number;
  /** Virtual disk latency a process sleeps after a batch of I/O (sim mode); 0 in threads mode. */
  readonly ioCostNs: number;
  /** The withdraw protocol generation (a strategy; src/protocols). */
  readonly protocol: WithdrawProtocol;
  /** Reuse a runner (a remount keeps the node's scheduler slot); a new one otherwise. */
  readonly runner?: NodeRunner;
}

export class NodeCore {
  readonly node: number;
  readonly cfg: Config;
  readonly fs: FsLayout;
  readonly geo: RgrpGeometry;
  readonly platform: Platform;
  readonly dlm: Dlm;
  readonly stats: Float64Array;
  readonly diskBlocks: number;
  readonly runner: NodeRunner;
  readonly lm: DlmLockModule;
  readonly cache: BufferCache;
  readonly trans: Transaction;
  readonly rgrps: Rgrp[] = [];
  readonly journal: NodeLog;
  readonly glocks: GlockManager;
  readonly blocks: FsBlocks;
  readonly ctx: FsContext;
  readonly replayScratch: ReplayScratch;
  readonly ioCostNs: number;
  /** Woken when the doorbell rings (callback ring has records). */
  readonly doorbellChannel = new Channel('doorbell', 4);
  readonly controlChannel = new Channel('control', 4);
  /** Holders of the recovery job (one job at a time per node). */
  readonly recoveryHolders = {
    journal: new Holder('recovery journal'),
    jinode: new Holder('recovery jinode'),
    freeze: new Holder('recovery freeze'),
  };
  /** jids marked by recover_slot and not yet recovered. */
  readonly recoverJids = new Set<number>();
  controlDue = false;
  /** Lockspace generations of the latest recover_prep and recover_done seen (ls_recover_start / ls_recover_block). */
  recoverPrepGen = 0;
  recoverDoneGen = 0;
  /** Set when the node's processes should finish (unmount done, crash, error). */
  stopped = false;
  /** Set when the workload must stop (duration, op budget, run state). */
  workloadStopped = false;
  readOnly = false;
  /** SDF_* bits (sdf.ts). */
  sdf: number = Sdf.journalLive;
  readonly protocol: WithdrawProtocol;
  /** Secondary withdrawers sleep here until SDF_WITHDRAW_IN_PROG clears. */
  readonly withdrawChannel = new Channel('withdraw', 64 + 16);
  /** Dequeuers held by gate (d) sleep here until the final wake-up. */
  readonly dqChannel = new Channel('glock dequeues', 64 + 16);
  /** sd_glock_dqs_held. */
  dqsHeld = 0;
  /** Count of final wake-ups of gate (d) sleepers. */
  dqFinalWakes = 0;
  /** The first withdrawer has finished (lockspace released). */
  withdrawComplete = false;
  private withdrawProcSpawned = false;
  readonly messages: [number, string][] = [];
  /** Flush the in-core log once this many blocks are pending. */
  readonly flushThresholdBlocks: number;
  /** Blocks one operation (or one step of a delete) may add: its log reservation. */
  readonly opReserveBlocks: number;
  /** Blocks reserved by operations in progress (gfs2_log_reserve) and not yet added. */
  reservedBlocks = 0;

  constructor(d: NodeDeps) {
    this.node = d.node;
    this.cfg = d.cfg;
    this.fs = d.fs;
    this.geo = d.geo;
    this.platform = d.platform;
    this.dlm = d.dlm;
    this.stats = d.stats;
    this.diskBlocks = d.diskBlocks;
    this.ioCostNs = d.ioCostNs;
    this.runner = d.runner ?? new NodeRunner(d.node);
    this.lm = new DlmLockModule(d.dlm, d.node);
    this.cache = new BufferCache(d.cfg.blockSize);
    // A flush must fit in the journal (descriptors and header included, one block spare).
    const cap = inCoreLogBlocks(d.cfg.journalBlocks);
    this.flushThresholdBlocks = Math.max(4, Math.floor(cap / 2));
    this.opReserveBlocks = opReserveBlocksFor(d.cfg.rgrpDataBlocks, d.cfg.blockSize);
    this.trans = new Transaction(this.cache, cap);
    for (let i = 0; i < d.geo.count; i++) this.rgrps.push(new Rgrp(d.geo, i, d.platform.events));
    const loc = journalLoc(d.fs, d.node);
    const log = new LogManager(d.platform.io, d.node, loc, d.platform.events, d.platform);
    this.journal = new NodeLog(log, this.trans, this.cache, d.platform, this.rgrps, cap + FILE_DATA_BLOCKS_MAX);
    const glops = {
      log: this.journal,
      cache: this.cache,
      geo: d.geo,
      rgrps: this.rgrps,
      ioWait: (p: Proc) => this.ioWait(p),
      withdrawn: () => this.isWithdrawn(),
      nondiskCallback: (gl: Glock, remote: boolean) => this.protocol.nondiskCallback(this, gl, remote),
    };
    const resources = limits.dlmResourcesMax;
    const statsBase = glockStatsNodeOffset(d.node, resources);
    this.glocks = new GlockManager({
      node: d.node,
      platform: d.platform,
      lm: this.lm,
      ops: nodeGlockOpsTable(glops),
      stats: d.glockStats.subarray(statsBase, statsBase + resources * glockStatsSlots),
      counters: d.stats.subarray(NodeStat.glockRequests, NodeStat.glockRequests + glockNodeCounterSlots),
      timing: d.cfg,
    });
    this.protocol = d.protocol;
    this.glocks.gate = d.protocol.gate(this);
    this.lm.onDroppedToNl = (res: number) => {
      const gl = this.glocks.find(res);
      if (gl !== undefined) invalidateGlock(glops, gl.type, gl.number, res);
    };
    this.blocks = new FsBlocks(d.node, d.platform, this.cache, this.trans, d.nextVersion, () => this.isWithdrawn());
    this.replayScratch = createReplayScratch(d.cfg.journalBlocks, d.cfg.blockSize);
    this.ctx = {
      node: d.node,
      cfg: d.cfg,
      fs: d.fs,
      geo: d.geo,
      platform: d.platform,
      glocks: this.glocks,
      cache: this.cache,
      blocks: this.blocks,
      trans: this.trans,
      rgrps: this.rgrps,
      log: this.journal,
      scratch: new Uint8Array(d.cfg.blockSize),
      isReadOnly: () => this.readOnly,
      onOpError: (p: Proc, err: number) => this.onOpError(p, err),
      reserve: (p: Proc) => this.reserve(p, this.opReserveBlocks),
      reserveNow: () => this.reserveNow(this.opReserveBlocks),
      unreserve: () => this.unreserve(this.opReserveBlocks),
    };
  }

  /**
   * gfs2_log_reserve: make room in the in-core log for `k` more blocks. It never waits for other
   * processes (they may hold glocks we will want): it flushes, which commits every block added
   * so far; the reservations of operations in flight are bounded by config validation
   * (processes × opReserveBlocks ≤ the in-core log). Returns 0 or a journal error.
   */
  *reserve(p: Proc, k: number): Generator<void, number, void> {
    if (this.trans.size + this.reservedBlocks + k > this.trans.capacity && this.trans.size > 0) {
      const st = this.journal.flush();
      if (st < 0) return st;
      yield* this.ioWait(p);
    }
    this.reservedBlocks += k;
    return 0;
  }

  /**
   * reserve()'s path that needs no flush, without a generator object (every operation starts
   * with a reservation and almost never has to flush): true when reserved, false when the
   * caller must run reserve() itself.
   */
  reserveNow(k: number): boolean {
    if (this.trans.size + this.reservedBlocks + k > this.trans.capacity && this.trans.size > 0) return false;
    this.reservedBlocks += k;
    return true;
  }

  unreserve(k: number): void {
    this.reservedBlocks = Math.max(0, this.reservedBlocks - k);
  }

  /** An operation failed while holding its glocks: fatal errors withdraw from this process. */
  *onOpError(p: Proc, err: number): Generator<void, void, void> {
    if (err === -5 || err === -30 || err === -117) yield* this.withdraw(p, err);
  }

  journalLoc(jid: number): JournalLoc {
    return journalLoc(this.fs, jid);
  }

  jiffiesNs(jiffies: number): number {
    return jiffiesToNs(this.cfg, jiffies);
  }

  /** gfs2_withdrawn(): WITHDRAWN or WITHDRAWING, so the gates engage as soon as one is pending. */
  isWithdrawn(): boolean {
    return (this.sdf & (Sdf.withdrawn | Sdf.withdrawing)) !== 0;
  }

  waitMaxNs(): number {
    return limits.waitMaxNs;
  }

  /** A fatal error was seen (journal write, metadata I/O, consistency): a withdraw is pending. */
  noteFatalError(err: number): void {
    if (this.isWithdrawn()) return;
    this.sdf |= Sdf.withdrawing;
    this.sdf &= ~Sdf.journalLive;
    this.readOnly = true;
    this.platform.events.emit(Ev.withdraw, WithdrawPhase.error, this.node, err, 0);
    this.log(`fatal: I/O error (${err}); withdraw pending`);
    if (process.env.GFS2_DEBUG) console.error(new Error(`node ${this.node} fatal ${err}`).stack);
  }

  /** gfs2_withdraw() from process `p` (the first caller withdraws; later ones are secondary). */
  *withdraw(p: Proc, err: number): Generator<void, void, void> {
    this.noteFatalError(err);
    yield* this.protocol.withdraw(this, p);
  }

  /** A withdraw started where no process can run it inline (go_sync failed in the glock work). */
  withdrawAsync(): void {
    this.noteFatalError(-5);
    if (this.withdrawProcSpawned || (this.sdf & Sdf.withdrawn) !== 0) return;
    this.withdrawProcSpawned = true;
    this.runner.spawn('gfs2_withdraw', (p) => this.withdraw(p, -5));
  }

  withdrawFinished(): void {
    this.withdrawComplete = true;
  }

  log(text: string): void {
    this.messages.push([this.platform.nowNs(), `gfs2: fsid=cluster:fs.${this.node}: ${text}`]);
    this.platform.log(this.node, text);
  }

  bump(field: number, by = 1): void {
    this.stats[field] = (this.stats[field] ?? 0) + by;
  }

  /** Sleep for the disk latency of the I/O just done (virtual in sim; slow-disk faults in both). */
  *ioWait(p: Proc): Generator<void, void, void> {
    // The slow-disk fault reports extra latency for this node's last write.
    const ns = this.ioCostNs + this.platform.io.lastWriteDelayNs(this.node);
    if (ns <= 0) return;
    prepareSleep(p, this.platform.nowNs(), ns);
    yield;
  }

  /**
   * Time to read `blocks` journal blocks (the head search reads the whole journal): a disk's
   * read latency per block in the simulator, nothing on real threads (the copy is real work).
   */
  *readWait(p: Proc, blocks: number): Generator<void, void, void> {
    if (this.ioCostNs <= 0) return;
    prepareSleep(p, this.platform.nowNs(), blocks * SIM_READ_NS_PER_BLOCK);
    yield;
  }

  /** Virtual CPU time of one file operation (sim only): a quarter of an I/O batch. */
  /** cpuWait() without the generator: true when `p` must now `yield` (once per operation). */
  prepareCpuWait(p: Proc): boolean {
    if (this.ioCostNs <= 0) return false;
    prepareSleep(p, this.platform.nowNs(), this.ioCostNs / 4);
    return true;
  }

  *cpuWait(p: Proc): Generator<void, void, void> {
    if (this.ioCostNs <= 0) return;
    prepareSleep(p, this.platform.nowNs(), this.ioCostNs / 4);
    yield;
  }

  *sleep(p: Proc, ns: number): Generator<void, void, void> {
    prepareSleep(p, this.platform.nowNs(), ns);
    yield;
  }
}
