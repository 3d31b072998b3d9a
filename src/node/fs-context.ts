// What the file operations need from their node: glocks, blocks, rgrps, the transaction, and
// the node's parameters. One object per node; processes share it (they run one at a time).

import type { Config } from '../config/types.js';
import type { FsLayout } from '../disk/fs-layout.js';
import type { GlockManager } from '../glock/manager.js';
import type { Platform } from '../platform/platform.js';
import type { RgrpGeometry } from '../rgrp/geometry.js';
import type { Rgrp } from '../rgrp/rgrp.js';
import type { BufferCache } from './buffers.js';
import type { FsBlocks } from './fs-blocks.js';
import type { NodeLog } from './node-log.js';
import type { Proc } from './proc.js';
import type { Transaction } from './trans.js';

export interface FsContext {
  readonly node: number;
  readonly cfg: Config;
  readonly fs: FsLayout;
  readonly geo: RgrpGeometry;
  readonly platform: Platform;
  readonly glocks: GlockManager;
  readonly cache: BufferCache;
  readonly blocks: FsBlocks;
  readonly trans: Transaction;
  readonly rgrps: readonly Rgrp[];
  readonly log: NodeLog;
  /** Scratch block for reads that bypass the cache (rgrp loads). */
  readonly scratch: Uint8Array;
  /** Set once the node has withdrawn or is shutting down: file operations must stop. */
  isReadOnly(): boolean;
  /** An operation failed with `err` while still holding its glocks (it may withdraw here). */
  onOpError(p: Proc, err: number): Generator<void, void, void>;
  /** Reserve in-core log room for one operation step (may flush); 0 or a journal error. */
  reserve(p: Proc): Generator<void, number, void>;
  /** reserve() when there is room without a flush (true); false: the caller must `yield* reserve(p)`. */
  reserveNow(): boolean;
  unreserve(): void;
}
