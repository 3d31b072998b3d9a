// The validated, effective configuration of one run. Everything downstream (memory layout,
// drivers, nodes) reads only this; the CLI and the defaults produce it (src/config/config.ts).

export const Modes = ['threads', 'sim'] as const;
export type Mode = (typeof Modes)[number];

export const Workloads = ['mixed', 'disjoint', 'contended', 'read-mostly'] as const;
export type Workload = (typeof Workloads)[number];

export interface Config {
  readonly mode: Mode;
  /** Seed for everything random: sim schedule, workload choices, fresh-journal sequences. */
  readonly seed: number;
  readonly nodes: number;
  /** Workload processes per node (the log daemon, control, recovery and callback processes come on top). */
  readonly processes: number;
  /** Wall (threads) or virtual (sim) run length; the workload stops at whichever of this and opsMax comes first. */
  readonly durationMs: number;
  /** Total workload operations across the cluster; 0 means bounded by duration only. */
  readonly ops: number;
  readonly blockSize: number;
  /** Blocks per node journal. */
  readonly journalBlocks: number;
  readonly rgrps: number;
  /** Data blocks per resource group. */
  readonly rgrpDataBlocks: number;
  readonly workload: Workload;
  /** Fraction (0..1) of operations that target the hot set. */
  readonly hotSkew: number;
  /** Fraction (0..1) of operations that only read (stat). */
  readonly readFraction: number;
  /** File slots (directory entries) in the cluster. */
  readonly files: number;
  /** Kernel HZ: jiffies per second; protocol delays are expressed in jiffies. */
  readonly hz: number;
  /** Multiplier on every protocol delay (0 = run the protocol at full speed). */
  readonly timeScale: number;
  /** A withdrawn node remounts this long after its withdraw finished (0 = never; legacy's "later remount"). */
  readonly remountAfterMs: number;
  /** Directory to write per-node journal images into, or null. */
  readonly dumpJournalsDir: string | null;
  readonly json: boolean;
}

/** Nanoseconds of one jiffy at the configured HZ, scaled; protocol code sleeps in jiffies. */
export function jiffiesToNs(config: Pick<Config, 'hz' | 'timeScale'>, jiffies: number): number {
  return Math.round((jiffies * 1e9 * config.timeScale) / config.hz);
}
