// The glocktop view. Two sources, named in the view's header:
//  - Live (a snapshot, `--interval` on a TTY, and the busiest snapshot of the run): Is/Want per
//    node are the DLM modes in shared memory (granted G slot and queued request RQ slot, read
//    with Atomics.load; DLM modes mapped to glock states as lock_dlm.c does); holders (H) per
//    node/pid come from the event stream (Ev.grant adds, Ev.release removes); the demote flag
//    is a blocking callback seen and no demote since. Glock-level waiting holders live only in
//    the node threads' heaps, so live waiting is the DLM's: a node with a queued request.
//  - Whole run: H and W per node/pid are grants and waited grants summed over the run.

import { lmStateOf } from '../dlm/api.js';
import { decodeHolderKey, type GlockProfileDetail, type GlockProfiler } from './collector.js';
import { alignColumns, formatNs, GLOCK_TYPES_ORDERED, glockTypeName, STATE_WORDS, stateName } from './format.js';

export interface LiveNode {
  readonly node: number;
  /** Glock state of the node's DLM lock (UN when none). */
  readonly is: number;
  /** Glock state the node has queued at the DLM, or -1. */
  readonly want: number;
  /** State a blocking callback asked this node to demote to, or -1. */
  readonly demote: number;
}

export interface LiveGlock {
  readonly res: number;
  readonly name: string;
  readonly type: number;
  readonly nodes: readonly LiveNode[];
  readonly holders: readonly { readonly node: number; readonly pid: number; readonly state: number }[];
  /** Nodes with a request queued at the DLM. */
  readonly dlmWaiting: number;
}

export interface LiveSnapshot {
  /** ms since the profiler's run started (wall clock of the caller). */
  readonly atMs: number;
  /** Glocks held (DLM lock above UN or a holder) or waited for; others are left out, as glocktop does. */
  readonly glocks: readonly LiveGlock[];
  /** Glocks seen in the run and unlocked now, per type. */
  readonly unlockedByType: ReadonlyMap<number, number>;
}

