// Chrome trace-event JSON from a TraceWriter's buffer, as Perfetto's JSON importer reads it:
// one process per node (pid = node + 1), a thread per workload process, and per node a
// 'recovery' thread (withdraw phase slices, nested: the withdraw, then its phases tiling it),
// a 'secondary wait' thread, one 'replay jN' thread per journal replayed and a 'faults' thread.
// Lock waits and holds are async slices (b/e: they overlap freely); requests held up by a
// withdraw are also complete slices on their process's thread, so that the flow arrows from the
// withdraw (s on the withdraw slice, f on the target, bp 'e') have a slice to bind to.
// Times: ts in µs (the engine's ns / 1000), virtual in sim mode, monotonic in threads mode.

import { FaultKinds } from '../../faults/model.js';
import { TIMELINE_PHASES } from '../../orchestrator/timeline.js';
import type { RunResult, WithdrawRecord } from '../result.js';
import { toolInfo } from '../result.js';
import { PID_MAX, REC_FIELDS, RecType, type TraceWriter } from './writer.js';

export interface TraceEvent {
  name?: string;
  cat?: string;
  ph: string;
  ts?: number;
  dur?: number;
  pid?: number;
  tid?: number;
  id?: string | number;
  bp?: string;
  s?: string;
  args?: Record<string, unknown>;
}

export interface TraceJson {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms' | 'ns';
  metadata: Record<string, unknown>;
}

const STATE_NAMES = ['UN', 'EX', 'DF', 'SH'];
const TYPE_NAMES: Record<number, string> = {
  [RecType.wait]: 'wait',
  [RecType.hold]: 'hold',
  [RecType.replay]: 'replay',
  [RecType.secondaryWait]: 'secondaryWait',
  [RecType.fault]: 'fault',
  [RecType.blocked]: 'blocked',
};

/** Thread ids are unique across processes (Perfetto keys threads by tid). */
const TID_PER_NODE = 10_000;
const TID_RECOVERY = 1001;
const TID_FAULTS = 1003;
/** Overlapping slices of one kind on one node go on lanes (threads) of their own. */
const TID_REPLAY = 1100;
const REPLAY_LANES = 8;
const TID_SECONDARY = 1300;
const SECONDARY_LANES = 64;

const pidOfNode = (node: number) => node + 1;
const tidOf = (node: number, t: number) => (node + 1) * TID_PER_NODE + t;
const us = (ns: number) => ns / 1000;
const state = (s: number) => STATE_NAMES[s] ?? String(s);

class Builder {
  readonly events: TraceEvent[] = [];
  private readonly threads = new Map<number, { pid: number; name: string; sort: number }>();
  private readonly nodes = new Set<number>();
  private flowIds = 0;

  thread(node: number, t: number, name: string): number {
    const tid = tidOf(node, t);
    this.nodes.add(node);
    if (!this.threads.has(tid)) this.threads.set(tid, { pid: pidOfNode(node), name, sort: t });
    return tid;
  }

  private readonly lanes = new Map<string, number[]>();

  /** The first lane of `group` on `node` free at `startNs` (slices come in start order), taken until `endNs`. */
  lane(node: number, group: string, startNs: number, endNs: number, lanesMax: number): number {
    const key = `${node}/${group}`;
    let ends = this.lanes.get(key);
    if (ends === undefined) this.lanes.set(key, (ends = []));
    let i = ends.findIndex((e) => e <= startNs);
    if (i < 0) i = ends.length < lanesMax ? ends.length : lanesMax - 1;
    ends[i] = Math.max(ends[i] ?? 0, endNs);
    return i;
  }

  flowId(): number {
    return ++this.flowIds;
  }

  metadataEvents(): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const n of [...this.nodes].sort((a, b) => a - b)) {
      out.push({ ph: 'M', name: 'process_name', pid: pidOfNode(n), tid: 0, ts: 0, args: { name: `node ${n}` } });
      out.push({ ph: 'M', name: 'process_sort_index', pid: pidOfNode(n), tid: 0, ts: 0, args: { sort_index: n } });
    }
    for (const [tid, t] of this.threads) {
      out.push({ ph: 'M', name: 'thread_name', pid: t.pid, tid, ts: 0, args: { name: t.name } });
      out.push({ ph: 'M', name: 'thread_sort_index', pid: t.pid, tid, ts: 0, args: { sort_index: t.sort } });
    }
    return out;
  }
}

