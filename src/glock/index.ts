// The glock layer's public names.

export { blockingCallback, cancelDemote, demoteStateFor, handleCallback } from './callbacks.js';
export { GlockFlag, glockFlagsString, HOLDER_TRY_ANY, HolderFlag, HolderIFlag } from './flags.js';
export { firstHolder, firstWaiter, Glock, glockDump } from './glock.js';
export { Holder, holderInit } from './holder.js';
export { Errno, GLR_TRYFAILED, type LockModule, lmStateFromCallback, lmStateName } from './lm.js';
export { GlockManager, type GlockManagerOptions } from './manager.js';
export { mayGrant } from './may-grant.js';
export {
  defaultGlockOpsTable,
  type GlockOps,
  type GlockOpsTable,
  neverBlockedGate,
  noopGlockOps,
  type WithdrawGate,
} from './ops.js';
export {
  type CounterView,
  GlockCounter,
  GlockStat,
  glockNodeCounterSlots,
  glockStatsNodeOffset,
  glockStatsRegionLength,
  glockStatsSlots,
  updateSmoothed,
} from './stats.js';
export { type GlockTiming, type HoldTimes, holdTimesFor } from './timing.js';
export { needsSync } from './xmote.js';
