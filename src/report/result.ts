// The result document of a run: what `--json` prints, what later commands (compare, merge,
// report) read, and what the human summary is derived from. Plain JSON-serialisable data only
// (no Maps, BigInts, class instances). Bump SCHEMA_VERSION on any incompatible change; adding
// an optional field is compatible.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, Mode } from '../config/types.js';
import type { LatencySummary } from '../stats/histogram.js';

export const SCHEMA_VERSION = 1 as const;
export const TOOL_NAME = 'gfs2-stress';

export interface ToolInfo {
  readonly name: string;
  readonly version: string;
}

export interface EnvInfo {
  readonly node: string;
  readonly v8: string;
  /** `os.type() os.release()`, e.g. `Linux 6.1.0`. */
  readonly os: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  /** Logical CPUs available to this process. */
  readonly cpus: number;
  readonly totalMemoryBytes: number;
}

/** How the run ended. `interrupted`: SIGINT, partial figures. `errored`: a crash, see `error`. */
export type RunState = 'completed' | 'interrupted' | 'errored';

export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack: string | null;
  /** The node whose code threw, when it was a node. */
  readonly node?: number;
}

export interface GlockCounters {
  /** Holder requests (gfs2_glock_nq). */
  readonly requests: number;
  /** Holders granted. */
  readonly grants: number;
  /** Blocking callbacks received. */
  readonly callbacks: number;
  /** Demotes performed (state lowered after a callback or for caching). */
  readonly demotes: number;
}

export interface LogCounters {
  /** Log flushes that committed a header. */
  readonly flushes: number;
  /** Block copies written to the journal. */
  readonly blocksLogged: number;
  /** Blocks written back in place (AIL write-back). */
  readonly blocksWrittenInPlace: number;
  readonly revokes: number;
}

export interface ReplayCounters {
  /** Blocks this node wrote in place while replaying journals (its own or others'). */
  readonly blocksReplayed: number;
  /** Journals this node replayed. */
  readonly journalsReplayed?: number;
}

export interface NodeResult {
  /** Node id, which is also its journal id. */
  readonly node: number;
  /** State at the end: e.g. `unmounted`, `withdrawn`, `crashed`. */
  readonly state: string;
  readonly ops: number;
  readonly opsPerSec: number;
  readonly glock: GlockCounters;
  readonly log: LogCounters;
  readonly replay: ReplayCounters;
}

export interface JournalResult {
  readonly jid: number;
  /** The head is an UNMOUNT header (reference §5.5). */
  readonly clean: boolean;
  /** Logical block of the head (the latest valid log header). */
  readonly head: number;
  /** Sequence number of the head. */
  readonly sequence: number;
}

/** One invariant violation, as the checker reports it. Extra context fields are allowed. */
export interface Violation {
  /** `I1`…`I4`, `liveness`, `durability`, `journal-clean`, … */
  readonly invariant: string;
  readonly detail: string;
  readonly block?: number;
  /** Versions involved, e.g. { written: 3, committed: 5 }. */
  readonly versions?: Readonly<Record<string, number>>;
  readonly nodes?: readonly number[];
  /** Glock name, `n:<type>/<num>`. */
  readonly glock?: string;
  /** Virtual (sim) or monotonic (threads) time, ns since the run started. */
  readonly timeNs?: number;
  /** The last events touching the block, oldest first, as readable lines. */
  readonly trail?: readonly string[];
  readonly [key: string]: unknown;
}

export interface CheckerResult {
  readonly ok: boolean;
  /** Names of the invariants that were checked. */
  readonly checked?: readonly string[];
  readonly violations: readonly Violation[];
}

/** A kernel-style log line (`gfs2: fsid=…: Journal recovery complete for jid 0.`). */
export interface LogMessage {
  /** ns since the run started (virtual in sim). */
  readonly timeNs: number;
  readonly node: number;
  readonly text: string;
  readonly level?: 'info' | 'warn' | 'err';
}

/** One withdraw's phase timeline (issue #3); phase name → ns since the run started, or null if not reached. */
export interface WithdrawRecord {
  readonly node: number;
  readonly phases: Readonly<Record<string, number | null>>;
  readonly [key: string]: unknown;
}

export interface RunTotals {
  readonly ops: number;
  readonly opsPerSec: number;
}

