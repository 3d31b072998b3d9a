// A trivially correct, single-threaded reference of the DLM's rules (see src/dlm/core.ts header):
// plain arrays, explicit queues sorted on demand, no counts, no bit tricks, no fast path. The
// fuzz test drives it and the shared-memory Dlm with the same operations and compares results,
// granted modes, queue order, ring records and value blocks.

import { CbKind, DlmFlag, DlmMode, DlmStatus } from '../../src/dlm/api.js';
import { dlmModesCompatible } from '../../src/dlm/layout.js';

interface Req {
  node: number;
  mode: number;
  flags: number;
  conv: boolean;
  ticket: number;
}

class Res {
  granted: number[];
  queue: Req[] = [];
  highbast: number[];
  head = 0;
  tail = 0;
  lvb = [0, 0, 0, 0, 0, 0, 0, 0];
  shadow: number[] | null = null;
  constructor(nodes: number) {
    this.granted = new Array<number>(nodes).fill(-1);
    this.highbast = new Array<number>(nodes).fill(0);
  }
}

export type Rec = [number, number, number, number];

export class DlmModel {
  readonly nodes: number;
  readonly res: Res[];
  readonly rings: Rec[][];
  members: boolean[];
  prepUnread: boolean[];
  generation = 0;

  constructor(nodes: number, resources: number) {
    this.nodes = nodes;
    this.res = Array.from({ length: resources }, () => new Res(nodes));
    this.rings = Array.from({ length: nodes }, () => []);
    this.members = new Array<boolean>(nodes).fill(false);
    this.prepUnread = new Array<boolean>(nodes).fill(false);
  }

  /** Node takes everything in its ring (this is when a recoverPrep counts as read). */
  drain(node: number): Rec[] {
    const out = this.rings[node] as Rec[];
    this.rings[node] = [];
    this.prepUnread[node] = false;
    return out;
  }

  order(r: Res): Req[] {
    return [...r.queue].sort((a, b) => (a.conv !== b.conv ? (a.conv ? -1 : 1) : a.ticket - b.ticket));
  }

  private compatWithOthers(r: Res, node: number, mode: number): boolean {
    return r.granted.every((g, m) => m === node || g < 0 || dlmModesCompatible(g, mode));
  }

  private post(node: number, rec: Rec): void {
    if (this.members[node]) this.rings[node]?.push(rec);
  }

  private grant(r: Res, node: number, mode: number): void {
    if (r.granted[node] === DlmMode.ex && mode !== DlmMode.ex && r.shadow) {
      r.lvb = r.shadow;
      r.shadow = null;
    }
    r.granted[node] = mode;
    r.highbast[node] = 0;
  }

  private bast(ri: number, node: number, mode: number): void {
    this.post(node, [CbKind.bast, ri, mode, 0]);
  }

  request(node: number, ri: number, mode: number, flags: number): number {
    const r = this.res[ri] as Res;
    if (!this.members[node]) return DlmStatus.notMember;
    if (r.queue.some((q) => q.node === node)) return DlmStatus.busy;
    const cur = r.granted[node] as number;
    const conv = cur >= 0;
    const compat = this.compatWithOthers(r, node, mode);
    let now: boolean;
    if (conv) now = compat && ((flags & DlmFlag.quecvt) === 0 || !r.queue.some((q) => q.conv));
    else now = compat && (r.queue.length === 0 || (flags & DlmFlag.priority) !== 0);
    if (now) {
      this.grant(r, node, mode);
      if (r.queue.length > 0) this.grantPending(ri);
      if (this.prepUnread[node]) {
        this.post(node, [CbKind.ast, ri, mode, 0]);
        return DlmStatus.queued;
      }
      return DlmStatus.granted;
    }
    if (flags & DlmFlag.noqueue) {
      if (flags & DlmFlag.noqueuebast) this.bastHolders(ri, node, mode, true);
      return DlmStatus.tryFailed;
    }
    // A queued conversion ahead of us that our granted mode blocks can never be granted.
    if (conv && r.queue.some((q) => q.conv && !dlmModesCompatible(cur, q.mode))) return DlmStatus.deadlock;
    const ticket = flags & DlmFlag.priority ? --r.head : r.tail++;
    r.queue.push({ node, mode, flags, conv, ticket });
    this.bastHolders(ri, node, mode, false);
    return DlmStatus.queued;
  }

