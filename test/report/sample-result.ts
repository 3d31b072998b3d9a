// A hand-built RunResult for tests of the summary, the JSON form and the CLI's run flow.

import { defaults } from '../../src/config/config.js';
import type { Config } from '../../src/config/types.js';
import {
  collectEnv,
  type GlockProfile,
  type NodeResult,
  type RunResult,
  SCHEMA_VERSION,
  toolInfo,
} from '../../src/report/result.js';
import { createHistogram, recordNs, summarize } from '../../src/stats/histogram.js';

export function sampleConfig(over: Partial<Config> = {}): Config {
  return { ...defaults, seed: 42, ...over };
}

function node(id: number, ops: number): NodeResult {
  return {
    node: id,
    state: 'unmounted',
    ops,
    opsPerSec: ops / 10,
    glock: { requests: ops * 3, grants: ops * 3, callbacks: 17 + id, demotes: 15 + id },
    log: { flushes: 100 + id, blocksLogged: 900 + id, blocksWrittenInPlace: 850 + id, revokes: 40 + id },
    replay: { blocksReplayed: id === 1 ? 123 : 0 },
  };
}

export function sampleResult(over: Partial<RunResult> = {}): RunResult {
  const h = createHistogram();
  for (let i = 1; i <= 100; i++) recordNs(h, i * 10_000);
  const config = sampleConfig(over.config ? { ...over.config } : {});
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    state: 'completed',
    error: null,
    tool: toolInfo(),
    env: collectEnv(),
    command: ['gfs2-stress', 'run'],
    seed: config.seed,
    mode: config.mode,
    protocol: 'force-withdraw',
    faults: null,
    config,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 10_000,
    wallMs: 10_050,
    totals: { ops: 4000, opsPerSec: 400 },
    nodes: [node(0, 1000), node(1, 1000), node(2, 1000), node(3, 1000)],
    journals: [0, 1, 2, 3].map((jid) => ({ jid, clean: true, head: 10 * jid, sequence: 1000 + jid })),
    historyHash: null,
    checker: { ok: true, checked: ['I4', 'journal-clean'], violations: [] },
    latency: { op: summarize(h) },
    messages: [{ timeNs: 1_500_000, node: 1, text: 'gfs2: fsid=cluster:fs.1: Journal recovery complete for jid 1.' }],
    ...over,
  };
}

/** A glock profile with every glstats figure 0; wait figures and grants from `over`. */
export function sampleGlock(type: number, number: number, over: Partial<GlockProfile> = {}): GlockProfile {
  const contended = over.contended ?? 0;
  const waitNsTotal = over.waitNsTotal ?? 0;
  return {
    name: `n:${type}/${number}`,
    type,
    number,
    srtt: 0,
    srttvar: 0,
    srttb: 0,
    srttvarb: 0,
    sirt: 0,
    sirtvar: 0,
    dcount: 0,
    qcount: 0,
    contended,
    waitNsTotal,
    waitNsMax: 0,
    waitNsAvg: contended > 0 ? waitNsTotal / contended : 0,
    grantsByNode: [0, 0],
    ...over,
  };
}
