// glock.c may_grant() (v5.7), reference §1.2. Holders are granted strictly in queue order; this
// decides for one holder given the node-level state and the queue's head.

import { LmState } from '../dlm/api.js';
import { HolderFlag } from './flags.js';
import type { Glock } from './glock.js';
import type { Holder } from './holder.js';

/**
 * May `h` be granted now? `h` is normally on the queue; when it is not yet (the TRY futility
 * test in addToQueue) the current head is used, or `h` itself on an empty queue.
 */
export function mayGrant(gl: Glock, h: Holder): boolean {
  const head = gl.first ?? h;
  // 1. EX is never shared locally: only the head may be granted if either wants EX.
  if ((h.state === LmState.ex || head.state === LmState.ex) && h !== head) return false;
  // 2. The node already holds exactly what is wanted.
  if (gl.state === h.state) return true;
  // 3. GL_EXACT accepts nothing else.
  if ((h.flags & HolderFlag.exact) !== 0) return false;
  // 4. SH (DF) under a node-level EX, when the head wants the same.
  if (gl.state === LmState.ex) {
    if (h.state === LmState.sh && head.state === LmState.sh) return true;
    if (h.state === LmState.df && head.state === LmState.df) return true;
  }
  // 5. LM_FLAG_ANY takes any held state.
  return gl.state !== LmState.un && (h.flags & HolderFlag.any) !== 0;
}
