// The human view of a RunResult, derived only from the result document (so it can be printed
// again later from a saved JSON file). Colour is injected through a Style; the default is plain
// text, and the CLI passes an ANSI style only when writing to a TTY without NO_COLOR.

import { defaultProtocol, defaults } from '../config/config.js';
import { formatDuration } from '../config/duration.js';
import type { Config } from '../config/types.js';
import { formatLatencyTable, formatNs } from '../stats/histogram.js';
import type { NodeResult, RunResult, Violation } from './result.js';

export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
}

const id = (s: string) => s;
export const plainStyle: Style = { bold: id, dim: id, red: id, green: id, yellow: id };

export interface SummaryOptions {
  readonly style?: Style;
  /** Kernel-style messages to show at most (the most recent ones). */
  readonly messagesMax?: number;
  /** Violations to describe in full at most. */
  readonly violationsMax?: number;
}

/** `12345678` → `12,345,678`; non-integers get one decimal below 100. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (!Number.isInteger(n) && Math.abs(n) < 100) return n.toFixed(1);
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Config fields a reproduce command must repeat when they differ from the defaults. */
const reproducedFields = [
  'nodes',
  'processes',
  'durationMs',
  'ops',
  'blockSize',
  'journalBlocks',
  'rgrps',
  'rgrpDataBlocks',
  'workload',
  'hotSkew',
  'readFraction',
  'files',
  'hz',
  'timeScale',
] as const satisfies readonly (keyof Config)[];

const flagOf: Record<(typeof reproducedFields)[number], string> = {
  nodes: '--nodes',
  processes: '--processes',
  durationMs: '--duration',
  ops: '--ops',
  blockSize: '--block-size',
  journalBlocks: '--journal-blocks',
  rgrps: '--rgrps',
  rgrpDataBlocks: '--rgrp-data-blocks',
  workload: '--workload',
  hotSkew: '--hot-skew',
  readFraction: '--read-fraction',
  files: '--files',
  hz: '--hz',
  timeScale: '--time-scale',
};

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that replays this run on the deterministic driver. */
export function reproduceCommand(r: Pick<RunResult, 'seed' | 'protocol' | 'faults' | 'config'>): string {
  // A threads run depends on real interleavings: its command repeats the conditions, and only a
  // sim run repeats the history exactly.
  const args = ['gfs2-stress', 'run', '--mode', r.config.mode, '--seed', String(r.seed)];
  if (r.protocol !== defaultProtocol) args.push('--protocol', r.protocol);
  if (r.faults !== null) args.push('--faults', r.faults);
  for (const field of reproducedFields) {
    const value = r.config[field];
    if (value === defaults[field]) continue;
    args.push(flagOf[field], field === 'durationMs' ? formatDuration(value as number) : String(value));
  }
  return args.map(shellQuote).join(' ');
}

function table(rows: readonly (readonly string[])[], alignLeft: ReadonlySet<number>, indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) widths[i] = Math.max(widths[i] ?? 0, (r[i] ?? '').length);
  }
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (alignLeft.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
  );
}

function sum(nodes: readonly NodeResult[], pick: (n: NodeResult) => number): number {
  let s = 0;
  for (const n of nodes) s += pick(n);
  return s;
}

function describeViolation(v: Violation): string[] {
  const where: string[] = [];
  if (v.block !== undefined) where.push(`block ${v.block}`);
  if (v.glock !== undefined) where.push(`glock ${v.glock}`);
  if (v.nodes !== undefined && v.nodes.length > 0)
    where.push(`node${v.nodes.length > 1 ? 's' : ''} ${v.nodes.join(',')}`);
  if (v.versions !== undefined) {
    where.push(
      Object.entries(v.versions)
        .map(([k, x]) => `${k} v${x}`)
        .join(' '),
    );
  }
  if (v.timeNs !== undefined) where.push(`at ${formatNs(v.timeNs)}`);
  const lines = [`${v.invariant}${where.length > 0 ? ` (${where.join(', ')})` : ''}: ${v.detail}`];
  for (const t of v.trail ?? []) lines.push(`    ${t}`);
  return lines;
}

