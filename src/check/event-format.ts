// Readable one-line renderings of event records, for the trails that violations carry. Pure
// formatting: it decides nothing. Field meanings follow src/memory/events.ts.

import { Ev } from '../memory/events.js';

/** Kind code → name (the keys of Ev). */
export const EVENT_KIND_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Ev).map(([name, code]) => [code, name]),
);

/** Writes in place by source code (Ev.writeInPlace c). */
export const WriteSource = { writeBack: 0, replay: 1, other: 2 } as const;

const STATE_NAMES = ['UN', 'EX', 'DF', 'SH'];

function stateName(s: number): string {
  return STATE_NAMES[s] ?? `state ${s}`;
}

/** Resolves a glock resource index to its debugfs name, `n:<type>/<num>`. */
export type GlockNameResolver = (res: number) => string;

export function defaultGlockName(res: number): string {
  return `res#${res}`;
}

function fields(kind: number, a: number, b: number, c: number, d: number, gl: GlockNameResolver): string {
  switch (kind) {
    case Ev.grant:
      return `${gl(a)} ${stateName(b)} flags=0x${c.toString(16)} pid=${d}`;
    case Ev.release:
      return `${gl(a)} ${stateName(b)} pid=${d}`;
    case Ev.dlmState:
      return `${gl(a)} ${stateName(b)}→${stateName(c)}`;
    case Ev.callback:
      return `${gl(a)} wants ${stateName(b)}`;
    case Ev.demote:
      return `${gl(a)} → ${stateName(b)}`;
    case Ev.writeInPlace:
      return `blk=${a} ver=${b} ${c === WriteSource.writeBack ? 'write-back' : c === WriteSource.replay ? 'replay' : 'other'}`;
    case Ev.readBlock:
      return `blk=${a} ver=${b} under ${c >= 0 ? gl(c) : 'unknown glock'}`;
    case Ev.commit:
      return `header at ${a} seq=${b} blocks=${c}`;
    case Ev.logBlock:
      return `blk=${a} ver=${b} at journal ${c}`;
    case Ev.revoke:
      return `blk=${a} at journal ${c}`;
    case Ev.tail:
      return `tail=${a} head=${b}`;
    case Ev.replayStart:
      return `jid=${a}`;
    case Ev.replayEnd:
      return `jid=${a} replayed=${b} of ${c}`;
    case Ev.journalState:
      return `jid=${a} ${b === 1 ? 'clean' : 'dirty'}`;
    case Ev.versionCommit:
      return `blk=${a} ver=${b} under ${c >= 0 ? gl(c) : 'unknown glock'}`;
    case Ev.bitmap:
      return `blk=${a} ${b}→${c}`;
    case Ev.mount:
      return a === 1 ? 'mounted' : 'unmounted';
    case Ev.dlmRecovery:
      return a === 1 ? 'prep' : a === 2 ? `slot jid=${b}` : a === 3 ? 'done' : `phase ${a}`;
    case Ev.frozen:
      return `${gl(a)} ${b === 1 ? 'thawed' : 'frozen'}`;
    case Ev.lockspace:
      return a === 1 ? 'join' : a === 2 ? 'clean leave' : a === 3 ? 'failed' : `change ${a}`;
    default:
      return `a=${a} b=${b} c=${c} d=${d}`;
  }
}

/** `12.345678ms n1 logBlock blk=100 ver=3 at journal 7`. */
export function describeFields(
  timeNs: number,
  kind: number,
  node: number,
  a: number,
  b: number,
  c: number,
  d: number,
  gl: GlockNameResolver,
): string {
  const name = EVENT_KIND_NAMES[kind] ?? `kind${kind}`;
  return `${(timeNs / 1e6).toFixed(6)}ms n${node} ${name} ${fields(kind, a, b, c, d, gl)}`;
}

/** Render the record at rec[off] (layout: timeNs, kind, node, a, b, c, d, seq). */
export function describeEvent(rec: ArrayLike<number>, off: number, gl: GlockNameResolver = defaultGlockName): string {
  return describeFields(
    rec[off] as number,
    rec[off + 1] as number,
    rec[off + 2] as number,
    rec[off + 3] as number,
    rec[off + 4] as number,
    rec[off + 5] as number,
    rec[off + 6] as number,
    gl,
  );
}
