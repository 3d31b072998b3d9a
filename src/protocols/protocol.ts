// A withdraw protocol generation as a strategy (DESIGN principle 6). The node calls these at
// the kernel's points: gfs2_withdraw from any process that hits a fatal error, the nondisk
// glocks' go_callback on survivors, the control work, and the glock layer's withdraw gates.

import type { Glock } from '../glock/glock.js';
import type { WithdrawGate } from '../glock/ops.js';
import type { NodeCore } from '../node/node-core.js';
import type { Proc } from '../node/proc.js';

export interface WithdrawProtocol {
  readonly name: string;
  /** The glock gates of §4.5 (inert for legacy). */
  gate(n: NodeCore): WithdrawGate;
  /** gfs2_withdraw() called by process `p`; returns -1 as the kernel does. */
  withdraw(n: NodeCore, p: Proc): Generator<void, number, void>;
  /** nondisk_go_callback on this node (survivor side of the live-lock signal). */
  nondiskCallback(n: NodeCore, gl: Glock, remote: boolean): void;
  /** Control work before DLM-recovery handling; true when it handled a remote withdraw. */
  controlWork(n: NodeCore, p: Proc): Generator<void, boolean, void>;
}
