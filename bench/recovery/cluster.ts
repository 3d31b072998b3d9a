// One threads-mode cluster run in which chosen nodes withdraw, stopped as soon as every withdraw
// has finished and every withdrawn journal has been recovered (so a sample costs a second, not a
// whole --duration). The run is the real one: worker threads, the shared disk, the protocol's
// own delays at the given time scale; the suite only watches the event stream.

import { type Protocol, validateRunOptions } from '../../src/config/config.js';
import type { Config, Workload } from '../../src/config/types.js';
import { Ev, WithdrawPhase } from '../../src/memory/events.js';
import { runCluster } from '../../src/orchestrator/run.js';
import type { RunResult } from '../../src/report/result.js';

export interface WithdrawRunSpec {
  readonly seed: number;
  readonly nodes: number;
  readonly processes: number;
  readonly journalBlocks: number;
  readonly timeScale: number;
  readonly protocol: Protocol;
  readonly workload: Workload;
  /** The fault plan (grammar of src/faults/grammar.ts). */
  readonly faults: string;
  /** Journals expected to withdraw; the run stops once each is released and recovered. */
  readonly withdrawing: readonly number[];
  /** Upper bound on the run: the workload stops here even if a withdraw never came. */
  readonly durationMs: number;
  readonly remountAfterMs?: number;
  readonly dumpJournalsDir?: string | null;
  readonly signal?: AbortSignal;
  /** After the last withdraw finished, how long to wait for journals still dirty (default 1.5 s). */
  readonly graceMs?: number;
}

/** The fields of a RunResult withdraw record the suite reads (src/orchestrator/timeline.ts). */
export interface WithdrawTimeline {
  readonly node: number;
  readonly phases: Readonly<Record<string, number | null>>;
  readonly blocksReplayed: number;
  readonly replayedBy: number;
  readonly blockedRequestsNs: readonly number[];
}

export interface WithdrawRun {
  readonly config: Config;
  readonly result: RunResult;
  /** Wall time of runCluster, ms (mount, workload, withdraws, unmount). */
  readonly wallMs: number;
  /** Every expected withdraw finished and its journal was recovered before the run ended. */
  readonly complete: boolean;
  /** Journals among the expected ones that were recovered (replayed, or found clean by recovery). */
  readonly recovered: readonly number[];
  /** Per expected journal: images in its dirty region when replayed (replayed + revoked), or null. */
  readonly imagesInRegion: readonly (number | null)[];
  /** Timelines of the expected withdraws, in `withdrawing` order (null: that node never withdrew). */
  readonly timelines: readonly (WithdrawTimeline | null)[];
}

/**
 * Watches the event stream for the end of the withdraws and their journals' recovery. A journal
 * may legitimately stay dirty (force-withdraw gives up waiting, a second withdraw's signal is
 * absorbed by a survivor still busy with the first): once every withdraw has finished, the run
 * waits `graceMs` more for recoveries, then stops anyway and reports what was recovered.
 */
class CompletionWatch {
  private readonly releasedAtMs = new Map<number, number>();
  readonly recovered = new Set<number>();
  /** jid → images in the dirty region at its first successful replay (Ev.replayEnd c: replayed + revoked). */
  readonly imagesInRegion = new Map<number, number>();
  private readonly jids: readonly number[];
  private readonly graceMs: number;
  private readonly onDone: () => void;
  done = false;

  constructor(jids: readonly number[], graceMs: number, onDone: () => void) {
    this.jids = jids;
    this.graceMs = graceMs;
    this.onDone = onDone;
  }

  readonly observe = (rec: Float64Array, off: number): void => {
    const kind = rec[off + 1];
    const node = rec[off + 2] as number;
    const a = rec[off + 3] as number;
    if (kind === Ev.withdraw && a === WithdrawPhase.lockspaceReleased) {
      if (!this.releasedAtMs.has(node)) this.releasedAtMs.set(node, performance.now());
    }
    // Journals are replayed (or found clean) only by recovery, never by a first mount.
    else if (kind === Ev.replayEnd && rec[off + 6] === 0) {
      this.recovered.add(a);
      if (!this.imagesInRegion.has(a)) this.imagesInRegion.set(a, rec[off + 5] as number);
    } else if (kind === Ev.journalState && rec[off + 4] === 1) this.recovered.add(a);
    if (this.done) return;
    let lastReleaseMs = 0;
    let allRecovered = true;
    for (const j of this.jids) {
      const at = this.releasedAtMs.get(j);
      if (at === undefined) return;
      lastReleaseMs = Math.max(lastReleaseMs, at);
      if (!this.recovered.has(j)) allRecovered = false;
    }
    if (!allRecovered && performance.now() - lastReleaseMs < this.graceMs) return;
    this.done = true;
    this.onDone();
  };

  allRecovered(): boolean {
    return this.jids.every((j) => this.recovered.has(j));
  }
}

export async function runWithdraws(spec: WithdrawRunSpec): Promise<WithdrawRun> {
  const { config, protocol, faults } = validateRunOptions({
    mode: 'threads',
    seed: spec.seed,
    nodes: spec.nodes,
    processes: spec.processes,
    durationMs: spec.durationMs,
    journalBlocks: spec.journalBlocks,
    timeScale: spec.timeScale,
    workload: spec.workload,
    protocol: spec.protocol,
    faults: spec.faults,
    remountAfterMs: spec.remountAfterMs ?? 0,
    dumpJournalsDir: spec.dumpJournalsDir ?? null,
  });
  const stop = new AbortController();
  const watch = new CompletionWatch(spec.withdrawing, spec.graceMs ?? 1_500, () => stop.abort());
  const onOuterAbort = (): void => stop.abort();
  spec.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // Never a hang: a node stuck past the workload's end is stopped (the orchestrator crashes
  // whatever has not stopped 3 s after the abort).
  const capTimer = setTimeout(() => stop.abort(), spec.durationMs + 1_000);
  const t0 = performance.now();
  try {
    const result = await runCluster(config, { protocol, faults, signal: stop.signal, observers: [watch.observe] });
    const wallMs = performance.now() - t0;
    const records = result.withdraws as unknown as readonly WithdrawTimeline[];
    const timelines = spec.withdrawing.map((j) => records.find((r) => r.node === j) ?? null);
    const recovered = spec.withdrawing.filter((j) => watch.recovered.has(j));
    const imagesInRegion = spec.withdrawing.map((j) => watch.imagesInRegion.get(j) ?? null);
    return {
      config,
      result,
      wallMs,
      complete: watch.done && watch.allRecovered(),
      recovered,
      imagesInRegion,
      timelines,
    };
  } finally {
    clearTimeout(capTimer);
    spec.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** ns from a timeline's error (or withdraw start) to `phase`, or null when not reached. */
export function sinceErrorNs(t: WithdrawTimeline, phase: string): number | null {
  const err = t.phases.error ?? t.phases.withdrawStart ?? null;
  const at = t.phases[phase] ?? null;
  return err === null || at === null ? null : at - err;
}