/** The withdraw of `w.node` as nested X slices; returns the slice's start (ns) or null. */
function withdrawSlices(bld: Builder, w: WithdrawRecord): { startNs: number; tid: number } | null {
  const reached = TIMELINE_PHASES.map((p) => ({ p, t: w.phases[p] })).filter(
    (x): x is { p: (typeof TIMELINE_PHASES)[number]; t: number } => typeof x.t === 'number',
  );
  if (reached.length === 0) return null;
  // Stable sort: phases reached at the same time keep the report's order.
  reached.sort((a, b) => a.t - b.t);
  const first = reached[0] as { p: string; t: number };
  const last = reached[reached.length - 1] as { p: string; t: number };
  const tid = bld.thread(w.node, TID_RECOVERY, 'recovery');
  const pid = pidOfNode(w.node);
  const args: Record<string, unknown> = {
    jid: w.node,
    replayedBy: w.replayedBy,
    blocksReplayed: w.blocksReplayed,
    dequeuesDelayed: w.dequeuesDelayed,
  };
  for (const r of reached) args[r.p] = `${us(r.t - first.t).toFixed(3)} µs after ${first.p}`;
  bld.events.push({
    ph: 'X',
    name: `withdraw of node ${w.node}`,
    cat: 'recovery',
    pid,
    tid,
    ts: us(first.t),
    // At least 1 ns: a zero-length slice encloses nothing, and the flow arrows start on this one.
    dur: us(Math.max(1, last.t - first.t)),
    args,
  });
  // The phases tile the withdraw slice: each runs from one reached phase to the next.
  for (let i = 1; i < reached.length; i++) {
    const from = reached[i - 1] as { p: string; t: number };
    const to = reached[i] as { p: string; t: number };
    if (to.t === from.t) continue;
    bld.events.push({
      ph: 'X',
      name: `${from.p} → ${to.p}`,
      cat: 'recovery.phase',
      pid,
      tid,
      ts: us(from.t),
      dur: us(to.t - from.t),
    });
  }
  return { startNs: w.phases.withdrawStart ?? first.t, tid };
}

function flow(
  bld: Builder,
  from: { pid: number; tid: number; ts: number },
  to: { pid: number; tid: number; ts: number },
  name: string,
): void {
  const id = bld.flowId();
  bld.events.push({ ph: 's', name, cat: 'recovery.flow', id, pid: from.pid, tid: from.tid, ts: from.ts, bp: 'e' });
  bld.events.push({ ph: 'f', name, cat: 'recovery.flow', id, pid: to.pid, tid: to.tid, ts: to.ts, bp: 'e' });
}

/** Waiters outstanding per node over time, from the kept wait intervals. */
function waiterCounters(bld: Builder, steps: Map<number, [number, number][]>): void {
  for (const [node, list] of steps) {
    // Ends before starts at the same instant: a grant and the next wait at one time is not depth 2.
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let depth = 0;
    for (let i = 0; i < list.length; i++) {
      const [t, delta] = list[i] as [number, number];
      depth += delta;
      const next = list[i + 1];
      if (next !== undefined && next[0] === t) continue;
      bld.events.push({
        ph: 'C',
        name: 'lock waiters',
        pid: pidOfNode(node),
        tid: 0,
        ts: us(t),
        args: { waiting: depth },
      });
    }
  }
}

