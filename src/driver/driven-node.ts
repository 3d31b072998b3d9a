// What a driver needs from a node: its processes and its doorbell. The node code itself
// (src/node) knows nothing about which driver runs it.

import type { NodeRunner } from '../node/runner.js';

export interface DrivenNode {
  readonly runner: NodeRunner;
  /** Current value of the node's doorbell word (bumped by anyone posting to its callback ring). */
  doorbellValue(): number;
  /** The doorbell moved: wake the node's callback handler. */
  onDoorbell(): void;
  /** True once the node has finished (unmounted, crashed or errored) and needs no more steps. */
  finished(): boolean;
  /** When a crash fault will stop this node (Infinity if none is planned by time). */
  crashDueAtNs(): number;
  /** A crash fault is due now (by time or by log writes). */
  crashDue(): boolean;
  /** Stop the node dead: no process runs again (the sim driver's form of a crash). */
  crash(): void;
}
