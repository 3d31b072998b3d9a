// The glock contention profiler: a passive event observer (no effect on the run) plus a reader
// of the per-node glock statistics region in shared memory. From the event stream it counts,
// per resource: holders that waited and how long (Ev.waited, what `perf lock contention`
// shows), grants per node and per node/pid (glocktop's H, fairness), waits per node/pid
// (glocktop's W), blocking callbacks and demotes. Holders currently held per node/pid are kept
// for the live glocktop view (Ev.grant adds, Ev.release removes): the glock holder queues
// themselves live in each node thread's JS heap, not in shared memory.
//
// Bounds: per-resource counters are typed arrays sized by limits.dlmResourcesMax; the
// per-(resource, node, pid) maps grow by one entry the first time a pid touches a glock, so
// they are bounded by resources × nodes × pids that actually ran.

import { glockNameResolver } from '../check/glock-names.js';
import { limits } from '../config/limits.js';
import type { Config } from '../config/types.js';
import { LmState } from '../dlm/api.js';
import { demoteStateFor } from '../glock/callbacks.js';
import { GlockStat, glockStatsNodeOffset, glockStatsSlots } from '../glock/stats.js';
import type { ClusterMemory } from '../memory/cluster-memory.js';
import { Ev } from '../memory/events.js';
import type { EventObserver } from '../orchestrator/consumer.js';
import type { GlockProfile } from '../report/result.js';

/** Glock states as the events carry them (LM_ST_*: UN 0, EX 1, DF 2, SH 3). */
const STATES = 4;
/** pids above this share one bucket in the per-pid maps (they are small integers in practice). */
const PID_BUCKETS = 1 << 16;

/** One node/pid's dealings with one glock over the run. */
export interface HolderStats {
  readonly node: number;
  readonly pid: number;
  /** Holders granted (glocktop H, summed over the run). */
  grants: number;
  /** Of those, holders that had to wait (glocktop W). */
  waits: number;
  waitNsTotal: number;
}

/** A glock's profile plus the per-holder detail and the extra counts the views print. */
export interface GlockProfileDetail extends GlockProfile {
  /** Blocking callbacks received (all nodes) and demotes performed. */
  readonly callbacks: number;
  readonly demotes: number;
  /** Waits by requested state, index = LM_ST_* (UN, EX, DF, SH). */
  readonly waitsByState: readonly number[];
  /** Grants by granted state, index = LM_ST_*. */
  readonly grantsByState: readonly number[];
  /** Node/pid rows, most waits first. */
  readonly holders: readonly HolderStats[];
}

function holderKey(res: number, node: number, pid: number): number {
  const p = pid >= 0 && pid < PID_BUCKETS ? pid : PID_BUCKETS - 1;
  return (res * limits.nodesMax + node) * PID_BUCKETS + p;
}

/** The inverse of holderKey (the keys of GlockProfiler.held and perHolder). */
export function decodeHolderKey(key: number): { res: number; node: number; pid: number } {
  const rest = Math.floor(key / PID_BUCKETS);
  return { res: Math.floor(rest / limits.nodesMax), node: rest % limits.nodesMax, pid: key % PID_BUCKETS };
}

export class GlockProfiler {
  readonly nodes: number;
  private readonly resources = limits.dlmResourcesMax;
  private readonly contended: Float64Array;
  private readonly waitNsTotal: Float64Array;
  private readonly waitNsMax: Float64Array;
  private readonly callbacks: Float64Array;
  private readonly demotes: Float64Array;
  private readonly waitsByState: Float64Array;
  private readonly grantsByState: Float64Array;
  /** Index res * nodes + node. */
  private readonly grantsByNode: Float64Array;
  /** Resources in the order first seen, so a collect or snapshot scans only those. */
  private readonly seen: Int32Array;
  private readonly seenFlag: Uint8Array;
  seenCount = 0;
  readonly perHolder = new Map<number, HolderStats>();
  /** Holders granted and not yet released: holderKey → the glock's state at the grant (Ev.grant b). */
  readonly held = new Map<number, number>();
  /** Blocking callback received and no demote since: res * nodes + node → demote target state + 1. */
  readonly demotePending: Uint8Array;
  private mem: ClusterMemory | null = null;
  private nameOf: (res: number) => string = (res) => `res#${res}`;
  readonly observe: EventObserver;

