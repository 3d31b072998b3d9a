// The two implementations of the platform seam: sim (virtual clock, seeded random, no real
// waking — the sim driver polls doorbells) and threads (real monotonic clock, Atomics.notify).
// Both stamp events into the node's shared event ring and keep the committed-version table.

import type { ClusterMemory } from '../memory/cluster-memory.js';
import type { EventRing } from '../memory/event-ring.js';
import { Ev } from '../memory/events.js';
import { Ctl } from '../memory/slots.js';
import type { BlockIo, DelayHooks, EventSink, Platform } from '../platform/platform.js';
import { Prng } from '../platform/prng.js';

export interface PlatformParts {
  readonly node: number;
  readonly seed: number;
  readonly mem: ClusterMemory;
  readonly io: BlockIo;
  readonly nowNs: () => number;
  readonly notify: (i32: Int32Array, index: number) => void;
  readonly delays?: DelayHooks | null;
}

/** Record committed versions in the shared table: the checker's ground truth (max, via CAS). */
function noteVersion(versions: Int32Array, blk: number, version: number): void {
  for (let i = 0; i < 64; i++) {
    const cur = Atomics.load(versions, blk);
    if (cur >= version) return;
    // A CAS loop rather than a store: in a broken protocol two nodes may commit the same block.
    if (Atomics.compareExchange(versions, blk, cur, version) === cur) return;
  }
}

class RingSink implements EventSink {
  private readonly ring: EventRing;
  private readonly node: number;
  private readonly now: () => number;
  private readonly versions: Int32Array;
  constructor(ring: EventRing, node: number, now: () => number, versions: Int32Array) {
    this.ring = ring;
    this.node = node;
    this.now = now;
    this.versions = versions;
  }
  emit(kind: number, a: number, b: number, c: number, d: number): void {
    if (kind === Ev.versionCommit && a >= 0 && a < this.versions.length) noteVersion(this.versions, a, b);
    this.ring.push(this.now(), kind, this.node, a, b, c, d);
  }
}

export function makePlatform(parts: PlatformParts): Platform {
  const prng = new Prng(parts.seed, parts.node + 1);
  const ring = parts.mem.events[parts.node] as EventRing;
  return {
    nowNs: parts.nowNs,
    random: () => prng.next(),
    notify: parts.notify,
    io: parts.io,
    events: new RingSink(ring, parts.node, parts.nowNs, parts.mem.versions),
    ...(parts.delays != null ? { delays: parts.delays } : {}),
    log: () => {},
  };
}

/** The version seam: a cluster-wide counter so every new block version is larger than any before. */
export function versionCounter(ctl: Int32Array): () => number {
  return () => Atomics.add(ctl, Ctl.versionCounter, 1) + 1;
}
