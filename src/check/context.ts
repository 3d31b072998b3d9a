// What every checker of the oracle shares: the block facts, per-node trails, the violation sink,
// the glock name resolver and the ordinal of the record being observed. Checkers receive it
// and the raw record; they never see protocol state.

import type { BlockFacts, TrailTable } from './block-facts.js';
import type { GlockNameResolver } from './event-format.js';
import type { ViolationSink } from './violations.js';

export interface CheckContext {
  readonly facts: BlockFacts;
  /** Recent recovery, mount and lockspace events per node (for violations without a block). */
  readonly nodeTrails: TrailTable;
  readonly sink: ViolationSink;
  readonly glockName: GlockNameResolver;
  /** Observation ordinal of the record being handled (0, 1, 2, … in the order observed). */
  ord: number;
}

/** Record field offsets (layout in src/memory/events.ts). */
export const F = { time: 0, kind: 1, node: 2, a: 3, b: 4, c: 5, d: 6 } as const;
