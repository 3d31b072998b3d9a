// The soak's progress output, by the CLI's rules: one live line on a TTY (redrawn at most every
// redrawMs), a heartbeat line every 10 s elsewhere (from a timer, so a slow seed still shows
// the soak is alive), nothing with --quiet. Never coloured: it is a status line.

import { createLiveLine, type OutStream } from '../cli/output.js';
import type { SoakProgress } from './runner.js';
import { formatSoakProgress } from './summary.js';

export interface SoakProgressReporter {
  update(p: SoakProgress): void;
  /** Erase the live line before other output. */
  clear(): void;
  /** Stop the heartbeat timer. */
  stop(): void;
}

export interface SoakProgressOptions {
  readonly quiet: boolean;
  readonly heartbeatMs?: number;
  readonly redrawMs?: number;
  readonly now?: () => number;
}

export function createSoakProgress(stream: OutStream, opts: SoakProgressOptions): SoakProgressReporter {
  if (opts.quiet) return { update() {}, clear() {}, stop() {} };
  const now = opts.now ?? Date.now;
  if (stream.isTTY === true) {
    const line = createLiveLine(stream, opts.redrawMs ?? 200, now);
    return {
      update: (p) => line.show(() => formatSoakProgress(p)),
      clear: () => line.clear(),
      stop: () => line.clear(),
    };
  }
  // The latest figures, aged to the heartbeat's time so the elapsed time keeps moving.
  let latest: SoakProgress | null = null;
  let latestAt = 0;
  const timer = setInterval(() => {
    if (latest === null) return;
    const agedMs = now() - latestAt;
    const etaMs = latest.etaMs === null ? null : Math.max(0, latest.etaMs - agedMs);
    stream.write(`${formatSoakProgress({ ...latest, elapsedMs: latest.elapsedMs + agedMs, etaMs })}\n`);
  }, opts.heartbeatMs ?? 10_000);
  timer.unref();
  return {
    update(p) {
      latest = p;
      latestAt = now();
    },
    clear() {},
    stop() {
      clearInterval(timer);
    },
  };
}