  constructor(nodes: number) {
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > limits.nodesMax) {
      throw new RangeError(`profiler nodes: expected an integer in 1..${limits.nodesMax}, received ${nodes}`);
    }
    this.nodes = nodes;
    const r = this.resources;
    this.contended = new Float64Array(r);
    this.waitNsTotal = new Float64Array(r);
    this.waitNsMax = new Float64Array(r);
    this.callbacks = new Float64Array(r);
    this.demotes = new Float64Array(r);
    this.waitsByState = new Float64Array(r * STATES);
    this.grantsByState = new Float64Array(r * STATES);
    this.grantsByNode = new Float64Array(r * nodes);
    this.demotePending = new Uint8Array(r * nodes);
    this.seen = new Int32Array(r);
    this.seenFlag = new Uint8Array(r);
    this.observe = (rec, off) => this.onRecord(rec, off);
  }

  /** GlockProfilerHook: remember the shared memory (stats region, DLM, names); observe events. */
  attach(mem: ClusterMemory, config: Config): EventObserver {
    if (config.nodes !== this.nodes) {
      throw new RangeError(`profiler nodes: built for ${this.nodes}, the run has ${config.nodes}`);
    }
    this.mem = mem;
    this.nameOf = glockNameResolver(mem, config.nodes);
    return this.observe;
  }

  get memory(): ClusterMemory | null {
    return this.mem;
  }

  name(res: number): string {
    return this.nameOf(res);
  }

  private note(res: number): boolean {
    if (!Number.isInteger(res) || res < 0 || res >= this.resources) return false;
    if (this.seenFlag[res] === 0) {
      this.seenFlag[res] = 1;
      this.seen[this.seenCount++] = res;
    }
    return true;
  }

  private holder(res: number, node: number, pid: number): HolderStats {
    const key = holderKey(res, node, pid);
    let h = this.perHolder.get(key);
    if (h === undefined) {
      h = { node, pid, grants: 0, waits: 0, waitNsTotal: 0 };
      this.perHolder.set(key, h);
    }
    return h;
  }

  private onRecord(rec: Float64Array, off: number): void {
    const kind = rec[off + 1];
    if (kind === Ev.lockspace && (rec[off + 3] === 2 || rec[off + 3] === 3)) {
      // The node left or failed: its holders are gone without release events (cold path).
      this.dropHolders(rec[off + 2] ?? -1);
      return;
    }
    if (
      kind !== Ev.grant &&
      kind !== Ev.release &&
      kind !== Ev.waited &&
      kind !== Ev.callback &&
      kind !== Ev.demote &&
      kind !== Ev.dlmState
    )
      return;
    const node = rec[off + 2] ?? 0;
    const res = rec[off + 3] ?? -1;
    if (node < 0 || node >= this.nodes || !this.note(res)) return;
    const b = rec[off + 4] ?? 0;
    const c = rec[off + 5] ?? 0;
    const pid = rec[off + 6] ?? 0;
    switch (kind) {
      case Ev.grant: {
        this.grantsByNode[res * this.nodes + node] = (this.grantsByNode[res * this.nodes + node] ?? 0) + 1;
        if (b >= 0 && b < STATES)
          this.grantsByState[res * STATES + b] = (this.grantsByState[res * STATES + b] ?? 0) + 1;
        this.holder(res, node, pid).grants++;
        this.held.set(holderKey(res, node, pid), b);
        break;
      }
      case Ev.release:
        this.held.delete(holderKey(res, node, pid));
        break;
      case Ev.waited: {
        this.contended[res] = (this.contended[res] ?? 0) + 1;
        this.waitNsTotal[res] = (this.waitNsTotal[res] ?? 0) + b;
        if (b > (this.waitNsMax[res] ?? 0)) this.waitNsMax[res] = b;
        if (c >= 0 && c < STATES) this.waitsByState[res * STATES + c] = (this.waitsByState[res * STATES + c] ?? 0) + 1;
        const h = this.holder(res, node, pid);
        h.waits++;
        h.waitNsTotal += b;
        break;
      }
      case Ev.callback:
        this.callbacks[res] = (this.callbacks[res] ?? 0) + 1;
        this.demotePending[res * this.nodes + node] = demoteStateFor(b) + 1;
        break;
      case Ev.dlmState: {
        // The lock went down to (or below) the demote target by any path: nothing pending.
        const pending = (this.demotePending[res * this.nodes + node] ?? 0) - 1;
        if (c === LmState.un || c === pending) this.demotePending[res * this.nodes + node] = 0;
        break;
      }
      case Ev.demote:
        this.demotes[res] = (this.demotes[res] ?? 0) + 1;
        this.demotePending[res * this.nodes + node] = 0;
        break;
    }
  }

  private dropHolders(node: number): void {
    for (const key of [...this.held.keys()]) if (decodeHolderKey(key).node === node) this.held.delete(key);
    for (const res of this.seenResources()) this.demotePending[res * this.nodes + node] = 0;
  }

  /** Resources seen so far, in first-seen order. */
  seenResources(): Int32Array {
    return this.seen.subarray(0, this.seenCount);
  }

  /**
   * One node's glstats record for `res` from the shared stats region, or zeros without memory.
   * Read while nodes may still write it (live view): plain loads of float64 slots, each value
   * whole but the eight not necessarily from the same instant, which a display can live with.
   */
  nodeStats(res: number, node: number, out: Float64Array): Float64Array {
    out.fill(0);
    const mem = this.mem;
    if (mem === null) return out;
    const base = glockStatsNodeOffset(node, this.resources) + res * glockStatsSlots;
    for (let i = 0; i < glockStatsSlots; i++) out[i] = mem.glockStats[base + i] ?? 0;
    return out;
  }

  /** GlockProfilerHook: every glock seen in the run, in first-seen order. */
  collect(): GlockProfileDetail[] {
    const out: GlockProfileDetail[] = [];
    const byRes = new Map<number, HolderStats[]>();
    for (const [key, h] of this.perHolder) {
      const { res } = decodeHolderKey(key);
      const list = byRes.get(res);
      if (list === undefined) byRes.set(res, [h]);
      else list.push(h);
    }
    const rec = new Float64Array(glockStatsSlots);
    for (const res of this.seenResources()) {
      const name = this.nameOf(res);
      const m = /^n:(\d+)\/(\d+)$/.exec(name);
      const g = combineNodeStats(this, res, rec);
      const contended = this.contended[res] ?? 0;
      const total = this.waitNsTotal[res] ?? 0;
      const holders = (byRes.get(res) ?? []).map((h) => ({ ...h }));
      holders.sort((x, y) => y.waits - x.waits || y.grants - x.grants || x.node - y.node || x.pid - y.pid);
      out.push({
        name,
        type: m === null ? -1 : Number(m[1]),
        number: m === null ? res : Number(m[2]),
        ...g,
        contended,
        waitNsTotal: total,
        waitNsMax: this.waitNsMax[res] ?? 0,
        waitNsAvg: contended > 0 ? total / contended : 0,
        grantsByNode: Array.from(this.grantsByNode.subarray(res * this.nodes, (res + 1) * this.nodes)),
        callbacks: this.callbacks[res] ?? 0,
        demotes: this.demotes[res] ?? 0,
        waitsByState: Array.from(this.waitsByState.subarray(res * STATES, (res + 1) * STATES)),
        grantsByState: Array.from(this.grantsByState.subarray(res * STATES, (res + 1) * STATES)),
        holders,
      });
    }
    return out;
  }
}

