// `--trace FILE` for the commands that run a cluster (run, scenario run, profile): check the
// path before the run (a bad path is a usage error, exit 2, and costs no run), observe the run,
// then write the trace. A write that still fails afterwards is reported, and the caller keeps
// and prints the run's result regardless.

import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../config/errors.js';
import type { EventObserver } from '../../orchestrator/consumer.js';
import type { RunResult } from '../result.js';
import { toTraceJson } from './json.js';
import { TraceWriter, type TraceWriterOptions } from './writer.js';

export interface TraceWritten {
  readonly ok: boolean;
  readonly file: string;
  /** Trace events written, and intervals dropped because the buffer was full. */
  readonly events: number;
  readonly dropped: number;
  readonly bytes: number;
  /** Why writing failed (ok false). */
  readonly message?: string;
}

export interface AttachedTrace {
  readonly writer: TraceWriter;
  /** Pass to RunClusterOptions.observers. */
  readonly observers: readonly EventObserver[];
  /** Write the trace of the finished run; never throws. */
  write(result?: RunResult): TraceWritten;
}

/** Throws UsageError unless `file` can be created: its directory exists and it is not a directory. */
export function checkTracePath(file: string, flag = '--trace'): string {
  if (file.trim() === '') throw new UsageError(`${flag}: expected a file path, received ""`, flag);
  const path = resolve(file);
  const dir = dirname(path);
  let dirOk = false;
  try {
    dirOk = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!dirOk)
    throw new UsageError(
      `${flag}: expected a file in an existing directory, received ${JSON.stringify(file)} (no directory ${dir})`,
      flag,
    );
  try {
    if (statSync(path).isDirectory())
      throw new UsageError(`${flag}: expected a file path, received the directory ${JSON.stringify(file)}`, flag);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // Does not exist yet: fine.
  }
  return path;
}

export function attachTrace(
  opts: { readonly file: string; readonly flag?: string } & TraceWriterOptions,
): AttachedTrace {
  const path = checkTracePath(opts.file, opts.flag);
  const writer = new TraceWriter(opts);
  return {
    writer,
    observers: [writer.observer],
    write(result?: RunResult): TraceWritten {
      const doc = toTraceJson(writer, result);
      const text = JSON.stringify(doc);
      const base = {
        file: path,
        events: doc.traceEvents.length,
        dropped: writer.droppedTotal(),
        bytes: Buffer.byteLength(text),
      };
      try {
        writeFileSync(path, text);
        return { ok: true, ...base };
      } catch (err) {
        return { ok: false, ...base, message: `could not write the trace to ${path}: ${(err as Error).message}` };
      }
    },
  };
}

/** The one line the commands print about the trace (stderr). */
export function traceLine(w: TraceWritten): string {
  if (!w.ok) return `gfs2-stress: --trace: ${w.message ?? 'write failed'}; the run's result is unaffected\n`;
  const kib = (w.bytes / 1024).toFixed(0);
  return `trace: ${w.file} (${w.events} events, ${kib} KiB${w.dropped > 0 ? `, ${w.dropped} intervals dropped (buffer full)` : ''}); open in https://ui.perfetto.dev\n`;
}
