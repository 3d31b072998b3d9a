// Minimum hold time constants (fs/gfs2/glock.h), in jiffies of the configured HZ. Converted to
// nanoseconds with jiffiesToNs so --time-scale stretches or removes them like every other
// protocol delay.

import { type Config, jiffiesToNs } from '../config/types.js';

export type GlockTiming = Pick<Config, 'hz' | 'timeScale'>;

export interface HoldTimes {
  /** GL_GLOCK_DFT_HOLD = HZ/5: initial hold time, and gate (c)'s requeue delay. */
  readonly dftJiffies: number;
  /** GL_GLOCK_MAX_HOLD = HZ/5. */
  readonly maxJiffies: number;
  /** GL_GLOCK_MIN_HOLD = 10. */
  readonly minJiffies: number;
  /** GL_GLOCK_HOLD_INCR = HZ/20, after a grant wait of more than one second. */
  readonly incrJiffies: number;
  /** GL_GLOCK_HOLD_DECR = HZ/40, when a reply differs from the target. */
  readonly decrJiffies: number;
}

/** Kernel integer division, as the macros compute them. */
export function holdTimesFor(hz: number): HoldTimes {
  return {
    dftJiffies: Math.floor(hz / 5),
    maxJiffies: Math.floor(hz / 5),
    minJiffies: 10,
    incrJiffies: Math.floor(hz / 20),
    decrJiffies: Math.floor(hz / 40),
  };
}

export function holdNs(timing: GlockTiming, jiffies: number): number {
  return jiffiesToNs(timing, jiffies);
}