export interface RunResult {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  /** Which command produced the document (later: `scenario`, `soak`, `bench`). */
  readonly kind: 'run';
  readonly state: RunState;
  /** Set when state is `errored`. */
  readonly error: ErrorInfo | null;
  readonly tool: ToolInfo;
  readonly env: EnvInfo;
  /** argv after `node`, e.g. ["gfs2-stress", "run", "--mode", "sim"]. */
  readonly command: readonly string[];
  readonly seed: number;
  readonly mode: Mode;
  readonly protocol: string;
  /** The fault plan as given, or null. */
  readonly faults: string | null;
  readonly config: Config;
  /** ISO 8601 wall-clock start. */
  readonly startedAt: string;
  /** Run length: virtual time in sim mode, wall time in threads mode. */
  readonly durationMs: number;
  /** Wall time the run took, in both modes. */
  readonly wallMs: number;
  readonly totals: RunTotals;
  readonly nodes: readonly NodeResult[];
  readonly journals: readonly JournalResult[];
  /** Hex digest of the event history (sim mode), null in threads mode. */
  readonly historyHash: string | null;
  readonly checker: CheckerResult;
  /** Histogram name (e.g. `op`, `op.write`, `glock.wait`) → summary with encoded HDR. */
  readonly latency: Readonly<Record<string, LatencySummary>>;
  readonly messages: readonly LogMessage[];
  readonly withdraws?: readonly WithdrawRecord[];
  /** Per-glock contention profile (filled by runs that ask for it, e.g. `profile`). */
  readonly glocks?: readonly GlockProfile[];
  /** Throughput and fault markers over time. */
  readonly series?: RunSeries;
}

/**
 * One glock's contention profile over a run (`profile`, the report's "top contended glocks").
 * The glstats fields are as the kernel's glstats debugfs file shows them (ns, summed over
 * nodes' per-node figures by the collector); the wait figures are `perf lock contention`'s.
 */
export interface GlockProfile {
  /** `n:<type>/<number>` as glocktop and glstats print it. */
  readonly name: string;
  readonly type: number;
  readonly number: number;
  readonly srtt: number;
  readonly srttvar: number;
  readonly srttb: number;
  readonly srttvarb: number;
  readonly sirt: number;
  readonly sirtvar: number;
  readonly dcount: number;
  readonly qcount: number;
  /** Holder requests that had to wait, their total, longest and mean wait (ns). */
  readonly contended: number;
  readonly waitNsTotal: number;
  readonly waitNsMax: number;
  readonly waitNsAvg: number;
  /** Grants per node, index = node id (fairness). */
  readonly grantsByNode: readonly number[];
  readonly [key: string]: unknown;
}

/** Throughput over time, for timelines and the report. */
export interface RunSeries {
  /** Width of one bucket of `ops` (virtual ns in sim, monotonic ns in threads). */
  readonly intervalNs: number;
  /** Operations finished in each bucket, all nodes. */
  readonly ops: readonly number[];
  /** Faults that fired, in time order (bounded). */
  readonly faults: readonly { readonly timeNs: number; readonly node: number; readonly kind: string }[];
  /** Withdraw starts, in time order (bounded). */
  readonly withdraws: readonly { readonly timeNs: number; readonly node: number }[];
}

/** Live progress during a run, for the progress line. */
export interface Progress {
  readonly elapsedMs: number;
  /** Time left if known (duration- or op-bounded), else null. */
  readonly etaMs: number | null;
  readonly ops: number;
  /** Recent throughput across the cluster. */
  readonly opsPerSec: number;
  /** Live p99 of operation latency, if available. */
  readonly latencyNsP99: number | null;
  readonly nodesUp: number;
  readonly nodesWithdrawn: number;
  /** Violations the checker has found so far. */
  readonly violations?: number;
  /** A short phase note, e.g. `mounting`, `running`, `unmounting`, `checking`. */
  readonly phase?: string;
}

let toolCache: ToolInfo | null = null;

/** The tool's name and version, from the nearest package.json above this module. */
export function toolInfo(): ToolInfo {
  if (toolCache !== null) return toolCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === TOOL_NAME && typeof pkg.version === 'string') {
        toolCache = { name: TOOL_NAME, version: pkg.version };
        return toolCache;
      }
    } catch {
      // not here; look one level up
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  toolCache = { name: TOOL_NAME, version: '0.0.0-unknown' };
  return toolCache;
}

/** Environment metadata for results. */
export function collectEnv(): EnvInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()}`,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    totalMemoryBytes: os.totalmem(),
  };
}

/** Describe an unknown thrown value as data. */
export function errorInfo(err: unknown, node?: number): ErrorInfo {
  const base =
    err instanceof Error
      ? { name: err.name, message: err.message, stack: err.stack ?? null }
      : { name: 'Error', message: String(err), stack: null };
  return node === undefined ? base : { ...base, node };
}
