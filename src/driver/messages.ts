// Message shapes that cross the thread boundary (main ↔ node worker). Shared-memory slot
// indices are in src/memory/slots.ts; this file holds only the structured messages.

import type { Config } from '../config/types.js';

/** The one start message a node worker receives. */
export interface NodeTask {
  readonly node: number;
  readonly sab: SharedArrayBuffer;
  readonly config: Config;
  readonly protocol: string;
  /** The fault plan's canonical text, or null. */
  readonly faults: string | null;
  /** A scenario's name, or null for the random workload. */
  readonly scenario: string | null;
  /** Run start on the process-wide monotonic clock (mono-clock.ts), ns. */
  readonly epochNs: number;
}

/** What a node worker returns (msgpackr-encoded): a discriminated union, errors as data. */
export type NodeTaskResult =
  | { readonly state: 'completed'; readonly node: number; readonly messages: readonly [number, string][] }
  | { readonly state: 'crashed'; readonly node: number; readonly messages: readonly [number, string][] }
  | {
      readonly state: 'errored';
      readonly node: number;
      readonly process: string;
      readonly error: { name: string; message: string; stack: string | null };
      readonly messages: readonly [number, string][];
    };
