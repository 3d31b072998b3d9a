// The oracle's glock name resolver: resource index → `n:<type>/<num>` (the debugfs spelling),
// read from the DLM's published name table in shared memory. Read-only and lock-free: a name is
// published (type word stored last) before any lock on it can exist, so every index that
// appears in an event already has its name; an unpublished slot falls back to `res#<index>`.

import { dlmLayout } from '../dlm/layout.js';
import type { ClusterMemory } from '../memory/cluster-memory.js';
import type { GlockNameResolver } from './event-format.js';

export function glockNameResolver(mem: ClusterMemory, nodes: number): GlockNameResolver {
  const layout = dlmLayout(nodes, mem.layout.dlmOffset / 4);
  const i32 = new Int32Array(mem.sab);
  const cache = new Map<number, string>();
  return (res: number): string => {
    const have = cache.get(res);
    if (have !== undefined) return have;
    if (!Number.isInteger(res) || res < 0 || res >= layout.resourcesMax) return `res#${res}`;
    const keyType = Atomics.load(i32, layout.keys + res * 2);
    // 0: empty, -1: being claimed; otherwise type + 1.
    if (keyType <= 0) return `res#${res}`;
    const name = `n:${keyType - 1}/${Atomics.load(i32, layout.keys + res * 2 + 1)}`;
    cache.set(res, name);
    return name;
  };
}
