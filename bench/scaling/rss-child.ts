// P9's child process: one threads-mode run (or nothing, with `idle`), then its own peak RSS
// as one JSON line on stdout. A child of its own, so the peak is this run's and not the
// benchmark process's (which has run many clusters before). Usage:
//   node dist/bench/scaling/rss-child.js run <nodes> <durationMs> <seed>
//   node dist/bench/scaling/rss-child.js idle

import { readFileSync } from 'node:fs';
import { validateRunOptions } from '../../src/config/config.js';
import { runCluster } from '../../src/orchestrator/run.js';

const [what = 'idle', nodesText = '16', durationText = '2000', seedText = '1'] = process.argv.slice(2);
let ops = 0;
let ok = true;
if (what === 'run') {
  const o = validateRunOptions({
    mode: 'threads',
    seed: Number(seedText),
    nodes: Number(nodesText),
    durationMs: Number(durationText),
    protocol: 'force-withdraw',
    faults: null,
  });
  const r = await runCluster(o.config, { protocol: o.protocol, faults: o.faults });
  if (r.state !== 'completed') throw new Error(`rss run ${r.state}: ${r.error?.message ?? ''}`);
  ops = r.totals.ops;
  ok = r.checker.ok;
}
/**
 * This process's own peak RSS, every thread: VmHWM of /proc/self/status. Not getrusage's
 * ru_maxrss (process.resourceUsage().maxRSS): Linux carries that across fork and exec, so a
 * child of the benchmark process reports at least the benchmark's own RSS at the time of the
 * spawn (seen here: every 16-node sample and the idle child read the same few hundred MiB).
 */
function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) * 1024;
  } catch {
    // no procfs: fall back to getrusage below
  }
  return process.resourceUsage().maxRSS * 1024;
}

process.stdout.write(`${JSON.stringify({ peakRssBytes: peakRssBytes(), ops, ok })}\n`);
