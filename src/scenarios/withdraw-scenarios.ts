// S1–S4 of reference §4.8: a journal error on node A (0) while it holds rgrp R (the only rgrp)
// with its header logged in J_A; B (1) and C (2) then want R. Slots are chosen in different
// directory blocks (0, 16, 32) so that R is the only glock the nodes share.

import { Holder } from '../glock/holder.js';
import { Sdf } from '../node/sdf.js';
import { type Scenario, type ScenarioScript, SMALL_CLUSTER } from './scenario.js';
import {
  flush,
  holdersFor,
  holdRgrpAfterAlloc,
  nextStepOrWithdraw,
  op,
  release,
  touchInode,
  until,
  writeBackAll,
} from './steps.js';

const A_SLOT = 0;
const B_SLOT = 16;
const C_SLOT = 32;

const small = SMALL_CLUSTER;

/** A: create and extend a file (R's header and bitmap logged), maybe write back, then keep writing. */
const aWrites: ScenarioScript = function* (n, p, rnd) {
  const h = holdersFor(p);
  yield* op(n, p, h, 'create', A_SLOT);
  yield* op(n, p, h, 'write', A_SLOT);
  yield* op(n, p, h, 'write', A_SLOT);
  if ((yield* flush(n, p)) < 0) return;
  // "In-place write-back may or may not have happened (simulate both)."
  if (rnd() < 0.5) yield* writeBackAll(n, p);
  yield* until(n, p, 320 + rnd() * 30);
  // This transaction's flush hits the journal error: A withdraws with R's copies un-revoked
  // in J_A. (It needs no rgrp: in S2 another process of A holds R.)
  yield* touchInode(n, p, h, A_SLOT);
  yield* flush(n, p);
};

function wantsR(slot: number, atMs: number, jitterMs: number): ScenarioScript {
  return function* (n, p, rnd) {
    const h = holdersFor(p);
    yield* until(n, p, atMs + rnd() * jitterMs);
    // create allocates from R: it needs R EX, which A holds.
    if ((yield* op(n, p, h, 'create', slot)) < 0) return;
    yield* op(n, p, h, 'write', slot);
    if ((yield* flush(n, p)) < 0) return;
    yield* writeBackAll(n, p);
  };
}

export const s1: Scenario = {
  name: 's1-stale-replay',
  title: 'S1 stale journal replayed later (legacy behaviour)',
  description:
    "A logs R, its journal writes fail, A withdraws. Legacy honours B's demote without a revoke and leaves the lockspace cleanly: nobody replays J_A. B and C allocate from R; A remounts and replays J_A over their newer R (I1), and R went to B while J_A held an un-revoked copy (I2). force-withdraw and release-recover replay J_A before R moves.",
  defaultProtocol: 'legacy',
  config: { ...small, remountAfterMs: 400 },
  // One failed log write (not sticky): the remount that follows finds a working disk path.
  faults: () => 'jerr:node=0,at=300ms,sticky=0',
  scripts: (node) => (node === 0 ? [aWrites] : node === 1 ? [wantsR(B_SLOT, 400, 100)] : [wantsR(C_SLOT, 700, 100)]),
};

/** S2's second process on A: holds R across the error, then withdraws as a secondary. */
const aHoldsR: ScenarioScript = function* (n, p, rnd) {
  const h = new Holder(`${p.name} rgrp`);
  yield* until(n, p, 100);
  if ((yield* holdRgrpAfterAlloc(n, p, h, 0)) < 0) return;
  // Still inside its transaction when the withdraw starts. The adversary wakes it just after
  // the primary clears SDF_WITHDRAW_RECOVERY (HZ/5 after the error), while a survivor is
  // still reading J_A: its next step fails and it calls withdraw as a secondary.
  for (let i = 0; i < 10_000 && !(n.isWithdrawn() && (n.sdf & Sdf.withdrawRecovery) === 0); i++) yield* n.sleep(p, 1e6);
  yield* n.sleep(p, (1 + rnd() * 40) * 1e6);
  yield* nextStepOrWithdraw(n, p);
  yield* release(n.ctx, p, h);
};

export const s2: Scenario = {
  name: 's2-secondary-release',
  title: 'S2 secondary withdrawer releases an rgrp before replay',
  description:
    'On A, P1 hits the journal error; P2 holds R with R logged in J_A and fails its next step just after the dequeue gate opened. Without the secondary wait P2 returns and dequeues R, and A hands R to B while a survivor is still reading J_A: I1/I2. With the wait, P2 sleeps until A has left the lockspace, after the replay.',
  defaultProtocol: 'force-withdraw:no-secondary-wait',
  config: { ...small, processes: 2 },
  faults: () => 'jerr:node=0,at=300ms',
  scripts: (node) => (node === 0 ? [aWrites, aHoldsR] : node === 1 ? [wantsR(B_SLOT, 450, 50)] : []),
};

export const s3: Scenario = {
  name: 's3-happy-path',
  title: 'S3 expected post-commit trace (happy path)',
  description:
    "A withdraws; survivors get the live-lock callback, one replays J_A while A polls check_journal_clean; A then releases its lockspace and B's queued request for R is granted after the replay. I1–I3 hold.",
  defaultProtocol: 'force-withdraw',
  config: small,
  faults: () => 'jerr:node=0,at=300ms',
  scripts: (node) => (node === 0 ? [aWrites] : node === 1 ? [wantsR(B_SLOT, 400, 100)] : []),
};

export const s4: Scenario = {
  name: 's4-standalone',
  title: 'S4 standalone withdraw',
  description:
    'A single node withdraws: the live lock EX try succeeds, recovery refuses on a withdrawn node, the journal stays dirty ("skipped until next mount") and is replayed at the remount, which is safe because nobody else wrote. I1 holds.',
  defaultProtocol: 'force-withdraw',
  config: { ...small, nodes: 1, remountAfterMs: 200 },
  faults: () => 'jerr:node=0,at=300ms,sticky=0',
  scripts: () => [aWrites],
};
