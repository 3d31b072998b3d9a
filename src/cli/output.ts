// Where human and machine text go, and how it looks. The rules (CONVENTIONS.md):
// - with --json, stdout carries only the JSON document; every human line goes to stderr;
// - colour only when the stream is a TTY, never with NO_COLOR (any non-empty value) or
//   --no-color, and never inside JSON;
// - progress is a single live line on a TTY, a heartbeat every 10 s elsewhere, nothing with --quiet.

import type { Writable } from 'node:stream';
import { formatDuration } from '../config/duration.js';
import type { Progress } from '../report/result.js';
import { formatCount, plainStyle, type Style } from '../report/summary.js';
import { formatNs } from '../stats/histogram.js';

export type OutStream = Writable & { readonly isTTY?: boolean; readonly columns?: number };

/** The process's streams and environment, injectable so commands can run in-process in tests. */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Write and resolve once the stream has accepted the text (so exiting afterwards loses nothing). */
export function writeText(stream: OutStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export function colorEnabled(stream: OutStream, env: Io['env'], colorFlag = true): boolean {
  const noColor = env.NO_COLOR;
  return colorFlag && stream.isTTY === true && (noColor === undefined || noColor === '');
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
export const ansiStyle: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
};

export function styleFor(stream: OutStream, env: Io['env'], colorFlag = true): Style {
  return colorEnabled(stream, env, colorFlag) ? ansiStyle : plainStyle;
}

/** One progress line: `[3.2s/10s] 12,345 ops  4,120 ops/s  p99 1.21ms  4 up 0 withdrawn  ETA 6.8s`. */
export function formatProgress(p: Progress, totalMs: number | null): string {
  const parts = [
    `[${formatDuration(Math.round(p.elapsedMs / 100) * 100)}${totalMs !== null ? `/${formatDuration(totalMs)}` : ''}]`,
    `${formatCount(p.ops)} ops`,
    `${formatCount(Math.round(p.opsPerSec))} ops/s`,
  ];
  if (p.latencyNsP99 !== null) parts.push(`p99 ${formatNs(p.latencyNsP99)}`);
  parts.push(`${p.nodesUp} up`, `${p.nodesWithdrawn} withdrawn`);
  if (p.violations !== undefined && p.violations > 0) parts.push(`${p.violations} violations`);
  if (p.phase !== undefined) parts.push(p.phase);
  if (p.etaMs !== null) parts.push(`ETA ${formatDuration(Math.max(0, Math.round(p.etaMs / 100) * 100))}`);
  return parts.join('  ');
}

export interface ProgressReporter {
  update(p: Progress): void;
  /** Erase the live line (before printing anything else). */
  clear(): void;
}

export interface ProgressOptions {
  readonly quiet: boolean;
  /** Interval between heartbeat lines when not a TTY. */
  readonly heartbeatMs?: number;
  /** Shortest interval between live-line redraws on a TTY. */
  readonly redrawMs?: number;
  readonly totalMs?: number | null;
  readonly now?: () => number;
}

/** One status line redrawn in place on a TTY, at most every `redrawMs`, cut to the terminal width. */
export interface LiveLine {
  /** Redraw with `text()` unless the last redraw was less than redrawMs ago. */
  show(text: () => string): void;
  /** Erase the line (before printing anything else). */
  clear(): void;
}

export function createLiveLine(stream: OutStream, redrawMs: number, now: () => number): LiveLine {
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    show(text) {
      const t = now();
      if (t - last < redrawMs) return;
      last = t;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[2K${text().slice(0, width)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** Progress to `stream`: a live line on a TTY, a heartbeat line every 10 s otherwise, or nothing. */
export function createProgressReporter(stream: OutStream, opts: ProgressOptions): ProgressReporter {
  if (opts.quiet) return { update() {}, clear() {} };
  const now = opts.now ?? Date.now;
  const totalMs = opts.totalMs ?? null;
  if (stream.isTTY === true) {
    const line = createLiveLine(stream, opts.redrawMs ?? 100, now);
    return { update: (p) => line.show(() => formatProgress(p, totalMs)), clear: () => line.clear() };
  }
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const start = now();
  let next = start + heartbeatMs;
  return {
    update(p) {
      const t = now();
      if (t < next) return;
      next = t + heartbeatMs;
      stream.write(`${formatProgress(p, totalMs)}\n`);
    },
    clear() {},
  };
}
