// After the drivers have stopped: check the quiescent disk (I4 bitmaps and ownership, every
// journal clean after a clean unmount) and assemble the result document.

import { checkBitmaps } from '../check/bitmap.js';
import { readJournalStates } from '../check/journals.js';
import { ORACLE_INVARIANTS, type Oracle } from '../check/oracle.js';
import { scanOwnership } from '../check/ownership.js';
import type { RunClusterOptions } from '../cli/commands/run.js';
import type { Config } from '../config/types.js';
import { SharedDisk } from '../disk/device.js';
import { replayJournal } from '../journal/replay.js';
import type { ClusterMemory } from '../memory/cluster-memory.js';
import { NODE_STAT_FIELDS, NodeStat } from '../memory/node-stats.js';
import { CtlNode, ctlNodeIndex } from '../memory/slots.js';
import { journalLoc } from '../node/journal-loc.js';
import { OP_NAMES } from '../node/workload-mix.js';
import {
  collectEnv,
  type LogMessage,
  type NodeResult,
  type RunResult,
  SCHEMA_VERSION,
  toolInfo,
  type Violation,
} from '../report/result.js';
import { type LatencySummary, summarize } from '../stats/histogram.js';
import type { EventConsumer } from './consumer.js';
import type { DriveOutcome } from './run.js';
import type { SeriesCollector } from './series.js';
import type { WithdrawTimelines } from './timeline.js';

export interface FinishInput {
  readonly mem: ClusterMemory;
  readonly config: Config;
  readonly opts: RunClusterOptions;
  readonly drive: DriveOutcome;
  readonly consumer: EventConsumer;
  readonly timelines: WithdrawTimelines;
  readonly oracle: Oracle;
  readonly startedAt: string;
  readonly wallMs: number;
  /** Throughput timeline with fault and withdraw markers (RunResult.series). */
  readonly series?: SeriesCollector;
}

const PHASE_NAMES = [
  'idle',
  'mounting',
  'mounted',
  'quiesced',
  'unmounting',
  'unmounted',
  'crashed',
  'errored',
  'withdrawn',
  'mount-failed',
];

/** A copy of the disk with every dirty journal replayed (what the next mount would see). */
function imageAfterReplay(mem: ClusterMemory, journals: readonly { jid: number; clean: boolean }[]): Uint8Array {
  if (journals.every((j) => j.clean)) return mem.disk.bytes;
  const copy = new SharedArrayBuffer(mem.disk.bytes.byteLength);
  const img = new SharedDisk(copy, 0, mem.layout.totalBlocks, mem.layout.fs.blockSize);
  img.bytes.set(mem.disk.bytes);
  for (const j of journals)
    if (!j.clean) replayJournal(img, 0, journalLoc(mem.layout.fs, j.jid), null, { diskBlocks: mem.layout.totalBlocks });
  return img.bytes;
}

