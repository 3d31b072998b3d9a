// Which file operation a workload process does next and on which file slot. Pure choice from
// the node's seeded random stream, so sim runs are reproducible.
//
// Workloads:
// - mixed: every node works on every slot; a `hotSkew` share of ops hits a small hot set.
// - disjoint: node n only touches its own contiguous range of slots and allocates from its own
//   rgrps, so nodes never contend (the scaling baseline).
// - contended: every op targets the hot set.
// - read-mostly: like mixed with most ops stat.

import type { Config } from '../config/types.js';

export const Op = { stat: 0, create: 1, write: 2, truncate: 3, remove: 4 } as const;
export const OP_NAMES = ['stat', 'create', 'write', 'truncate', 'delete'] as const;

/** Slots in the hot set: 1/16 of the files, at least 1. */
export function hotSetSize(files: number): number {
  return Math.max(1, Math.floor(files / 16));
}

export function chooseSlot(cfg: Config, node: number, rnd: () => number): number {
  const files = cfg.files;
  if (cfg.workload === 'disjoint') {
    // A contiguous range per node, so nodes share no directory block (16 slots each) either.
    const per = Math.max(1, Math.floor(files / cfg.nodes));
    return Math.min(files - 1, (node % cfg.nodes) * per + Math.floor(rnd() * per));
  }
  const hot = hotSetSize(files);
  if (cfg.workload === 'contended' || rnd() < cfg.hotSkew) return Math.floor(rnd() * hot);
  return Math.floor(rnd() * files);
}

export function chooseOp(cfg: Config, rnd: () => number): number {
  const readFraction = cfg.workload === 'read-mostly' ? Math.max(cfg.readFraction, 0.9) : cfg.readFraction;
  if (rnd() < readFraction) return Op.stat;
  const r = rnd();
  // Writes dominate; creates and deletes keep the population turning over; truncates free blocks.
  if (r < 0.2) return Op.create;
  if (r < 0.75) return Op.write;
  if (r < 0.9) return Op.truncate;
  return Op.remove;
}

/** The rgrps a node allocates from, in preference order (its own first in disjoint mode). */
export function preferredRgrp(cfg: Config, node: number, rnd: () => number): number {
  if (cfg.workload === 'disjoint' && cfg.rgrps >= cfg.nodes) {
    const per = Math.floor(cfg.rgrps / cfg.nodes);
    return node * per + Math.floor(rnd() * per);
  }
  return Math.floor(rnd() * cfg.rgrps);
}
