// Withdraw before 601ef0d5 (v5.6 and earlier, reference §4.7). A second call returns at once;
// the first does uevent, ack, a clean lockspace release, done. No live-lock signal, no
// journal-glock drop, no dequeue gate: the withdrawn node keeps honouring demote requests
// although its log can no longer take revokes, and its clean departure gives the survivors no
// recover_slot, so nobody replays its journal until it remounts.

import { neverBlockedGate, type WithdrawGate } from '../glock/ops.js';
import type { NodeCore } from '../node/node-core.js';
import type { Proc } from '../node/proc.js';
import { noControlWork, withdrawAndRelease } from './common.js';
import type { WithdrawProtocol } from './protocol.js';

export class LegacyWithdraw implements WithdrawProtocol {
  readonly name = 'legacy';

  gate(n: NodeCore): WithdrawGate {
    return { ...neverBlockedGate, syncFailed: () => n.withdrawAsync() };
  }

  withdraw(n: NodeCore, p: Proc): Generator<void, number, void> {
    return withdrawAndRelease(n, p, false);
  }

  nondiskCallback(): void {}

  controlWork(): Generator<void, boolean, void> {
    return noControlWork();
  }
}
