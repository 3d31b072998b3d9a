// Sizes of the recovery suite: quick (the tests' smoke size, ≤ 15 s) and full (≤ 5 min on the
// 2-core machine). Sample counts are maxima; each section's time budget may stop a loop early,
// never below its minimum (≥ 3 quick, ≥ 5 full, as the suite contract asks).

export interface RecoveryPlan {
  /** Dirty-journal sizes aimed at, in images replayed (4 KiB each: 2048 = 8 MiB). */
  readonly phaseImages: readonly number[];
  readonly timeScales: readonly number[];
  readonly phaseNodes: number;
  readonly processes: number;
  readonly phaseSamples: { readonly min: number; readonly max: number };
  /** Replays of each P6 journal on its own; the pair's baseline is their median. */
  readonly replayAloneReps: number;
  readonly kOfN: {
    readonly nodes: number;
    readonly ks: readonly number[];
    /** Each withdrawing node's journal write that fails. */
    readonly afterWrites: number;
    readonly journalBlocks: number;
    readonly min: number;
    readonly max: number;
  };
  readonly protocols: {
    readonly nodes: number;
    readonly timeScales: readonly number[];
    /** Journal writes of node 0 before its journal write fails (early in the run, under contention). */
    readonly afterWrites: number;
    readonly remountAfterMs: number;
    readonly minSeeds: number;
    readonly seeds: number;
  };
  readonly synth: { readonly spans: readonly number[]; readonly densities: readonly number[]; readonly reps: number };
  /** Section budgets, ms. */
  readonly budgetMs: { readonly phases: number; readonly kOfN: number; readonly protocols: number };
  /** Cap on one cluster run (a withdraw that never comes ends the run here). */
  readonly runCapMs: number;
}

export function planFor(quick: boolean): RecoveryPlan {
  if (quick) {
    return {
      phaseImages: [128],
      // Kernel timing only in the full run: quick must stay under 15 s.
      timeScales: [0],
      phaseNodes: 2,
      processes: 2,
      phaseSamples: { min: 3, max: 3 },
      replayAloneReps: 3,
      kOfN: { nodes: 3, ks: [2], afterWrites: 128, journalBlocks: 1024, min: 3, max: 3 },
      protocols: { nodes: 2, timeScales: [0], afterWrites: 32, remountAfterMs: 100, minSeeds: 3, seeds: 3 },
      synth: { spans: [256], densities: [0, 0.5], reps: 3 },
      budgetMs: { phases: 6_000, kOfN: 2_500, protocols: 5_000 },
      runCapMs: 4_000,
    };
  }
  return {
    phaseImages: [64, 512, 2048],
    timeScales: [0, 1],
    phaseNodes: 2,
    processes: 4,
    phaseSamples: { min: 5, max: 9 },
    replayAloneReps: 5,
    kOfN: { nodes: 4, ks: [1, 2, 3], afterWrites: 512, journalBlocks: 2048, min: 5, max: 7 },
    // Kernel timing, where the protocols' own delays (HZ/5, HZ) decide; quick runs it at 0.
    protocols: { nodes: 3, timeScales: [1], afterWrites: 48, remountAfterMs: 100, minSeeds: 5, seeds: 7 },
    synth: { spans: [64, 256, 1024, 2048, 4096], densities: [0, 0.25, 0.5], reps: 7 },
    budgetMs: { phases: 120_000, kOfN: 40_000, protocols: 70_000 },
    runCapMs: 10_000,
  };
}
