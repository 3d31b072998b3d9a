// Merging soak documents (shards of one soak, or earlier merges): counts add, seed lists
// concatenate, histograms merge through their HDR encodings. Documents of different soaks
// (protocol, seed range, config, fault text) or overlapping shards are refused: their sum
// would describe no soak.

import { isDeepStrictEqual } from 'node:util';
import { UsageError } from '../config/errors.js';
import { collectEnv, toolInfo } from '../report/result.js';
import { type LatencySummary, mergeSummaries } from '../stats/histogram.js';
import { SOAK_SCHEMA_VERSION, type SoakResult } from './result.js';
import { sortedCounts } from './runner.js';
import type { Shard } from './shard.js';

export interface NamedSoakResult {
  /** Where it came from, for messages. */
  readonly name: string;
  readonly doc: unknown;
}

/** Check that a parsed JSON value is a soak document this version can merge. */
export function asSoakResult(name: string, doc: unknown): SoakResult {
  const d = doc as Partial<SoakResult> | null;
  if (d === null || typeof d !== 'object' || d.kind !== 'soak') {
    const kind = d !== null && typeof d === 'object' ? JSON.stringify(d.kind) : typeof d;
    throw new UsageError(`${name}: expected a soak result document (kind "soak"), received kind ${kind}`);
  }
  if (d.schemaVersion !== SOAK_SCHEMA_VERSION) {
    throw new UsageError(
      `${name}: expected schemaVersion ${SOAK_SCHEMA_VERSION}, received ${JSON.stringify(d.schemaVersion)}`,
    );
  }
  return d as SoakResult;
}

const sameSoakFields = ['protocol', 'mode', 'threadsRatio', 'faults', 'config', 'firstSeed', 'seeds'] as const;

export function mergeSoakResults(inputs: readonly NamedSoakResult[], command: readonly string[]): SoakResult {
  const first = inputs[0];
  if (first === undefined) throw new UsageError('merge: expected at least one soak result file, received none');
  const docs = inputs.map((i) => asSoakResult(i.name, i.doc));
  const head = docs[0] as SoakResult;
  const seen = new Map<string, string>();
  docs.forEach((d, i) => {
    const name = (inputs[i] as NamedSoakResult).name;
    for (const f of sameSoakFields) {
      if (!isDeepStrictEqual(d[f], head[f])) {
        throw new UsageError(
          `${name}: expected the same soak as ${first.name} (${f} ${JSON.stringify(head[f])}), received ${f} ${JSON.stringify(d[f])}`,
        );
      }
    }
    for (const s of d.shards) {
      const key = `${s.index}/${s.count}`;
      const other = seen.get(key);
      if (other !== undefined) {
        throw new UsageError(`${name}: expected distinct shards, received shard ${key} again (also in ${other})`);
      }
      seen.set(key, name);
    }
  });

  const sum = (pick: (d: SoakResult) => number) => docs.reduce((a, d) => a + pick(d), 0);
  const invariants: Record<string, number> = {};
  const latencyParts = new Map<string, LatencySummary[]>();
  for (const d of docs) {
    for (const [inv, n] of Object.entries(d.invariants)) invariants[inv] = (invariants[inv] ?? 0) + n;
    for (const [name, s] of Object.entries(d.latency)) {
      const parts = latencyParts.get(name) ?? [];
      parts.push(s);
      latencyParts.set(name, parts);
    }
  }
  const latency: Record<string, LatencySummary> = {};
  for (const name of [...latencyParts.keys()].sort()) latency[name] = mergeSummaries(latencyParts.get(name) ?? []);
  const bySeed = <T extends { seed: number }>(pick: (d: SoakResult) => readonly T[]) =>
    docs.flatMap(pick).sort((a, b) => a.seed - b.seed);
  const shards: Shard[] = docs.flatMap((d) => d.shards).sort((a, b) => a.count - b.count || a.index - b.index);

  return {
    schemaVersion: SOAK_SCHEMA_VERSION,
    kind: 'soak',
    state: docs.every((d) => d.state === 'completed') ? 'completed' : 'interrupted',
    tool: toolInfo(),
    env: collectEnv(),
    command,
    protocol: head.protocol,
    mode: head.mode,
    threadsRatio: head.threadsRatio,
    faults: head.faults,
    config: head.config,
    firstSeed: head.firstSeed,
    seeds: head.seeds,
    shards,
    startedAt: docs.map((d) => d.startedAt).sort()[0] as string,
    // Shards run side by side: the soak took as long as its slowest shard.
    wallMs: Math.max(...docs.map((d) => d.wallMs)),
    seedsRun: sum((d) => d.seedsRun),
    seedsRunThreads: sum((d) => d.seedsRunThreads),
    violatedSeeds: sum((d) => d.violatedSeeds),
    invariants: sortedCounts(invariants),
    latency,
    failures: bySeed((d) => d.failures),
    failuresNotSaved: sum((d) => d.failuresNotSaved ?? 0),
    problems: bySeed((d) => d.problems),
    recheck: {
      fraction: head.recheck.fraction,
      checked: sum((d) => d.recheck.checked),
      mismatches: bySeed((d) => d.recheck.mismatches),
    },
    shrunk: bySeed((d) => d.shrunk),
  };
}

/** Shards of `count` missing from a merged document (empty when the set is complete). */
export function missingShards(doc: SoakResult): number[] {
  const count = doc.shards[0]?.count ?? 1;
  const have = new Set(doc.shards.filter((s) => s.count === count).map((s) => s.index));
  const out: number[] = [];
  for (let i = 0; i < count && out.length < 100; i++) if (!have.has(i)) out.push(i);
  return out;
}
