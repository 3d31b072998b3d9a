// The glock layer's view of the lock manager, like gfs2's lm_lockops (fs/gfs2/glock.h). The
// real DLM (src/dlm) and the tests' fake both implement it; the glock layer never imports the
// DLM itself, so either can be swapped in and the glock state machine tested on its own.

import { LmState } from '../dlm/api.js';

export interface LockModule {
  /** Resource index for a glock name (shared table index; also the glock's stats slot). */
  resourceIndex(type: number, number: number): number;
  /**
   * Move this node's lock on `res` to `state` (LmState); lmFlags from DlmFlag (noqueue,
   * noqueuebast, ...). Returns DlmStatus.granted (done now), .queued (the completion arrives
   * later via GlockManager.onCompletion), .tryFailed, .notMember.
   */
  lock(res: number, state: number, lmFlags: number): number;
  /** Drop the lock to UN/NL (lm_put_lock). */
  unlock(res: number): void;
}

/** glock.h GLR_TRYFAILED: a TRY/TRY_1CB request could not be granted at once. */
export const GLR_TRYFAILED = 13;

/** Negative errnos the glock layer returns (Linux values). */
export const Errno = {
  eio: -5,
  edeadlk: -35,
  etimedout: -110,
  /** A waiting holder was dequeued before it was granted (GL_ASYNC cancel). */
  ecanceled: -125,
} as const;

/**
 * Normalise a state handed over by the callback handler to an LmState. The handler is meant to
 * pass glock states, but a DLM mode number is accepted too: PR (3) and CW (2) coincide with SH
 * and DF, NL (0) with UN, and DLM EX (5) is mapped to EX. The one ambiguous value, 1, is read
 * as LM EX because gfs2 never uses DLM CR.
 */
export function lmStateFromCallback(value: number): number {
  switch (value) {
    case LmState.un:
    case LmState.df:
    case LmState.sh:
    case LmState.ex:
      return value;
    case 5:
      return LmState.ex;
    default:
      return -1;
  }
}

/** Short names as glocktop prints them. */
export function lmStateName(state: number): string {
  switch (state) {
    case LmState.un:
      return 'UN';
    case LmState.ex:
      return 'EX';
    case LmState.df:
      return 'DF';
    case LmState.sh:
      return 'SH';
    default:
      return `?${state}`;
  }
}
