// A checker for the trace-event rules Perfetto's JSON importer relies on (the Trace Event Format
// document): every event has a phase and the fields that phase requires; complete ('X') slices
// on one thread nest (no partial overlap); async 'b'/'e' events pair up by (cat, id) with the
// begin first; every flow id has exactly one start 's' and one end 'f' after it, each bound to
// a complete slice on its thread; counters carry numeric args. It does not check the
// rendering (colours, track merging), only the structure the importer needs.

import type { TraceEvent } from './json.js';

export interface TraceCheck {
  readonly ok: boolean;
  readonly errors: string[];
  readonly counts: Record<string, number>;
}

/** Floating-point slack on µs timestamps (1 ps): ns / 1000 is not exact in binary. */
const EPS_US = 1e-6;
const ERRORS_MAX = 50;
const KNOWN_PHASES = new Set(['X', 'B', 'E', 'b', 'e', 'n', 's', 't', 'f', 'i', 'I', 'C', 'M']);

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function validateTrace(doc: unknown): TraceCheck {
  const errors: string[] = [];
  const counts: Record<string, number> = {};
  const err = (msg: string): false => {
    if (errors.length < ERRORS_MAX) errors.push(msg);
    return false;
  };
  const events = (doc as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) return { ok: false, errors: ['expected an object with a traceEvents array'], counts };
  const slices = new Map<string, { ts: number; end: number; i: number }[]>();
  const asyncOpen = new Map<string, number>();
  const flows = new Map<string, { s: number; f: number; sTs: number; fTs: number }>();
  const binds: { key: string; ts: number; i: number; ph: string }[] = [];
  const checkOne = (raw: unknown, i: number): boolean => {
    const e = raw as TraceEvent;
    const where = `event ${i} (${JSON.stringify(e).slice(0, 120)})`;
    if (typeof e !== 'object' || e === null || typeof e.ph !== 'string' || !KNOWN_PHASES.has(e.ph))
      return err(`${where}: expected a known ph`);
    counts[e.ph] = (counts[e.ph] ?? 0) + 1;
    if (!isNum(e.pid)) return err(`${where}: expected a numeric pid`);
    if (e.ph === 'M') {
      if (typeof e.name !== 'string' || typeof e.args !== 'object') err(`${where}: metadata needs name and args`);
      return true;
    }
    if (!isNum(e.ts) || e.ts < 0) return err(`${where}: expected a numeric ts >= 0`);
    if (e.ph !== 'C' && !isNum(e.tid)) return err(`${where}: expected a numeric tid`);
    if (typeof e.name !== 'string') return err(`${where}: expected a name`);
    const track = `${e.pid}/${e.tid}`;
    switch (e.ph) {
      case 'X': {
        if (!isNum(e.dur) || e.dur < 0) return err(`${where}: X needs dur >= 0`);
        let list = slices.get(track);
        if (list === undefined) slices.set(track, (list = []));
        list.push({ ts: e.ts, end: e.ts + e.dur, i });
        return true;
      }
      case 'b':
      case 'e': {
        if (e.id === undefined || typeof e.cat !== 'string') return err(`${where}: async events need cat and id`);
        const key = `${e.cat}\u0000${e.id}`;
        if (e.ph === 'b') {
          if (asyncOpen.has(key)) return err(`${where}: async begin for (cat ${e.cat}, id ${e.id}) already open`);
          asyncOpen.set(key, e.ts);
        } else {
          const t0 = asyncOpen.get(key);
          if (t0 === undefined) return err(`${where}: async end without a begin for (cat ${e.cat}, id ${e.id})`);
          if (e.ts + EPS_US < t0) err(`${where}: async end before its begin`);
          asyncOpen.delete(key);
        }
        return true;
      }
      case 's':
      case 'f': {
        if (e.id === undefined || typeof e.cat !== 'string') return err(`${where}: flow events need cat and id`);
        const key = `${e.cat}\u0000${e.id}`;
        const fl = flows.get(key) ?? { s: 0, f: 0, sTs: 0, fTs: 0 };
        if (e.ph === 's') {
          fl.s++;
          fl.sTs = e.ts;
        } else {
          fl.f++;
          fl.fTs = e.ts;
        }
        flows.set(key, fl);
        binds.push({ key: track, ts: e.ts, i, ph: e.ph });
        return true;
      }
      case 'C':
        if (
          typeof e.args !== 'object' ||
          e.args === null ||
          Object.keys(e.args).length === 0 ||
          !Object.values(e.args).every(isNum)
        ) {
          err(`${where}: a counter needs numeric args`);
        }
        return true;
      default:
        return true;
    }
  };
  for (let i = 0; i < events.length; i++) checkOne(events[i], i);
  for (const [key, t0] of asyncOpen) err(`async begin at ${t0} µs never ended (cat/id ${key.replace('\u0000', '/')})`);
  for (const [key, fl] of flows) {
    const name = key.replace('\u0000', '/');
    if (fl.s !== 1 || fl.f !== 1) err(`flow ${name}: expected one 's' and one 'f', received ${fl.s} and ${fl.f}`);
    else if (fl.fTs + EPS_US < fl.sTs) err(`flow ${name}: ends before it starts`);
  }
  // Nesting: sorted by start (longer first at a tie), every slice must end inside the open one.
  for (const [track, list] of slices) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const stack: { ts: number; end: number; i: number }[] = [];
    for (const s of list) {
      while (stack.length > 0 && (stack[stack.length - 1] as { end: number }).end <= s.ts + EPS_US) stack.pop();
      const top = stack[stack.length - 1];
      if (top !== undefined && s.end > top.end + EPS_US) {
        err(
          `track ${track}: X event ${s.i} [${s.ts}, ${s.end}] partially overlaps event ${top.i} [${top.ts}, ${top.end}]`,
        );
      }
      stack.push(s);
    }
  }
  // Flow ends bind (bp 'e') to a complete slice enclosing them on their own thread.
  for (const b of binds) {
    const list = slices.get(b.key) ?? [];
    if (!list.some((s) => s.ts <= b.ts + EPS_US && b.ts <= s.end + EPS_US))
      err(`flow event ${b.i} ('${b.ph}' at ${b.ts} µs on ${b.key}): no X slice encloses it`);
  }
  // Sorted per track: importers accept any order, but this writer promises time order.
  const lastTs = new Map<string, number>();
  events.forEach((raw: unknown, i) => {
    const e = raw as TraceEvent;
    if (e?.ph === 'M' || !isNum(e?.ts)) return;
    const track = `${e.pid}/${e.tid}`;
    const prev = lastTs.get(track) ?? 0;
    if (e.ts + EPS_US < prev) err(`event ${i}: ts ${e.ts} before ${prev} on track ${track} (not sorted)`);
    lastTs.set(track, Math.max(prev, e.ts));
  });
  return { ok: errors.length === 0, errors, counts };
}
