// The human view of a soak document (printed at the end, at Ctrl-C, and by `merge`), and the
// soak's progress line. Derived from the document only, so a saved or merged one prints the same.

import { formatDuration } from '../config/duration.js';
import { formatCount, plainStyle, type Style } from '../report/summary.js';
import { formatLatencyTable, formatNs } from '../stats/histogram.js';
import { missingShards } from './merge.js';
import type { SoakResult } from './result.js';
import type { SoakProgress } from './runner.js';

/** Failures listed with their reproduce command at most. */
const FAILURES_SHOWN_MAX = 3;

function pct(n: number, of: number): string {
  return of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`;
}

function shardText(r: SoakResult): string {
  if (r.shards.length === 1) {
    const s = r.shards[0];
    return s === undefined || s.count === 1 ? '' : `, shard ${s.index}/${s.count}`;
  }
  const missing = missingShards(r);
  return `, ${r.shards.length} shards merged${missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''}`;
}

export function formatSoakSummary(r: SoakResult, style: Style = plainStyle, outDir: string | null = null): string {
  const out: string[] = [];
  const range = r.seeds === null ? `from seed ${r.firstSeed}` : `seeds ${r.firstSeed}..${r.firstSeed + r.seeds - 1}`;
  const rate = r.wallMs > 0 ? (r.seedsRun * 1000) / r.wallMs : 0;
  const state = r.state === 'completed' ? 'completed' : style.yellow('INTERRUPTED (partial figures)');
  out.push(
    style.bold(`gfs2-stress soak: protocol ${r.protocol}, ${range}${shardText(r)}, faults ${r.faults}`),
    `  ${state} in ${formatDuration(r.wallMs >= 60_000 ? Math.round(r.wallMs / 1000) * 1000 : Math.round(r.wallMs / 100) * 100)}: ${formatCount(r.seedsRun)} seeds run (${r.seedsRunThreads} under threads), ${rate.toFixed(2)} seeds/s`,
  );
  const violated = `${formatCount(r.violatedSeeds)} seeds violated an invariant (${pct(r.violatedSeeds, r.seedsRun)})`;
  out.push(`  ${r.violatedSeeds > 0 ? style.red(violated) : style.green(violated)}`);
  const invs = Object.entries(r.invariants);
  if (invs.length > 0) {
    const w = Math.max(9, ...invs.map(([k]) => k.length));
    out.push(`    ${'invariant'.padEnd(w)}  seeds  of run`);
    for (const [inv, n] of invs)
      out.push(`    ${inv.padEnd(w)}  ${String(n).padStart(5)}  ${pct(n, r.seedsRun).padStart(6)}`);
  }
  const table = formatLatencyTable(r.latency, '    ');
  if (table !== '') out.push('  recovery latency, from the error to each withdraw phase (all seeds):', table);
  const rc = r.recheck;
  const mism = `${rc.mismatches.length} historyHash mismatches`;
  out.push(
    `  determinism recheck: ${rc.checked} seeds rerun (${(rc.fraction * 100).toFixed(1)}%), ${rc.mismatches.length > 0 ? style.red(`${mism} (a tool bug)`) : mism}`,
  );
  for (const m of rc.mismatches.slice(0, FAILURES_SHOWN_MAX)) {
    out.push(`    seed ${m.seed}: ${m.historyHash} then ${m.recheckHash}`);
  }
  if (r.problems.length > 0) {
    out.push(style.red(`  ${r.problems.length} seeds crashed or timed out (a tool bug, not a finding):`));
    for (const p of r.problems.slice(0, FAILURES_SHOWN_MAX)) {
      out.push(`    seed ${p.seed} ${p.state}: ${p.message}`);
      if (p.command !== undefined) out.push(`      ${p.command}`);
    }
  }
  if (r.failures.length > 0) {
    out.push(
      `  failures saved: ${r.failures.length}${outDir !== null ? ` under ${outDir}/failures` : ''}${r.failuresNotSaved > 0 ? ` (${r.failuresNotSaved} more not saved)` : ''}; replay one with:`,
    );
    for (const f of r.failures.slice(0, FAILURES_SHOWN_MAX)) out.push(`    [${f.invariants.join(' ')}] ${f.command}`);
  }
  for (const s of r.shrunk) {
    const b = s.before;
    const a = s.after;
    out.push(
      `  shrunk seed ${s.seed} (${s.invariant}, ${s.attempts} attempts): faults ${b.faults}→${a.faults}, nodes ${b.nodes}→${a.nodes}, processes ${b.processes}→${a.processes}, duration ${formatDuration(b.durationMs)}→${formatDuration(a.durationMs)}, files ${b.files}→${a.files}, journal ${b.journalBlocks}→${a.journalBlocks} blocks, ops bound ${b.opsBound ?? 'none'}→${a.opsBound ?? 'none'} (ran ${b.opsRun}→${a.opsRun})`,
      `    ${s.file}: ${s.command}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** `[1m20s/ETA 3m] 512/2000 seeds  6.40 seeds/s  37 violated  p99 recovery 1.21s`. */
export function formatSoakProgress(p: SoakProgress): string {
  const parts = [
    `[${formatDuration(Math.round(p.elapsedMs / 1000) * 1000)}${p.etaMs !== null && Number.isFinite(p.etaMs) ? ` ETA ${formatDuration(Math.max(1, Math.round(p.etaMs / 1000) * 1000))}` : ''}]`,
    `${formatCount(p.seedsDone)}${p.seedsTotal !== null ? `/${formatCount(p.seedsTotal)}` : ''} seeds`,
    `${p.seedsPerSec.toFixed(2)} seeds/s`,
    `${p.violatedSeeds} violated`,
    `p99 recovery ${p.recoveryNsP99 === null ? '-' : formatNs(p.recoveryNsP99)}`,
  ];
  if (p.problems > 0) parts.push(`${p.problems} crashed`);
  return parts.join('  ');
}
