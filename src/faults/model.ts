// The fault plan as data: what can go wrong, on which node, and when. The text grammar is in
// grammar.ts, the random plans in random-plan.ts, the per-node injector in injector.ts; what each
// fault means for the system under test is written in index.ts's header (the fault model).
// Times are whole milliseconds from the start of the run (the platform clock's zero), as the
// CLI writes durations; they are turned into nanoseconds only where the clock is compared.

import { limits } from '../config/limits.js';
import { CbKind } from '../dlm/api.js';

/** Fault kinds in grammar spelling, in the order the fault model lists them. */
export const FaultKinds = ['jerr', 'merr', 'crash', 'recovery-withdraw', 'slow', 'cbdelay', 'ackdelay'] as const;
export type FaultKind = (typeof FaultKinds)[number];

/** Codes stamped in Ev.fault's `a` field (stable: results and traces decode them). */
export const FaultCode = {
  jerr: 1,
  merr: 2,
  crash: 3,
  'recovery-withdraw': 4,
  slow: 5,
  cbdelay: 6,
  ackdelay: 7,
} as const satisfies Record<FaultKind, number>;

/** Callback kinds a `cbdelay` may name, grammar spelling → CbKind. */
export const CallbackKindNames = {
  bast: CbKind.bast,
  ast: CbKind.ast,
  'recover-prep': CbKind.recoverPrep,
  'recover-slot': CbKind.recoverSlot,
  'recover-done': CbKind.recoverDone,
  control: CbKind.control,
} as const;
export type CallbackKindName = keyof typeof CallbackKindNames;

/** Which I/O an `merr` strikes: in-place writes, reads, or both. */
export const MetaOps = ['w', 'r', 'rw'] as const;
export type MetaOp = (typeof MetaOps)[number];

/**
 * When an I/O error fault strikes, among the I/Os it matches:
 * - nothing before `atMs` (null = from the start); counting starts there;
 * - with `p` null: exactly the `after`-th matching I/O (1 when null);
 * - with `p` set: each matching I/O from the `after`-th on, with probability p (the fault's own
 *   seeded stream, so the same I/O sequence gives the same hits).
 * `sticky`: once it struck, the node's failed path stays failed (a dead disk path, not a glitch):
 * every later write of the node fails when the fault strikes writes, every later read when it
 * strikes reads. Reads survive a write fault, so a node can still read its own journal.
 */
export interface ErrorTrigger {
  readonly node: number;
  readonly atMs: number | null;
  readonly after: number | null;
  readonly p: number | null;
  readonly sticky: boolean;
}

/** A log (journal) write fails. */
export interface JournalErrorFault extends ErrorTrigger {
  readonly kind: 'jerr';
}

/** Another metadata I/O fails: an in-place write (write-back, replay) and/or a read. */
export interface MetaErrorFault extends ErrorTrigger {
  readonly kind: 'merr';
  readonly op: MetaOp;
}

/** A node fails while replaying another node's journal: its replay writes fail. */
export interface RecoveryWithdrawFault extends ErrorTrigger {
  readonly kind: 'recovery-withdraw';
}

/** The node stops dead: at a time, and/or after its k-th log write (whichever comes first). */
export interface CrashFault {
  readonly kind: 'crash';
  readonly node: number;
  readonly atMs: number | null;
  readonly after: number | null;
}

/** A window [fromMs, toMs) in which a delay fault acts; toMs null = to the end of the run. */
export interface DelayWindow {
  readonly node: number;
  readonly fromMs: number;
  readonly toMs: number | null;
}

/** Every write of the node costs `writeMs` more. */
export interface SlowFault extends DelayWindow {
  readonly kind: 'slow';
  readonly writeMs: number;
}

/** The node handles callback-ring records `delayMs` late (one kind, or all when null). */
export interface CallbackDelayFault extends DelayWindow {
  readonly kind: 'cbdelay';
  readonly delayMs: number;
  readonly cb: CallbackKindName | null;
}

/** User space acknowledges the node's withdraw `delayMs` late. */
export interface AckDelayFault extends DelayWindow {
  readonly kind: 'ackdelay';
  readonly delayMs: number;
}

export type IoErrorFault = JournalErrorFault | MetaErrorFault | RecoveryWithdrawFault;
export type Fault = IoErrorFault | CrashFault | SlowFault | CallbackDelayFault | AckDelayFault;

/** A run's faults, in the order given (the order is the fault's index in Ev.fault's `c`). */
export interface FaultPlan {
  readonly faults: readonly Fault[];
}

export const faultLimits = {
  /** Faults in one plan: each costs a check per I/O of its node, so keep the list short. */
  faultsPerPlanMax: 16,
  /** `after=k` bound: far beyond any run's log writes, small enough to stay an exact integer. */
  afterMax: 1_000_000_000,
  /** Any fault time: a run never lasts longer. */
  timeMaxMs: limits.durationMaxMs,
  /**
   * Longest injected delay: a third of the liveness bound, so a delayed callback or
   * acknowledgement is never itself reported as a hang.
   */
  delayMaxMs: Math.floor(limits.waitMaxNs / 1e6 / 3),
} as const;

export const emptyPlan: FaultPlan = { faults: [] };

export function isIoErrorFault(f: Fault): f is IoErrorFault {
  return f.kind === 'jerr' || f.kind === 'merr' || f.kind === 'recovery-withdraw';
}

/** The faults that concern one node, with their index in the plan. */
export function faultsOfNode(plan: FaultPlan, node: number): Array<{ fault: Fault; index: number }> {
  const out: Array<{ fault: Fault; index: number }> = [];
  plan.faults.forEach((fault, index) => {
    if (fault.node === node) out.push({ fault, index });
  });
  return out;
}
