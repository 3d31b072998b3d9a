// A late recover_prep (fault "cbdelay") must not let the DLM answer the late node's new
// requests unfrozen: in the kernel a node's lockspace is stopped, and recover_prep called,
// before any lock of the failed node is purged, and its requests wait for recovery. The engine
// models that with "prep unread" (grants go behind the prep in the node's ring); a delayed
// record used to be taken from the ring before the delay, so during the delay the prep counted
// as read and node 2 got node 0's purged locks at once and read blocks whose newer copies were
// still in journal 0 (release-recover seed 316 of the fault table: I1 and I2).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { validateRunOptions } from '../../src/config/config.js';
import { Ev } from '../../src/memory/events.js';
import { runCluster } from '../../src/orchestrator/run.js';
import type { RunResult } from '../../src/report/result.js';
import { describeRun } from './cluster.js';

const FAULTS = 'jerr:node=0,at=670ms,p=0.05+cbdelay:node=2,delay=20ms+recovery-withdraw:node=1,after=4';

describe('release-recover with node 2 handling every callback 20 ms late (sim seed 316)', () => {
  let r: RunResult;
  /** Node 2's DLM replies and recover_preps after node 0's lockspace failure, in order. */
  const node2: { kind: 'reply' | 'prep'; timeNs: number }[] = [];
  let failedAtNs = Number.POSITIVE_INFINITY;

  before(async () => {
    const o = validateRunOptions({
      mode: 'sim',
      seed: 316,
      nodes: 3,
      processes: 2,
      durationMs: '2s',
      files: 64,
      protocol: 'release-recover',
      faults: FAULTS,
    });
    const observe = (rec: Float64Array, off: number) => {
      const [t, kind, node, a, b, c] = [
        rec[off],
        rec[off + 1],
        rec[off + 2],
        rec[off + 3],
        rec[off + 4],
        rec[off + 5],
      ] as number[];
      if (kind === Ev.lockspace && node === 0 && a === 3) failedAtNs = Math.min(failedAtNs, t as number);
      if (node !== 2 || (t as number) < failedAtNs) return;
      if (kind === Ev.dlmRecovery && a === 1) node2.push({ kind: 'prep', timeNs: t as number });
      if (kind === Ev.dlmReply && c !== b) node2.push({ kind: 'reply', timeNs: t as number });
    };
    r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults, observers: [observe] });
  });

  test('before its late recover_prep, node 2 gets only replies that came through its delayed ring', () => {
    assert.equal(r.state, 'completed', describeRun(r));
    assert.ok(Number.isFinite(failedAtNs), 'node 0 released its lockspace as a failure');
    const prepAt = node2.findIndex((e) => e.kind === 'prep');
    assert.ok(prepAt >= 0 && (node2[prepAt]?.timeNs ?? 0) - failedAtNs >= 20e6, 'node 2 got its recover_prep, late');
    // Each ring record waits 20 ms; a reply the DLM gave inline (unfrozen) comes between them.
    // Before the fix: replies at 820.182, 820.191, 820.191 and 820.197 ms, before the prep at 840.182.
    const early = node2.slice(0, prepAt).map((e) => e.timeNs);
    for (let i = 1; i < early.length; i++) {
      assert.ok(
        (early[i] ?? 0) - (early[i - 1] ?? 0) >= 20e6,
        `an inline reply before the prep: ${early.map((t) => t / 1e6).join(', ')} ms`,
      );
    }
  });

  test('ends with no violation', () => {
    assert.deepEqual(
      r.checker.violations.map((v) => `${v.invariant}: ${v.detail}`),
      [],
    );
  });
});
