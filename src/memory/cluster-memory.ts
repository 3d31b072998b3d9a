// Typed views over the one SharedArrayBuffer, built the same way in every thread from the same
// computeLayout() numbers. Nothing here allocates shared memory except createClusterMemory,
// which the orchestrator calls once.

import { limits } from '../config/limits.js';
import type { Config } from '../config/types.js';
import { SharedDisk } from '../disk/device.js';
import { Dlm } from '../dlm/dlm.js';
import { EventRing } from './event-ring.js';
import { computeLayout, type Layout } from './layout.js';
import { NODE_STAT_FIELDS } from './node-stats.js';
import { controlWords } from './slots.js';

export interface ClusterMemory {
  readonly sab: SharedArrayBuffer;
  readonly layout: Layout;
  readonly ctl: Int32Array;
  /** Highest committed version per disk block (the checker's table). */
  readonly versions: Int32Array;
  readonly nodeStats: Float64Array;
  readonly glockStats: Float64Array;
  readonly events: readonly EventRing[];
  readonly dlm: Dlm;
  readonly disk: SharedDisk;
}

export function createClusterMemory(cfg: Config): ClusterMemory {
  const layout = computeLayout(cfg);
  if (layout.totalBytes > limits.sharedBytesMax) {
    throw new RangeError(
      `the configuration needs ${layout.totalBytes} bytes of shared memory; the limit is ${limits.sharedBytesMax}`,
    );
  }
  return attachClusterMemory(new SharedArrayBuffer(layout.totalBytes), cfg, (i32, index) => {
    Atomics.notify(i32, index);
  });
}

export function attachClusterMemory(
  sab: SharedArrayBuffer,
  cfg: Config,
  notify: (i32: Int32Array, index: number) => void,
): ClusterMemory {
  const layout = computeLayout(cfg);
  if (sab.byteLength !== layout.totalBytes) {
    throw new RangeError(
      `shared memory is ${sab.byteLength} bytes; the layout for this config expects ${layout.totalBytes}`,
    );
  }
  const events: EventRing[] = [];
  for (let n = 0; n < cfg.nodes; n++) {
    events.push(new EventRing(sab, layout.eventsOffset + n * layout.eventRingBytes, limits.eventRingEntries));
  }
  const glockStatsLen = (layout.eventsOffset - layout.glockStatsOffset) / 8;
  return {
    sab,
    layout,
    ctl: new Int32Array(sab, layout.controlOffset, controlWords(cfg.nodes)),
    versions: new Int32Array(sab, layout.versionsOffset, layout.totalBlocks),
    nodeStats: new Float64Array(sab, layout.nodeStatsOffset, cfg.nodes * NODE_STAT_FIELDS),
    glockStats: new Float64Array(sab, layout.glockStatsOffset, glockStatsLen),
    events,
    dlm: new Dlm(sab, layout.dlmOffset, cfg.nodes, notify),
    disk: new SharedDisk(sab, layout.diskOffset, layout.totalBlocks, cfg.blockSize),
  };
}