export function finishResult(f: FinishInput): RunResult {
  const { mem, config: cfg, drive } = f;
  const runMs = drive.runNs / 1e6;
  const stat = (n: number, k: number) => mem.nodeStats[n * NODE_STAT_FIELDS + k] ?? 0;
  const nodes: NodeResult[] = [];
  for (let n = 0; n < cfg.nodes; n++) {
    const phase = Atomics.load(mem.ctl, ctlNodeIndex(n, CtlNode.phase));
    const ops = stat(n, NodeStat.ops);
    nodes.push({
      node: n,
      state: PHASE_NAMES[phase] ?? `phase ${phase}`,
      ops,
      opsPerSec: runMs > 0 ? (ops * 1000) / runMs : 0,
      glock: {
        requests: stat(n, NodeStat.glockRequests),
        grants: stat(n, NodeStat.glockGrants),
        callbacks: stat(n, NodeStat.glockCallbacks),
        demotes: stat(n, NodeStat.glockDemotes),
      },
      log: {
        flushes: stat(n, NodeStat.logFlushes),
        blocksLogged: stat(n, NodeStat.blocksLogged),
        blocksWrittenInPlace: stat(n, NodeStat.blocksWrittenInPlace),
        revokes: stat(n, NodeStat.revokes),
      },
      replay: {
        blocksReplayed: stat(n, NodeStat.blocksReplayed),
        journalsReplayed: stat(n, NodeStat.journalsReplayed),
      },
    });
  }

  const violations: Violation[] = [];
  const checked: string[] = [];
  const journals = readJournalStates(mem.disk, mem.layout.fs);
  // Every node that unmounted cleanly must have left a clean journal (§5.5).
  checked.push('journal-clean');
  for (const j of journals) {
    const unmounted = nodes[j.jid]?.state === 'unmounted';
    if (unmounted && !j.clean) {
      violations.push({
        invariant: 'journal-clean',
        detail: `journal ${j.jid} is dirty after a clean unmount (head ${j.head}, sequence ${j.sequence})`,
        nodes: [j.jid],
      });
    }
  }
  // I4 on the image the next mount (or fsck) would see: journals left dirty (withdrawn or
  // failed nodes nobody recovered) replayed on a copy. On the live image a dirty journal's
  // bitmap changes are simply not in place yet, which is no inconsistency.
  checked.push('I4');
  const image = imageAfterReplay(mem, journals);
  const scan = scanOwnership(image, mem.layout.fs, mem.layout.totalBlocks);
  for (const p of scan.problems)
    violations.push({ invariant: 'I4', block: p.block, detail: `slot ${p.slot}: ${p.detail}` });
  for (const v of checkBitmaps(image, mem.layout.rgrps, scan.owned))
    violations.push({ invariant: 'I4', block: v.block, detail: `rgrp ${v.rgrp}: ${v.detail}` });

  // The oracle: I1–I3 from the event stream, durability and liveness from the final disk.
  // Journals deliberately left for the next mount: legacy's by design, those the withdrawing
  // node itself reported skipped "until next mount", and any whose owner went down when no
  // other node was mounted any more (only a future first mounter can recover it).
  const downAtNs = (o: (typeof drive.nodes)[number]) =>
    o.messages.find(([, t]) => /withdraw pending|crashed|unmounting; withdrawing/.test(t))?.[0] ??
    Number.POSITIVE_INFINITY;
  const unmountedAtNs = drive.nodes.map(
    (o) => o.messages.find(([, t]) => t.endsWith(': unmounted'))?.[0] ?? Number.POSITIVE_INFINITY,
  );
  const leftForRemount = drive.nodes
    .map((o, node) => ({ o, node }))
    .filter(({ o, node }) => {
      if (nodes[node]?.state === 'unmounted') return false;
      if (f.opts.protocol === 'legacy' || o.messages.some(([, t]) => t.includes('until next mount'))) return true;
      const down = downAtNs(o);
      // Nobody else still mounted when this node went down (up to a second of unmount work).
      return unmountedAtNs.every(
        (u, other) => other === node || u <= down + 1e9 || nodes[other]?.state !== 'unmounted',
      );
    })
    .map(({ node }) => node);
  violations.push(
    ...f.oracle.finish(mem.disk.bytes, journals, {
      nodes: nodes.map((n) => ({ node: n.node, state: n.state })),
      leftForRemount,
      endNs: drive.runNs,
    }),
  );
  checked.push(...ORACLE_INVARIANTS);
  if (drive.stalled !== null)
    violations.push({ invariant: 'liveness', detail: `the simulation stalled: ${drive.stalled}` });

  const latency: Record<string, LatencySummary> = {};
  if (f.consumer.opLatency.totalCount > 0) latency.op = summarize(f.consumer.opLatency);
  f.consumer.opLatencyByKind.forEach((h, i) => {
    if (h.totalCount > 0) latency[`op.${OP_NAMES[i]}`] = summarize(h);
  });
  for (const [name, h] of Object.entries(f.timelines.histograms())) latency[name] = summarize(h);

  const messages: LogMessage[] = [];
  drive.nodes.forEach((o, node) => {
    for (const [timeNs, text] of o.messages) messages.push({ timeNs, node, text });
  });
  messages.sort((a, b) => a.timeNs - b.timeNs || a.node - b.node);

  const errored = drive.nodes.findIndex((o) => o.state === 'errored');
  const bad = errored >= 0 ? drive.nodes[errored] : undefined;
  const totalOps = nodes.reduce((s, n) => s + n.ops, 0);
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    state: bad !== undefined ? 'errored' : 'completed',
    error:
      bad?.error !== undefined
        ? {
            name: bad.error.name,
            message: `node ${errored} (${bad.process ?? '?'}): ${bad.error.message}`,
            stack: bad.error.stack,
            node: errored,
          }
        : null,
    tool: toolInfo(),
    env: collectEnv(),
    command: [],
    seed: cfg.seed,
    mode: cfg.mode,
    protocol: f.opts.protocol,
    faults: f.opts.faults,
    config: cfg,
    startedAt: f.startedAt,
    durationMs: runMs,
    wallMs: f.wallMs,
    totals: { ops: totalOps, opsPerSec: runMs > 0 ? (totalOps * 1000) / runMs : 0 },
    nodes,
    journals: journals.map((j) => ({ jid: j.jid, clean: j.clean, head: j.head, sequence: j.sequence })),
    historyHash: drive.historyHash,
    checker: { ok: violations.length === 0, checked, violations },
    latency,
    messages,
    withdraws: f.timelines.records(),
    ...(f.opts.glockProfiler !== undefined ? { glocks: f.opts.glockProfiler.collect() } : {}),
    ...(f.series !== undefined ? { series: f.series.toSeries(drive.runNs) } : {}),
  };
}
