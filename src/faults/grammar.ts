// The `--faults` text grammar and its canonical form. formatFaultPlan(p) is the text a run prints
// at start: parseFaultPlan(formatFaultPlan(p), nodes) gives back p exactly, so any run's faults
// can be reproduced from its output.
//
//   plan  := 'none' | fault (sep fault)*          sep := '+' | ';'   (canonical: '+', shell-safe)
//   fault := kind ':' key '=' value (',' key '=' value)*
//
//   jerr:node=N[,at=T][,after=K][,p=P][,sticky=0|1]      journal write error (sticky=1 default)
//   merr:node=N[,op=w|r|rw][,at=T][,after=K][,p=P][,sticky=0|1]   other metadata I/O error
//   recovery-withdraw:node=N[,at=T][,after=K][,p=P][,sticky=0|1]  replay writes of N fail
//   crash:node=N[,at=T][,after=K]                        (at least one of at, after)
//   slow:node=N,write=D[,from=T][,to=T]
//   cbdelay:node=N,delay=D[,kind=bast|ast|recover-prep|recover-slot|recover-done|control][,from=T][,to=T]
//   ackdelay:node=N,delay=D[,from=T][,to=T]
//
// T and D are durations (`500ms`, `2s`, `1m30s`); `ms=50` is accepted for `delay=50ms`.
// Canonical form: keys in the order above, defaults left out, durations via formatDuration.

import { formatDuration, parseDuration } from '../config/duration.js';
import { UsageError } from '../config/errors.js';
import {
  type CallbackKindName,
  CallbackKindNames,
  type Fault,
  type FaultKind,
  FaultKinds,
  type FaultPlan,
  faultLimits,
  type MetaOp,
  MetaOps,
} from './model.js';

const OPTION = '--faults';
const keysOf: Record<FaultKind, readonly string[]> = {
  jerr: ['node', 'at', 'after', 'p', 'sticky'],
  merr: ['node', 'op', 'at', 'after', 'p', 'sticky'],
  'recovery-withdraw': ['node', 'at', 'after', 'p', 'sticky'],
  crash: ['node', 'at', 'after'],
  slow: ['node', 'write', 'from', 'to'],
  cbdelay: ['node', 'delay', 'ms', 'kind', 'from', 'to'],
  ackdelay: ['node', 'delay', 'ms', 'from', 'to'],
};
const realRe = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const intRe = /^\d+$/;

/** One fault's text being read: its position and text for messages, its key=value pairs. */
class Entry {
  readonly where: string;
  readonly kind: FaultKind;
  private readonly params = new Map<string, string>();

  constructor(text: string, index: number) {
    this.where = `${OPTION}: fault ${index + 1} (${JSON.stringify(text)})`;
    const colon = text.indexOf(':');
    const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
    if (!(FaultKinds as readonly string[]).includes(kind)) {
      this.fail(`a fault kind, one of ${FaultKinds.join(', ')}`, kind);
    }
    this.kind = kind as FaultKind;
    const allowed = keysOf[this.kind];
    if (colon < 0) this.fail(`parameters after "${kind}:", such as node=0`, text);
    for (const part of text.slice(colon + 1).split(',')) {
      const eq = part.indexOf('=');
      const key = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (eq < 0 || key === '') this.fail('key=value', part.trim());
      if (!allowed.includes(key)) this.fail(`a ${this.kind} parameter, one of ${allowed.join(', ')}`, key);
      if (this.params.has(key)) this.fail(`each parameter once`, `${key} twice`);
      this.params.set(key, part.slice(eq + 1).trim());
    }
  }

  fail(expected: string, received: string): never {
    throw new UsageError(`${this.where}: expected ${expected}, received ${JSON.stringify(received)}`, OPTION);
  }

  missing(expected: string): never {
    throw new UsageError(`${this.where}: expected ${expected}, received nothing`, OPTION);
  }