  private bastHolders(ri: number, requester: number, mode: number, includeConverting: boolean): void {
    const r = this.res[ri] as Res;
    for (let n = 0; n < this.nodes; n++) {
      const gr = r.granted[n] as number;
      if (n === requester || gr < 0) continue;
      if (!includeConverting && r.queue.some((q) => q.node === n)) continue;
      const hb = r.highbast[n] as number;
      const prCw = (gr === DlmMode.pr && mode === DlmMode.cw) || (gr === DlmMode.cw && mode === DlmMode.pr);
      if (prCw ? hb < DlmMode.ex : hb < mode && !dlmModesCompatible(gr, mode)) {
        this.bast(ri, n, mode);
        r.highbast[n] = mode;
      }
    }
  }

  private grantPending(ri: number): void {
    const r = this.res[ri] as Res;
    for (let pass = 0; pass <= this.nodes && r.queue.length > 0; pass++) {
      let grantedAny = false;
      let blocked = false;
      for (const q of this.order(r)) {
        const noorder = (q.flags & DlmFlag.priority) !== 0;
        if (this.compatWithOthers(r, q.node, q.mode) && (!blocked || noorder)) {
          r.queue.splice(r.queue.indexOf(q), 1);
          this.grant(r, q.node, q.mode);
          this.post(q.node, [CbKind.ast, ri, q.mode, 0]);
          grantedAny = true;
        } else blocked = true;
      }
      if (!grantedAny) break;
    }
    if (r.queue.length === 0) {
      r.head = 0;
      r.tail = 0;
      return;
    }
    const high = Math.max(...r.queue.map((q) => q.mode));
    const cw = r.queue.some((q) => q.mode === DlmMode.cw);
    for (let n = 0; n < this.nodes; n++) {
      const gr = r.granted[n] as number;
      if (gr < 0 || r.queue.some((q) => q.node === n)) continue;
      const hb = r.highbast[n] as number;
      const needed = gr === DlmMode.pr && cw ? hb < DlmMode.ex : hb < high && !dlmModesCompatible(gr, high);
      if (!needed) continue;
      this.bast(ri, n, cw && high === DlmMode.pr && gr === DlmMode.pr ? DlmMode.cw : high);
      r.highbast[n] = high;
    }
  }

  release(node: number, ri: number): number {
    const r = this.res[ri] as Res;
    r.queue = r.queue.filter((q) => q.node !== node);
    if (r.granted[node] === DlmMode.ex && r.shadow) {
      r.lvb = r.shadow;
      r.shadow = null;
    }
    r.granted[node] = -1;
    this.grantPending(ri);
    if (r.queue.length === 0) r.head = r.tail = 0;
    return DlmStatus.granted;
  }

  cancel(node: number, ri: number): number {
    const r = this.res[ri] as Res;
    const i = r.queue.findIndex((q) => q.node === node);
    if (i < 0) return 0;
    r.queue.splice(i, 1);
    this.grantPending(ri);
    if (r.queue.length === 0) r.head = r.tail = 0;
    return 1;
  }

  lvbWrite(node: number, ri: number, v: number[]): boolean {
    const r = this.res[ri] as Res;
    if (r.granted[node] !== DlmMode.ex) return false;
    r.shadow = [...v];
    return true;
  }

  lvbRead(ri: number): number[] {
    const r = this.res[ri] as Res;
    return [...(r.shadow ?? r.lvb)];
  }

  membershipChange(node: number, kind: 'join' | 'leave' | 'fail'): boolean {
    if (this.members[node] === (kind === 'join')) return false;
    if (kind === 'join') {
      this.rings[node] = [];
      this.prepUnread[node] = false;
    }
    const gen = ++this.generation;
    if (kind !== 'join') this.members[node] = false;
    for (let m = 0; m < this.nodes; m++) {
      if (!this.members[m]) continue;
      this.post(m, [CbKind.recoverPrep, gen, 0, 0]);
      this.prepUnread[m] = true;
    }
    if (kind === 'fail') for (let m = 0; m < this.nodes; m++) this.post(m, [CbKind.recoverSlot, node, gen, 0]);
    if (kind === 'join') this.members[node] = true;
    else {
      this.res.forEach((r, ri) => {
        if (r.granted[node] === -1 && !r.queue.some((q) => q.node === node)) return;
        r.queue = r.queue.filter((q) => q.node !== node);
        if (r.granted[node] === DlmMode.ex) r.shadow = null;
        r.granted[node] = -1;
        this.grantPending(ri);
        if (r.queue.length === 0) r.head = r.tail = 0;
      });
    }
    for (let m = 0; m < this.nodes; m++) this.post(m, [CbKind.recoverDone, gen, 0, 0]);
    return true;
  }
}
