// Every queue, ring, table and wait in the engine has its bound here. The shared memory is
// sized from these and the validated config, once, at start-up (see src/memory/layout.ts).
// Relationships between limits are asserted by assertLimits() so a bad edit fails loudly.

export const limits = {
  nodesMax: 16,
  processesPerNodeMax: 64,
  blockSizeMin: 512,
  blockSizeMax: 4096,
  journalBlocksMin: 32,
  journalBlocksMax: 262144, // 1 GiB of 4 KiB blocks, the kernel's largest journal
  rgrpsMax: 256,
  rgrpDataBlocksMax: 65536,
  /** DLM resources (one per distinct glock name) in the shared hash table. */
  dlmResourcesMax: 65536,
  /** Open-addressing probe bound; a lookup that exceeds it is a table-full error. */
  dlmProbeMax: 64,
  /** Entries in each node's callback ring (blocking callbacks, completions, recovery calls). */
  callbackRingEntries: 8192,
  /** Entries in each node's event ring drained by the orchestrator/checker. */
  eventRingEntries: 65536,
  /** Spins on a DLM resource's lock bit before parking with Atomics.wait. */
  dlmSpinMax: 256,
  /** Longest a node thread parks in one Atomics.wait, so it re-checks stop flags. */
  parkMaxMs: 50,
  /** A process waiting longer than this on any condition is a liveness failure. */
  waitMaxNs: 30e9,
  /** Buffers cached per node (metadata blocks); LRU eviction beyond this. */
  bufferCacheBlocksMax: 4096,
  /** Blocks one transaction may add. */
  transactionBlocksMax: 64,
  /** Glocks one node may have in core. */
  glocksPerNodeMax: 65536,
  /** Holders queued on one glock. */
  holdersPerGlockMax: 128,
  /** Workload ops per run (sim and threads), a backstop when --duration is long. */
  opsMax: 100_000_000,
  durationMaxMs: 24 * 3600 * 1000,
  /** Scheduler steps the sim driver may take for one run. */
  simStepsMax: 2_000_000_000,
  /** Shared memory ceiling, so a config cannot ask for more than the machine has. */
  sharedBytesMax: 8 * 1024 ** 3,
} as const;

export type Limits = typeof limits;

export function assertLimits(l: Limits = limits): void {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`limits.ts is inconsistent: ${what}`);
  };
  check(l.nodesMax <= 16, 'nodesMax must fit the DLM word encoding (16 nodes)');
  check((l.callbackRingEntries & (l.callbackRingEntries - 1)) === 0, 'callbackRingEntries must be a power of two');
  check((l.eventRingEntries & (l.eventRingEntries - 1)) === 0, 'eventRingEntries must be a power of two');
  check((l.dlmResourcesMax & (l.dlmResourcesMax - 1)) === 0, 'dlmResourcesMax must be a power of two');
  check(l.journalBlocksMin >= 32, 'journals shorter than 32 blocks cannot hold one full flush');
  check(l.glocksPerNodeMax <= l.dlmResourcesMax, 'a node cannot hold more glocks than the DLM has resources');
}