  private duration(key: string, v: string): number {
    try {
      return parseDuration(v, `${this.where}: ${key}`);
    } catch (err) {
      // Re-labelled so the error names the flag, like every other --faults error.
      throw err instanceof UsageError ? new UsageError(err.message, OPTION) : err;
    }
  }

  has(key: string): boolean {
    return this.params.has(key);
  }

  node(nodes: number): number {
    const v = this.params.get('node');
    if (v === undefined) this.missing('node=N naming the node it strikes');
    const n = intRe.test(v) ? Number(v) : Number.NaN;
    if (!(n < nodes)) this.fail(`node: an integer from 0 to ${nodes - 1} (the cluster has ${nodes} nodes)`, v);
    return n;
  }

  timeMs(key: string): number | null {
    const v = this.params.get(key);
    if (v === undefined) return null;
    const ms = this.duration(key, v);
    if (ms > faultLimits.timeMaxMs) this.fail(`${key}: a time up to ${formatDuration(faultLimits.timeMaxMs)}`, v);
    return ms;
  }

  delayMs(key: string): number | null {
    const v = this.params.get(key);
    if (v === undefined) return null;
    const what = `${key}: a delay from 1ms to ${formatDuration(faultLimits.delayMaxMs)}`;
    // `ms=50` is the bare-number spelling; every other duration carries its unit.
    const ms = key === 'ms' ? (intRe.test(v) ? Number(v) : this.fail(what, v)) : this.duration(key, v);
    if (ms < 1 || ms > faultLimits.delayMaxMs) this.fail(what, v);
    return ms;
  }

  count(key: string): number | null {
    const v = this.params.get(key);
    if (v === undefined) return null;
    const n = intRe.test(v) ? Number(v) : Number.NaN;
    if (!(n >= 1 && n <= faultLimits.afterMax)) this.fail(`${key}: an integer from 1 to ${faultLimits.afterMax}`, v);
    return n;
  }

  probability(key: string): number | null {
    const v = this.params.get(key);
    if (v === undefined) return null;
    const p = realRe.test(v) ? Number(v) : Number.NaN;
    if (!(p > 0 && p <= 1)) this.fail(`${key}: a probability above 0 and at most 1, such as 0.01`, v);
    return p;
  }

  flag(key: string, fallback: boolean): boolean {
    const v = this.params.get(key);
    if (v === undefined) return fallback;
    if (v !== '0' && v !== '1') this.fail(`${key}: 0 or 1`, v);
    return v === '1';
  }

  choice<T extends string>(key: string, choices: readonly T[]): T | null {
    const v = this.params.get(key);
    if (v === undefined) return null;
    if (!(choices as readonly string[]).includes(v)) this.fail(`${key}: one of ${choices.join(', ')}`, v);
    return v as T;
  }

  window(): { fromMs: number; toMs: number | null } {
    const fromMs = this.timeMs('from') ?? 0;
    const toMs = this.timeMs('to');
    if (toMs !== null && toMs <= fromMs)
      this.fail('to later than from', `from=${formatDuration(fromMs)},to=${formatDuration(toMs)}`);
    return { fromMs, toMs };
  }
}

