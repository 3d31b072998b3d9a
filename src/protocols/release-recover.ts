// The 2025 replacement of 601ef0d5 (reference §4.9, "gfs2: Asynchronous withdraw"): the
// withdrawing node keeps its disk locks, then leaves the lockspace with DLM_RELEASE_RECOVER,
// so the survivors see a failure: recover_prep (BLOCK_LOCKS), recover_slot, purge with frozen
// grants, replay by the control work, thaw. No live-lock signal, no waiting on the journal.

import type { WithdrawGate } from '../glock/ops.js';
import type { NodeCore } from '../node/node-core.js';
import type { Proc } from '../node/proc.js';
import { noControlWork, withdrawAndRelease } from './common.js';
import { releaseRecoverGate } from './gates.js';
import type { WithdrawProtocol } from './protocol.js';

export class ReleaseRecover implements WithdrawProtocol {
  readonly name = 'release-recover';

  gate(n: NodeCore): WithdrawGate {
    return releaseRecoverGate(n);
  }

  withdraw(n: NodeCore, p: Proc): Generator<void, number, void> {
    return withdrawAndRelease(n, p, true);
  }

  nondiskCallback(): void {}

  controlWork(): Generator<void, boolean, void> {
    return noControlWork();
  }
}
