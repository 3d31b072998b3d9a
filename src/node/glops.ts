// The node's glock operations for the disk glock types (fs/gfs2/glops.c): go_sync writes the
// glock's logged blocks in place and revokes them before the lock leaves the node; go_inval
// drops the cached copies (and the in-core rgrp). Other types keep the glock layer's no-ops.

import { GlockType } from '../dlm/api.js';
import type { Glock } from '../glock/glock.js';
import type { GlockOps } from '../glock/ops.js';
import { defaultGlockOpsTable as defaultGlockOps } from '../glock/ops.js';
import type { RgrpGeometry } from '../rgrp/geometry.js';
import { rgrpIndexOfBlock } from '../rgrp/geometry.js';
import type { Rgrp } from '../rgrp/rgrp.js';
import type { BufferCache } from './buffers.js';
import type { NodeLog } from './node-log.js';
import type { Proc } from './proc.js';

export interface GlopsDeps {
  readonly log: NodeLog;
  readonly cache: BufferCache;
  readonly geo: RgrpGeometry;
  readonly rgrps: readonly Rgrp[];
  /** Sleep this process for the I/O a sync just did (sim disk latency; 0 in threads mode). */
  ioWait(proc: Proc): Generator<void, void, void>;
  /** gfs2_withdrawn(): go_sync behaves differently once a withdraw is pending. */
  withdrawn(): boolean;
  /** The protocol's nondisk go_callback (the live-lock withdraw signal). */
  nondiskCallback(gl: Glock, remote: boolean): void;
}

export function invalidateGlock(d: GlopsDeps, type: number, number: number, res: number): void {
  d.cache.invalidate(res);
  if (type === GlockType.rgrp) {
    const i = rgrpIndexOfBlock(d.geo, number);
    if (i >= 0) d.rgrps[i]?.invalidate();
  }
}

export function diskGlockOps(d: GlopsDeps, type: number): GlockOps {
  function* goSync(proc: Proc, gl: Glock): Generator<void, number, void> {
    const st = d.log.syncGlock(gl.res, d.withdrawn());
    yield* d.ioWait(proc);
    return Math.min(st, 0);
  }
  return {
    type,
    goSync,
    goInval: (gl: Glock) => invalidateGlock(d, gl.type, gl.number, gl.res),
    goLock: null,
    goCallback: null,
  };
}

export function nodeGlockOpsTable(d: GlopsDeps): GlockOps[] {
  const t = defaultGlockOps();
  t[GlockType.inode] = diskGlockOps(d, GlockType.inode);
  t[GlockType.rgrp] = diskGlockOps(d, GlockType.rgrp);
  t[GlockType.nondisk] = {
    type: GlockType.nondisk,
    goSync: null,
    goInval: null,
    goLock: null,
    goCallback: d.nondiskCallback,
  };
  return t;
}