function parseFault(text: string, index: number, nodes: number): Fault {
  const e = new Entry(text, index);
  const node = e.node(nodes);
  switch (e.kind) {
    case 'jerr':
    case 'recovery-withdraw':
    case 'merr': {
      const trigger = {
        node,
        atMs: e.timeMs('at'),
        after: e.count('after'),
        p: e.probability('p'),
        sticky: e.flag('sticky', true),
      };
      if (e.kind !== 'merr') return { kind: e.kind, ...trigger };
      return { kind: 'merr', ...trigger, op: e.choice<MetaOp>('op', MetaOps) ?? 'rw' };
    }
    case 'crash': {
      const atMs = e.timeMs('at');
      const after = e.count('after');
      if (atMs === null && after === null) e.missing('at=T or after=K saying when the node crashes');
      return { kind: 'crash', node, atMs, after };
    }
    case 'slow': {
      const writeMs = e.delayMs('write') ?? e.missing('write=D, the extra time each write costs');
      return { kind: 'slow', node, writeMs, ...e.window() };
    }
    case 'cbdelay':
    case 'ackdelay': {
      if (e.has('delay') && e.has('ms')) e.fail('delay=D or ms=N, not both', text.trim());
      const delayMs = e.delayMs('delay') ?? e.delayMs('ms') ?? e.missing('delay=D, such as delay=50ms');
      if (e.kind === 'ackdelay') return { kind: 'ackdelay', node, delayMs, ...e.window() };
      const names = Object.keys(CallbackKindNames) as CallbackKindName[];
      return { kind: 'cbdelay', node, delayMs, cb: e.choice('kind', names), ...e.window() };
    }
  }
}

/**
 * Parse `--faults` text for a cluster of `nodes` nodes. `none` (or an empty string) is the empty
 * plan; `random` needs a seed and is handled by resolveFaultPlan.
 * @throws UsageError saying what was expected and what was received.
 */
export function parseFaultPlan(text: string, nodes: number): FaultPlan {
  if (typeof text !== 'string')
    throw new UsageError(`${OPTION}: expected a fault plan, received ${typeof text}`, OPTION);
  const s = text.trim();
  if (s === '' || s === 'none') return { faults: [] };
  if (s === 'random')
    throw new UsageError(`${OPTION}: "random" draws from the seed; resolve it with resolveFaultPlan`, OPTION);
  const parts = s.split(/[;+]/);
  if (parts.length > faultLimits.faultsPerPlanMax) {
    throw new UsageError(
      `${OPTION}: expected at most ${faultLimits.faultsPerPlanMax} faults, received ${parts.length}`,
      OPTION,
    );
  }
  const faults = parts.map((part, i) => {
    if (part.trim() === '') {
      throw new UsageError(
        `${OPTION}: expected a fault such as jerr:node=0,at=2s in entry ${i + 1}, received an empty entry in ${JSON.stringify(text)}`,
        OPTION,
      );
    }
    return parseFault(part, i, nodes);
  });
  return { faults };
}

function triggerText(f: { atMs: number | null; after: number | null }): string {
  let out = '';
  if (f.atMs !== null) out += `,at=${formatDuration(f.atMs)}`;
  if (f.after !== null) out += `,after=${f.after}`;
  return out;
}

function windowText(f: { fromMs: number; toMs: number | null }): string {
  return (
    (f.fromMs > 0 ? `,from=${formatDuration(f.fromMs)}` : '') + (f.toMs !== null ? `,to=${formatDuration(f.toMs)}` : '')
  );
}

/** The canonical text of one fault. */
export function formatFault(f: Fault): string {
  const head = `${f.kind}:node=${f.node}`;
  switch (f.kind) {
    case 'jerr':
    case 'merr':
    case 'recovery-withdraw': {
      const op = f.kind === 'merr' && f.op !== 'rw' ? `,op=${f.op}` : '';
      return `${head}${op}${triggerText(f)}${f.p !== null ? `,p=${f.p}` : ''}${f.sticky ? '' : ',sticky=0'}`;
    }
    case 'crash':
      return head + triggerText(f);
    case 'slow':
      return `${head},write=${formatDuration(f.writeMs)}${windowText(f)}`;
    case 'cbdelay':
      return `${head},delay=${formatDuration(f.delayMs)}${f.cb !== null ? `,kind=${f.cb}` : ''}${windowText(f)}`;
    case 'ackdelay':
      return `${head},delay=${formatDuration(f.delayMs)}${windowText(f)}`;
  }
}

/** The canonical text that reproduces `plan` (`none` when it is empty). */
export function formatFaultPlan(plan: FaultPlan): string {
  return plan.faults.length === 0 ? 'none' : plan.faults.map(formatFault).join('+');
}
