// The in-core glock (struct gfs2_glock, reference §2) and its holder queue. The queue is an
// intrusive doubly linked list, like the kernel's gl_holders: granted holders form a prefix,
// waiters follow (FIFO, PRIORITY ones inserted before the first waiter).

import { limits } from '../config/limits.js';
import { LmState } from '../dlm/api.js';
import { Channel } from '../node/proc.js';
import { glockFlagsString, HolderIFlag } from './flags.js';
import type { Holder } from './holder.js';
import { lmStateName } from './lm.js';
import type { GlockOps } from './ops.js';

export class Glock {
  /** Resource index: DLM table slot and stats slot. */
  readonly res: number;
  readonly type: number;
  readonly number: number;
  readonly ops: GlockOps;
  /** gl_state: granted state as known locally. */
  state: number = LmState.un;
  /** gl_target: what the state machine is working towards. */
  target: number = LmState.un;
  /** gl_req: the state of the request being prepared or at the DLM. */
  req: number = LmState.un;
  /** HolderFlag bits that travel with the request (TRY, TRY_1CB, NOEXP, PRIORITY). */
  reqFlags = 0;
  /** gl_demote_state: EX is the sentinel for "no demote requested". */
  demoteState: number = LmState.ex;
  demoteTimeNs = 0;
  /** gl_hold_time in jiffies (integer, as the kernel adjusts it). */
  holdTimeJiffies: number;
  /** gl_tchange: time of the last state change. */
  tchangeNs: number;
  /** GlockFlag bits. */
  flags = 0;
  /** gl_reply: state and status of the DLM reply being processed (status 0, 13 or < 0). */
  replyState: number = LmState.un;
  replyStatus = 0;
  /** gl_dstamp: when the last DLM request was sent (stats); -1 = never. */
  dstampNs = -1;
  /** When the work process should next look at this glock (delayed work). */
  workAtNs = Number.POSITIVE_INFINITY;
  first: Holder | null = null;
  last: Holder | null = null;
  holderCount = 0;
  /** Processes waiting for another holder's go_lock (GLF_INSTANTIATE_IN_PROG) sleep here. */
  readonly channel: Channel;

  constructor(res: number, type: number, number: number, ops: GlockOps, holdTimeJiffies: number, nowNs: number) {
    this.res = res;
    this.type = type;
    this.number = number;
    this.ops = ops;
    this.holdTimeJiffies = holdTimeJiffies;
    this.tchangeNs = nowNs;
    this.channel = new Channel(`glock ${type}/${number}`, limits.processesPerNodeMax + 16);
  }
}

/** find_first_holder: the head if it is granted, else null. */
export function firstHolder(gl: Glock): Holder | null {
  const h = gl.first;
  return h !== null && (h.iflags & HolderIFlag.holder) !== 0 ? h : null;
}

/** find_first_waiter. Bounded by holderCount ≤ limits.holdersPerGlockMax. */
export function firstWaiter(gl: Glock): Holder | null {
  for (let h = gl.first; h !== null; h = h.next) {
    if ((h.iflags & HolderIFlag.holder) === 0) return h;
  }
  return null;
}

/** Link `h` before `at` (null = append). */
export function insertHolderBefore(gl: Glock, h: Holder, at: Holder | null): void {
  if (at === null) {
    h.prev = gl.last;
    h.next = null;
    if (gl.last !== null) gl.last.next = h;
    else gl.first = h;
    gl.last = h;
  } else {
    h.next = at;
    h.prev = at.prev;
    if (at.prev !== null) at.prev.next = h;
    else gl.first = h;
    at.prev = h;
  }
  gl.holderCount++;
}

/** list_del_init. A holder not on the queue is left alone. */
export function removeHolder(gl: Glock, h: Holder): void {
  if (h.prev === null && gl.first !== h) return;
  if (h.prev !== null) h.prev.next = h.next;
  else gl.first = h.next;
  if (h.next !== null) h.next.prev = h.prev;
  else gl.last = h.prev;
  h.prev = null;
  h.next = null;
  gl.holderCount--;
}

/** A debugfs `glocks`-style dump (cold path: error reports). */
export function glockDump(gl: Glock, nowNs: number): string {
  const demote = gl.demoteState === LmState.ex ? 'EX' : lmStateName(gl.demoteState);
  const lines = [
    `G: s:${lmStateName(gl.state)} n:${gl.type}/${gl.number} f:${glockFlagsString(gl.flags)} t:${lmStateName(gl.target)} ` +
      `d:${demote}/${Math.round((nowNs - gl.demoteTimeNs) / 1000)} h:${gl.holdTimeJiffies} r:${gl.res}`,
  ];
  for (let h = gl.first; h !== null; h = h.next) {
    const hw = (h.iflags & HolderIFlag.holder ? 'H' : '') + (h.iflags & HolderIFlag.wait ? 'W' : '');
    lines.push(
      ` H: s:${lmStateName(h.state)} f:${hw}/0x${h.flags.toString(16)} e:${h.error} p:${h.pid} [${h.proc?.name ?? '?'}]`,
    );
  }
  return lines.join('\n');
}