/** A readable multi-line summary of a run, ending in a newline. */
export function formatSummary(r: RunResult, opts: SummaryOptions = {}): string {
  const st = opts.style ?? plainStyle;
  const out: string[] = [];
  const wall = r.wallMs !== undefined ? `, wall ${formatNs(r.wallMs * 1e6)}` : '';
  const stateText =
    r.state === 'completed'
      ? 'completed'
      : r.state === 'interrupted'
        ? st.yellow('INTERRUPTED (partial results)')
        : st.red('ERRORED');
  out.push(
    st.bold(`gfs2-stress run: ${r.mode} mode, protocol ${r.protocol}, seed ${r.seed}`) +
      ` — ${stateText} in ${formatNs(r.durationMs * 1e6)}${r.mode === 'sim' ? ' (virtual)' : ''}${wall}`,
  );
  if (r.faults !== null) out.push(`  faults: ${r.faults}`);
  out.push('');

  // Per node: throughput, glock traffic, log and replay counters.
  const header = [
    'node',
    'state',
    'ops',
    'ops/s',
    'requests',
    'grants',
    'callbacks',
    'demotes',
    'flushes',
    'logged',
    'in-place',
    'revokes',
    'replayed',
  ];
  const row = (label: string, state: string, n: Omit<NodeResult, 'node' | 'state'>): string[] => [
    label,
    state,
    formatCount(n.ops),
    formatCount(n.opsPerSec),
    formatCount(n.glock.requests),
    formatCount(n.glock.grants),
    formatCount(n.glock.callbacks),
    formatCount(n.glock.demotes),
    formatCount(n.log.flushes),
    formatCount(n.log.blocksLogged),
    formatCount(n.log.blocksWrittenInPlace),
    formatCount(n.log.revokes),
    formatCount(n.replay.blocksReplayed),
  ];
  const rows = [header, ...r.nodes.map((n) => row(String(n.node), n.state, n))];
  if (r.nodes.length > 1) {
    rows.push(
      row('total', '', {
        ops: r.totals.ops,
        opsPerSec: r.totals.opsPerSec,
        glock: {
          requests: sum(r.nodes, (n) => n.glock.requests),
          grants: sum(r.nodes, (n) => n.glock.grants),
          callbacks: sum(r.nodes, (n) => n.glock.callbacks),
          demotes: sum(r.nodes, (n) => n.glock.demotes),
        },
        log: {
          flushes: sum(r.nodes, (n) => n.log.flushes),
          blocksLogged: sum(r.nodes, (n) => n.log.blocksLogged),
          blocksWrittenInPlace: sum(r.nodes, (n) => n.log.blocksWrittenInPlace),
          revokes: sum(r.nodes, (n) => n.log.revokes),
        },
        replay: { blocksReplayed: sum(r.nodes, (n) => n.replay.blocksReplayed) },
      }),
    );
  }
  out.push(...table(rows, new Set([1])));
  out.push('');

  // Journals.
  if (r.journals.length > 0) {
    const dirty = r.journals.filter((j) => !j.clean).length;
    out.push(
      `  journals: ${r.journals.length - dirty} clean, ${dirty} dirty` +
        (dirty > 0
          ? st.yellow(
              ` (dirty: jid ${r.journals
                .filter((j) => !j.clean)
                .map((j) => j.jid)
                .join(', ')})`,
            )
          : ''),
    );
    out.push(
      ...table(
        [
          ['jid', 'state', 'head', 'sequence'],
          ...r.journals.map((j) => [String(j.jid), j.clean ? 'clean' : 'dirty', String(j.head), String(j.sequence)]),
        ],
        new Set([1]),
        '    ',
      ),
    );
    out.push('');
  }

  // Withdraw timelines: each phase in ms after the error.
  for (const w of r.withdraws ?? []) {
    const p = w.phases as Record<string, number | null>;
    const t0 = p.error ?? p.withdrawStart ?? null;
    if (t0 === null) continue;
    const steps = Object.entries(p)
      .filter(([k, v]) => k !== 'error' && v !== null)
      .sort((a, b) => (a[1] as number) - (b[1] as number))
      .map(([k, v]) => `${k} +${(((v as number) - t0) / 1e6).toFixed(1)}ms`);
    out.push(`  withdraw of node ${w.node} (error at ${(t0 / 1e9).toFixed(6)}s): ${steps.join(', ')}`);
    const replayedBy = w.replayedBy as number | undefined;
    if (replayedBy !== undefined && replayedBy >= 0)
      out.push(
        `    journal ${w.node} replayed by node ${replayedBy} (${w.blocksReplayed as number} blocks); glock dequeues delayed: ${w.dequeuesDelayed as number}`,
      );
  }
  if ((r.withdraws ?? []).length > 0) out.push('');

  // Latency.
  const lat = formatLatencyTable(r.latency);
  if (lat !== '') {
    out.push('  latency:');
    out.push(lat.replace(/^/gm, '  '));
    out.push('');
  }

  // Kernel-style messages, the most recent ones.
  const mmax = opts.messagesMax ?? 20;
  if (r.messages.length > 0 && mmax > 0) {
    const shown = r.messages.slice(-mmax);
    out.push(`  messages${r.messages.length > shown.length ? ` (last ${shown.length} of ${r.messages.length})` : ''}:`);
    for (const m of shown)
      out.push(st.dim(`    [${(m.timeNs / 1e9).toFixed(6).padStart(12)}] node ${m.node}: `) + m.text);
    out.push('');
  }

  if (r.historyHash !== null) out.push(`  historyHash: ${r.historyHash}`);
  if (r.error !== null) {
    out.push(
      st.red(
        `  error${r.error.node !== undefined ? ` on node ${r.error.node}` : ''}: ${r.error.name}: ${r.error.message}`,
      ),
    );
    if (r.error.stack !== null)
      out.push(
        ...r.error.stack
          .split('\n')
          .slice(1)
          .map((l) => `    ${l.trim()}`),
      );
  }

  // Verdict last, where the eye lands.
  const checked =
    r.checker.checked !== undefined && r.checker.checked.length > 0 ? ` (checked ${r.checker.checked.join(', ')})` : '';
  if (r.checker.ok) {
    out.push(`  checker: ${st.green(st.bold('OK'))}, no violations${checked}`);
  } else {
    const n = r.checker.violations.length;
    out.push(`  checker: ${st.red(st.bold('VIOLATED'))}, ${n} violation${n === 1 ? '' : 's'}${checked}`);
    const vmax = opts.violationsMax ?? 10;
    for (const v of r.checker.violations.slice(0, vmax))
      for (const line of describeViolation(v)) out.push(`    ${line}`);
    if (n > vmax) out.push(`    … and ${n - vmax} more (see --json)`);
  }
  if (!r.checker.ok || r.state === 'errored') {
    out.push(
      `  seed ${r.seed}; ${r.config.mode === 'sim' ? 'reproduce with' : 'rerun the same conditions with (threads runs are not exactly repeatable)'}: ${reproduceCommand(r)}`,
    );
  }
  return `${out.join('\n')}\n`;
}
