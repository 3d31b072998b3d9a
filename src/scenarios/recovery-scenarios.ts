// S5 and S6 of reference §4.8: a node crash (DLM recovery with frozen grants) for contrast,
// and the window 601ef0d5's own ordering leaves open (RECOVERY cleared before the journal is
// known clean).

import { type Scenario, type ScenarioScript, SMALL_CLUSTER } from './scenario.js';
import { flush, holdersFor, op, until, writeBackAll } from './steps.js';

const small = SMALL_CLUSTER;

/** A creates and extends slot 0 (directory block 0, R) and keeps them cached, dirty in J_A. */
const aLogs: ScenarioScript = function* (n, p) {
  const h = holdersFor(p);
  yield* op(n, p, h, 'create', 0);
  yield* op(n, p, h, 'write', 0);
  yield* flush(n, p);
  yield* until(n, p, 320);
  yield* op(n, p, h, 'write', 0);
  yield* flush(n, p);
};

function creates(slot: number, atMs: number, jitterMs: number): ScenarioScript {
  return function* (n, p, rnd) {
    const h = holdersFor(p);
    yield* until(n, p, atMs + rnd() * jitterMs);
    if ((yield* op(n, p, h, 'create', slot)) < 0) return;
    if ((yield* flush(n, p)) < 0) return;
    yield* writeBackAll(n, p);
  };
}

export const s5: Scenario = {
  name: 's5-node-crash',
  title: 'S5 node crash (contrast)',
  description:
    'A dies with R and its directory logged. B and C: recover_prep (BLOCK_LOCKS), recover_slot(A), the purge grants R to B but the grant is frozen, recover_done, the control work replays J_A, thaw, B proceeds. I3 is the invariant exercised.',
  defaultProtocol: 'force-withdraw',
  config: small,
  faults: () => 'crash:node=0,at=350ms',
  scripts: (node) => (node === 0 ? [aLogs] : node === 1 ? [creates(16, 400, 100)] : []),
};

export const s6: Scenario = {
  name: 's6-recovery-window',
  title: "S6 the window in the commit's own ordering",
  description:
    "A withdraws while caching directory block 0 EX with no holder, dirty in J_A. force-withdraw clears SDF_WITHDRAW_RECOVERY HZ/5 after the error, while the survivors are still reading J_A. B's create in the same directory block then demotes A's glock to UN, which passes gate (c): B can be granted it before the replay (I1/I2). late-clear keeps the gate shut until the journal is clean.",
  defaultProtocol: 'force-withdraw',
  config: small,
  faults: () => 'jerr:node=0,at=300ms',
  // B creates slot 1, in A's directory block, after the clear (≈ 520 ms) while a survivor is
  // still reading J_A (the head search reads the whole journal, ≈ 100 ms here).
  scripts: (node) => (node === 0 ? [aLogs] : node === 1 ? [creates(1, 525, 80)] : []),
};
