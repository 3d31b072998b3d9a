// gfs2_logd: flushes the in-core log periodically and writes back the AIL when the journal
// fills, so the tail advances and transactions never wait for space for long.

import { LogFlag } from '../disk/log-format.js';
import { NodeStat } from '../memory/node-stats.js';
import type { NodeCore } from './node-core.js';
import type { Proc } from './proc.js';

export function* logdLoop(n: NodeCore, p: Proc): Generator<void, void, void> {
  const periodNs = Math.max(50_000, n.jiffiesNs(10));
  const log = n.journal.log;
  const size = n.cfg.journalBlocks;
  while (!n.workloadStopped || n.trans.size > 0) {
    if (n.stopped) return;
    yield* n.sleep(p, periodNs);
    if (n.journal.error !== 0 || n.isWithdrawn()) {
      // The log flusher is where a failed log write turns into gfs2_withdraw().
      if (n.journal.error !== 0) yield* n.withdraw(p, n.journal.error);
      return;
    }
    let st = 0;
    if (n.trans.size > 0) {
      st = n.journal.flush(LogFlag.flushNormal);
      if (st >= 0) yield* n.ioWait(p);
    }
    // Keep at least half the journal free: write back the oldest copies and pull the tail.
    if (st >= 0 && log.usedBlocks() > size / 2) {
      st = n.journal.writeBack(Math.max(8, size / 4));
      if (st >= 0) st = n.journal.flush(LogFlag.flushNormal | LogFlag.ailFlush);
      if (st >= 0) yield* n.ioWait(p);
    }
    if (st < 0) {
      yield* n.withdraw(p, st);
      return;
    }
    n.stats[NodeStat.logFlushes] = log.flushesCount;
    n.stats[NodeStat.blocksLogged] = log.blocksLoggedCount;
    n.stats[NodeStat.blocksWrittenInPlace] = log.writeInPlaceBlocksCount;
    n.stats[NodeStat.revokes] = log.revokesCount;
  }
}