/**
 * The cluster's glstats figures for one glock from the nodes' own records. The kernel keeps
 * one record per node (each node's debugfs shows its own); a cluster view has to combine them:
 * dcount and qcount are counts, so they add up; the smoothed means and deviations are averaged
 * over the nodes that sent DLM requests, weighted by their dcount (summing a round-trip time
 * over nodes would double it on two nodes and mean nothing).
 */
export function combineNodeStats(
  p: Pick<GlockProfiler, 'nodes' | 'nodeStats'>,
  res: number,
  rec: Float64Array,
): Pick<GlockProfile, 'srtt' | 'srttvar' | 'srttb' | 'srttvarb' | 'sirt' | 'sirtvar' | 'dcount' | 'qcount'> {
  const means = new Float64Array(6);
  let dcount = 0;
  let qcount = 0;
  for (let n = 0; n < p.nodes; n++) {
    p.nodeStats(res, n, rec);
    const d = rec[GlockStat.dcount] ?? 0;
    dcount += d;
    qcount += rec[GlockStat.qcount] ?? 0;
    for (let i = 0; i < 6; i++) means[i] = (means[i] ?? 0) + d * (rec[i] ?? 0);
  }
  const w = (i: number) => (dcount > 0 ? (means[i] ?? 0) / dcount : 0);
  return {
    srtt: w(GlockStat.srtt),
    srttvar: w(GlockStat.srttvar),
    srttb: w(GlockStat.srttb),
    srttvarb: w(GlockStat.srttvarb),
    sirt: w(GlockStat.sirt),
    sirtvar: w(GlockStat.sirtvar),
    dcount,
    qcount,
  };
}