/** Read the live state of every glock seen so far. Cold path: allocates per call. */
export function takeSnapshot(p: GlockProfiler, atMs: number): LiveSnapshot {
  const mem = p.memory;
  const holdersByRes = new Map<number, { node: number; pid: number; state: number }[]>();
  for (const [key, state] of p.held) {
    const { res, node, pid } = decodeHolderKey(key);
    const list = holdersByRes.get(res) ?? [];
    list.push({ node, pid, state });
    holdersByRes.set(res, list);
  }
  const glocks: LiveGlock[] = [];
  const unlockedByType = new Map<number, number>();
  for (const res of p.seenResources()) {
    const name = p.name(res);
    const type = Number(/^n:(\d+)\//.exec(name)?.[1] ?? -1);
    const nodes: LiveNode[] = [];
    let locked = false;
    let dlmWaiting = 0;
    for (let n = 0; n < p.nodes; n++) {
      const is = mem === null ? 0 : lmStateOf(mem.dlm.grantedMode(n, res));
      const rq = mem === null ? -1 : mem.dlm.requestedMode(n, res);
      const want = rq < 0 ? -1 : lmStateOf(rq);
      if (is !== 0) locked = true;
      if (rq >= 0) dlmWaiting++;
      nodes.push({ node: n, is, want, demote: (p.demotePending[res * p.nodes + n] ?? 0) - 1 });
    }
    const holders = (holdersByRes.get(res) ?? []).sort((a, b) => a.node - b.node || a.pid - b.pid);
    if (!locked && dlmWaiting === 0 && holders.length === 0) {
      unlockedByType.set(type, (unlockedByType.get(type) ?? 0) + 1);
      continue;
    }
    glocks.push({ res, name, type, nodes, holders, dlmWaiting });
  }
  return { atMs, glocks, unlockedByType };
}

/** Contention first: a glock (or snapshot) with DLM waiters outranks any number of plain holders. */
function load(g: LiveGlock): number {
  return g.dlmWaiting * 1e6 + g.holders.length;
}

/** How busy a snapshot is (to keep the busiest one of a run): DLM waiters, then holders. */
export function snapshotLoad(s: LiveSnapshot): number {
  let n = 0;
  for (const g of s.glocks) n += load(g);
  return n;
}

const ROWS = ['Unlocked', 'Locked', 'Held EX', 'Held SH', 'Held DF', 'G Waiting', 'P Waiting'] as const;

/** glocktop's summary matrix: rows as ROWS, one column per glock type present. */
export function summaryMatrix(s: LiveSnapshot): { types: number[]; rows: Map<string, number[]> } {
  const present = new Set<number>([...s.unlockedByType.keys(), ...s.glocks.map((g) => g.type)]);
  const types = [
    ...GLOCK_TYPES_ORDERED.filter((t) => present.has(t)),
    ...[...present].filter((t) => !GLOCK_TYPES_ORDERED.includes(t)).sort(),
  ];
  const rows = new Map<string, number[]>(ROWS.map((r) => [r, types.map(() => 0)]));
  const bump = (row: string, type: number, by = 1) => {
    const r = rows.get(row);
    const i = types.indexOf(type);
    if (r !== undefined && i >= 0) r[i] = (r[i] ?? 0) + by;
  };
  for (const [type, n] of s.unlockedByType) bump('Unlocked', type, n);
  for (const g of s.glocks) {
    if (g.nodes.some((n) => n.is !== 0)) bump('Locked', g.type);
    else bump('Unlocked', g.type);
    for (const [row, state] of [
      ['Held EX', 1],
      ['Held DF', 2],
      ['Held SH', 3],
    ] as const) {
      if (g.holders.some((h) => h.state === state)) bump(row, g.type);
    }
    if (g.dlmWaiting > 0) {
      bump('G Waiting', g.type);
      bump('P Waiting', g.type, g.dlmWaiting);
    }
  }
  return { types, rows };
}

function liveLines(g: LiveGlock): string[] {
  // glocktop's friendly line, per node: `Is:Shared, Want:Exclusive [Demote pending]`.
  const lines = [`G: ${g.name} (${glockTypeName(g.type)})`];
  for (const n of g.nodes) {
    const hs = g.holders.filter((h) => h.node === n.node);
    if (n.is === 0 && n.want < 0 && hs.length === 0) continue;
    const flags = [
      n.demote >= 0 ? `Demote pending to ${stateName(n.demote)}` : '',
      n.want >= 0 ? 'DLM wait' : '',
    ].filter((x) => x !== '');
    const want = n.want >= 0 ? n.want : n.is;
    lines.push(
      `  node ${n.node}: Is:${STATE_WORDS[n.is] ?? n.is}, Want:${STATE_WORDS[want] ?? want}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''}`,
    );
    // Ev.grant carries the glock's state at the grant, not the holder's own request.
    for (const h of hs) lines.push(`    H: p:${h.pid} (glock ${stateName(h.state)})`);
  }
  return lines;
}

export function formatMatrix(s: LiveSnapshot): string[] {
  const { types, rows } = summaryMatrix(s);
  const table = [['', ...types.map(glockTypeName)], ...[...rows].map(([r, v]) => [`${r}:`, ...v.map(String)])];
  return alignColumns(table, [false, ...types.map(() => true)]);
}

/** The live view: the `top` glocks by DLM waiters, then holders; then the summary matrix. */
export function formatLive(s: LiveSnapshot, top: number, title: string): string {
  const hot = [...s.glocks].sort((a, b) => load(b) - load(a) || a.res - b.res).slice(0, top);
  const lines = [
    `${title} at ${(s.atMs / 1000).toFixed(1)} s — Is/Want: DLM modes in shared memory (read now); H: holders from grant/release`,
    '  events (as far as drained); Demote pending: callback seen, no demote since; DLM wait / P Waiting: requests queued at the',
    '  DLM (glock-level waiting holders live in the node threads, invisible here)',
  ];
  for (const g of hot) lines.push(...liveLines(g));
  if (hot.length === 0) lines.push('  (no glock held or waited for)');
  lines.push('', ...formatMatrix(s).map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

/** glocktop order for the whole run: most waiting holders (W) first, then most holders (H). */
export function sortByWaiters(glocks: readonly GlockProfileDetail[]): GlockProfileDetail[] {
  const w = (g: GlockProfileDetail) => g.holders.reduce((s, h) => s + h.waits, 0);
  const h = (g: GlockProfileDetail) => g.holders.reduce((s, x) => s + x.grants, 0);
  return [...glocks]
    .filter((g) => w(g) > 0)
    .sort((a, b) => w(b) - w(a) || h(b) - h(a) || a.type - b.type || a.number - b.number);
}

/** The whole-run view: per glock, H and W per node/pid (up to `pidsPerGlock` rows). */
export function formatRunView(glocks: readonly GlockProfileDetail[], top: number, pidsPerGlock = 6): string {
  const hot = sortByWaiters(glocks).slice(0, top);
  const lines = [
    'glocktop (whole run) — H: holders granted, W: of those, granted after waiting; per node/pid from grant/waited events',
  ];
  if (hot.length === 0) lines.push('  (no holder had to wait)');
  for (const g of hot) {
    const W = g.holders.reduce((s, h) => s + h.waits, 0);
    const H = g.holders.reduce((s, h) => s + h.grants, 0);
    const mostWanted = g.waitsByState.indexOf(Math.max(...g.waitsByState));
    lines.push(
      `G: ${g.name} (${glockTypeName(g.type)})  H ${H}  W ${W}  Want mostly:${STATE_WORDS[mostWanted] ?? '-'}  callbacks ${g.callbacks}  demotes ${g.demotes}`,
    );
    const rows = g.holders
      .slice(0, pidsPerGlock)
      .map((h) => [
        `  node ${h.node} p:${h.pid}`,
        `H ${h.grants}`,
        `W ${h.waits}`,
        `waited ${formatNs(h.waitNsTotal)}`,
      ]);
    lines.push(...alignColumns(rows, [false, true, true, true]));
    if (g.holders.length > pidsPerGlock) lines.push(`  … ${g.holders.length - pidsPerGlock} more node/pid rows`);
  }
  return `${lines.join('\n')}\n`;
}