/** The trace document. `result` adds the run's identity (seed, mode, protocol) to the metadata. */
export function toTraceJson(w: TraceWriter, result?: RunResult): TraceJson {
  w.closeOpen(w.lastNs);
  const bld = new Builder();
  const b = w.buf;
  const waitSteps = new Map<number, [number, number][]>();
  const blocked: { node: number; tid: number; startNs: number; endNs: number; jid: number }[] = [];
  const replays: { node: number; tid: number; jid: number; startNs: number; ok: boolean }[] = [];
  // In start order, so that lanes are assigned greedily and each lane's slices never overlap.
  const order = Array.from({ length: w.count }, (_, i) => i);
  order.sort((i, j) => (b[i * REC_FIELDS + 1] as number) - (b[j * REC_FIELDS + 1] as number) || i - j);
  for (const i of order) {
    const o = i * REC_FIELDS;
    const type = b[o] as number;
    const startNs = b[o + 1] as number;
    const endNs = b[o + 2] as number;
    const node = b[o + 3] as number;
    const p = b[o + 4] as number;
    const res = b[o + 5] as number;
    const x = b[o + 6] as number;
    const y = b[o + 7] as number;
    const pid = pidOfNode(node);
    if (type === RecType.wait || type === RecType.hold) {
      const tid = bld.thread(node, p, p === PID_MAX ? 'other' : `proc ${p}`);
      const kindName = type === RecType.wait ? 'wait' : 'hold';
      const name = `${kindName} r${res} ${state(x)}`;
      const id = `${kindName}-${i}`;
      const cat = `lock.${kindName}`;
      const args: Record<string, unknown> = { res, state: state(x) };
      if (type === RecType.hold && y === 1) args.unfinished = true;
      bld.events.push({ ph: 'b', name, cat, id, pid, tid, ts: us(startNs), args });
      bld.events.push({ ph: 'e', name, cat, id, pid, tid, ts: us(endNs) });
      if (type === RecType.wait) {
        let list = waitSteps.get(node);
        if (list === undefined) waitSteps.set(node, (list = []));
        list.push([startNs, 1], [endNs, -1]);
      }
    } else if (type === RecType.replay) {
      // At least 1 ns (a sim replay can take no virtual time): the flow from the withdraw binds to it.
      const shownEndNs = Math.max(endNs, startNs + 1);
      const lane = bld.lane(node, `replay${res}`, startNs, shownEndNs, REPLAY_LANES);
      const tid = bld.thread(
        node,
        TID_REPLAY + res * REPLAY_LANES + lane,
        `replay j${res}${lane > 0 ? ` (${lane + 1})` : ''}`,
      );
      const args: Record<string, unknown> = {
        jid: res,
        blocksReplayed: x,
        status: y === 1 ? 'unfinished' : y < 0 ? `aborted (${y})` : 'ok',
      };
      bld.events.push({
        ph: 'X',
        name: `replay journal ${res}`,
        cat: 'recovery',
        pid,
        tid,
        ts: us(startNs),
        dur: us(shownEndNs - startNs),
        args,
      });
      replays.push({ node, tid, jid: res, startNs, ok: y === 0 });
    } else if (type === RecType.secondaryWait) {
      // Each waiting process of a withdrawing node waits on its own: the waits overlap.
      const lane = bld.lane(node, 'secondary', startNs, endNs, SECONDARY_LANES);
      const tid = bld.thread(node, TID_SECONDARY + lane, `secondary wait${lane > 0 ? ` (${lane + 1})` : ''}`);
      bld.events.push({
        ph: 'X',
        name: 'secondary withdraw wait',
        cat: 'recovery',
        pid,
        tid,
        ts: us(startNs),
        dur: us(endNs - startNs),
        args: { waitedNs: x },
      });
    } else if (type === RecType.fault) {
      const tid = bld.thread(node, TID_FAULTS, 'faults');
      bld.events.push({
        ph: 'i',
        s: 't',
        name: `fault ${FaultKinds[res - 1] ?? res}`,
        cat: 'fault',
        pid,
        tid,
        ts: us(startNs),
        args: { planIndex: x },
      });
    } else if (type === RecType.blocked) {
      const tid = bld.thread(node, p, p === PID_MAX ? 'other' : `proc ${p}`);
      bld.events.push({
        ph: 'X',
        name: `blocked by withdraw of node ${x}: r${res}`,
        cat: 'recovery.blocked',
        pid,
        tid,
        ts: us(startNs),
        dur: us(endNs - startNs),
        args: { res, waitedNs: endNs - startNs },
      });
      blocked.push({ node, tid, startNs, endNs, jid: x });
    }
  }
  // Withdraw slices, and the flows from each withdraw to its replay and to the requests it held up.
  for (const wr of w.timelines.records()) {
    const src = withdrawSlices(bld, wr);
    if (src === null) continue;
    const from = { pid: pidOfNode(wr.node), tid: src.tid, ts: us(src.startNs) };
    const rep = replays
      .filter((r) => r.jid === wr.node && r.startNs >= src.startNs)
      .sort((a, c) => Number(c.ok) - Number(a.ok) || a.startNs - c.startNs)[0];
    if (rep !== undefined)
      flow(
        bld,
        from,
        { pid: pidOfNode(rep.node), tid: rep.tid, ts: us(rep.startNs) },
        `withdraw of node ${wr.node} → replay of journal ${wr.node}`,
      );
    for (const bl of blocked) {
      if (bl.jid !== wr.node) continue;
      // Bind inside the blocked slice, just before the grant (the release of the request).
      const atNs = bl.endNs - bl.startNs > 2 ? bl.endNs - 1 : bl.startNs;
      flow(
        bld,
        from,
        { pid: pidOfNode(bl.node), tid: bl.tid, ts: us(atNs) },
        `withdraw of node ${wr.node} → request granted on node ${bl.node}`,
      );
    }
  }
  waiterCounters(bld, waitSteps);
  // Sorted by time; at one instant an enclosing X slice comes before what it encloses.
  const sorted = bld.events.map((e, i) => ({ e, i }));
  sorted.sort(
    (p, q) =>
      (p.e.ts ?? 0) - (q.e.ts ?? 0) ||
      (q.e.ph === 'X' && p.e.ph === 'X' ? (q.e.dur ?? 0) - (p.e.dur ?? 0) : 0) ||
      p.i - q.i,
  );
  const droppedByType: Record<string, number> = {};
  for (const [t, n] of w.dropped) droppedByType[TYPE_NAMES[t] ?? String(t)] = n;
  const metadata: Record<string, unknown> = {
    tool: `${toolInfo().name} ${toolInfo().version}`,
    clock:
      result === undefined
        ? 'ns since the run started'
        : result.mode === 'sim'
          ? 'virtual ns since the run started (sim)'
          : 'monotonic ns since the run started (threads)',
    eventsSeen: w.eventsSeen,
    intervalsKept: w.count,
    maxLockIntervals: w.maxRecords,
    maxRecoveryIntervals: w.maxRecoveryRecords,
    droppedEvents: w.droppedTotal(),
    droppedByType,
  };
  if (result !== undefined)
    Object.assign(metadata, {
      seed: result.seed,
      mode: result.mode,
      protocol: result.protocol,
      faults: result.faults,
      command: result.command.join(' '),
    });
  return { traceEvents: [...bld.metadataEvents(), ...sorted.map((s) => s.e)], displayTimeUnit: 'ns', metadata };
}
