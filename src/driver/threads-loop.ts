// The node thread's main loop in threads mode: run ready processes, and when none is ready
// park on the node's doorbell with Atomics.wait — always with a timeout, so timers fire and
// stop/crash commands are seen even if nobody rings.

import { limits } from '../config/limits.js';
import type { DrivenNode } from './driven-node.js';

export type LoopOutcome =
  | { state: 'completed'; parks: number; loops: number }
  | { state: 'errored'; process: string; error: unknown; parks: number; loops: number }
  | { state: 'crashed'; parks: number; loops: number };

export interface LoopHooks {
  nowNs(): number;
  /** The Int32Array and index of this node's doorbell word. */
  doorbell: Int32Array;
  doorbellIndex: number;
  /** True when the orchestrator wants this thread to stop at once (a crash fault). */
  crashRequested(): boolean;
}

export function runNodeLoop(node: DrivenNode, hooks: LoopHooks): LoopOutcome {
  let parks = 0;
  let loops = 0;
  let seen = Atomics.load(hooks.doorbell, hooks.doorbellIndex);
  // Run the node's callback handler once at start in case messages arrived before we looked.
  node.onDoorbell();
  for (;;) {
    loops++;
    if (hooks.crashRequested()) return { state: 'crashed', parks, loops };
    const runner = node.runner;
    runner.expireTimers(hooks.nowNs());
    const ran = runner.runReadyOnce();
    const bad = runner.firstError();
    if (bad !== null) return { state: 'errored', process: bad.name, error: bad.error, parks, loops };
    if (node.finished()) return { state: 'completed', parks, loops };
    const now = Atomics.load(hooks.doorbell, hooks.doorbellIndex);
    if (now !== seen) {
      seen = now;
      node.onDoorbell();
      continue;
    }
    if (ran === 0 && runner.readyCount() === 0) {
      const waitNs = runner.nextWakeNs() - hooks.nowNs();
      const waitMs = Math.max(0, Math.min(limits.parkMaxMs, waitNs / 1e6));
      if (waitMs > 0) {
        parks++;
        // Waiting on the value we last saw closes the race with a post that lands between our
        // load above and this wait: the word differs, so wait returns "not-equal" at once.
        Atomics.wait(hooks.doorbell, hooks.doorbellIndex, seen, waitMs);
      }
    }
  }
}
