// The DLM's region of the SharedArrayBuffer: word offsets, the encoding of every shared word,
// and the mode tables. All-zero memory is a valid empty lockspace (no members, no resources,
// no locks, empty rings), so any thread may build views at any time and nobody initialises.
//
// Region (Int32 words from the region's base):
//   header      HDR_WORDS             generation, member bitmask, recovery lock, resources used
//   per node    nodes × NODE_WORDS    PREP_POS: ring position just past the last recoverPrep posted
//   stats       nodes × STAT_FIELDS   counters (Atomics.add), see StatField
//   keys        resourcesMax × 2      KEY_TYPE (0 empty, -1 being claimed, type+1 published), KEY_NUMBER
//   resources   resourcesMax × stride see R_* below
//   rings       nodes × callbackRingWords()
//
// Resource record (stride = R_NODE + 4 × nodes words):
//   R_STATE       the state word (below)
//   R_QUEUE_LEN   queued requests                       written under LOCK
//   R_TICKET_HEAD / R_TICKET_TAIL  ticket counters       written under LOCK (priority takes --head)
//   R_LVB_DIRTY   1 while LVB_SHADOW holds an EX holder's unpublished write
//   R_LVB         8 words, the resource's value block
//   R_LVB_SHADOW  8 words, written by the EX holder, copied to R_LVB on its down-conversion
//   then four per-node arrays of `nodes` words each (field-major so one scan touches one line):
//   granted (G), request (RQ), ticket (TK), highest bast sent since the grant (HB).
//
// STATE WORD: bits 0-4 PR holders, 5-9 CW holders, 10-14 EX holders (counts ≤ 16 fit 5 bits),
// bit 29 QUEUED (some request waits), bit 30 LOCK (slow path owns the resource). NL holders
// are not counted: NL conflicts with nothing. The fast path is one CAS of this word, allowed
// only when LOCK and QUEUED are clear; every change made under LOCK is a plain store of the
// whole word, so a snapshot always shows a consistent set of granted counts.
//
// G slot: 0 no lock, else mode+1; G_PENDING marks a fast-path transition in flight (see dlm.ts).
// RQ slot: 0 none, else (mode+1) | flags << 8 | RQ_CONV (the node held a lock: the DLM's
// convert queue, which is served before new requests).

import { limits } from '../config/limits.js';
import { DlmMode } from './api.js';
import { callbackRingWords } from './callback-ring.js';

export const HDR_GENERATION = 0;
export const HDR_MEMBERS = 1;
export const HDR_RECOVERY_LOCK = 2;
export const HDR_RESOURCES_USED = 3;
export const HDR_WORDS = 16;

export const NODE_PREP_POS = 0;
export const NODE_WORDS = 4;

/** Per-node counters; index = node * STAT_FIELDS + field. */
export const StatField = {
  requests: 0,
  grantsImmediate: 1,
  /** Grants delivered as a completion (queued then granted, or granted while a recovery notice was unread). */
  grantsQueued: 2,
  /** Blocking callbacks this node's calls caused to be posted. */
  bastsSent: 3,
  tryFailed: 4,
  deadlocks: 5,
  /** Requests and releases that had to take the resource lock. */
  slowPaths: 6,
  /** Times a call parked (Atomics.wait) because a resource lock stayed held past dlmSpinMax spins. */
  lockParks: 7,
} as const;
export const STAT_FIELDS = 8;

export const KEY_EMPTY = 0;
export const KEY_CLAIMING = -1;

export const R_STATE = 0;
export const R_QUEUE_LEN = 1;
export const R_TICKET_HEAD = 2;
export const R_TICKET_TAIL = 3;
export const R_LVB_DIRTY = 4;
export const R_LVB = 5;
export const R_LVB_SHADOW = 13;
export const R_NODE = 21;
export const LVB_WORDS = 8;

export const PR_ONE = 1;
export const CW_ONE = 1 << 5;
export const EX_ONE = 1 << 10;
export const PR_MASK = 0x1f;
export const CW_MASK = 0x1f << 5;
export const EX_MASK = 0x1f << 10;
export const COUNTS_MASK = PR_MASK | CW_MASK | EX_MASK;
export const QUEUED = 1 << 29;
export const LOCK = 1 << 30;

export const G_NONE = 0;
export const G_PENDING = 0x100;
export const G_MODE_MASK = 0xff;
export const RQ_CONV = 0x10000;
export const RQ_FLAGS_SHIFT = 8;

/** Longest single park while waiting for a resource or recovery lock (ms). */
export const LOCK_PARK_MS = 0.1;
/** Parks before a lock wait is declared stuck (≈ 2 s, orders of magnitude above any legitimate hold). */
export const LOCK_PARKS_MAX = 20_000;

/** Count unit of a G slot value (mode+1); NL and "no lock" count nothing. Indexed by G value 0..7. */
export const UNIT_OF_G = Int32Array.of(0, 0, 0, CW_ONE, PR_ONE, 0, EX_ONE, 0);
/**
 * Count fields that must be zero for a DLM mode to be granted (reference §1.2):
 * NL: nothing; CW: no PR, no EX; PR: no CW, no EX; EX: no holders at all.
 * Indexed by DLM mode 0..7; CR and PW (unused by gfs2) are rejected before lookup.
 */
export const INCOMPAT_COUNTS = Int32Array.of(0, 0, PR_MASK | EX_MASK, CW_MASK | EX_MASK, 0, COUNTS_MASK, 0, 0);

// fs/dlm/lock.c __dlm_compat_matrix, NL CR CW PR PW EX (rows: granted, columns: requested).
const COMPAT = Uint8Array.of(
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  0,
  1,
  1,
  1,
  0,
  0,
  0,
  1,
  1,
  0,
  1,
  0,
  0,
  1,
  1,
  0,
  0,
  0,
  0,
  1,
  0,
  0,
  0,
  0,
  0,
);

/** True when a lock granted in mode `granted` lets another node be granted `requested`. */
export function dlmModesCompatible(granted: number, requested: number): boolean {
  return COMPAT[granted * 6 + requested] === 1;
}

/** Modes the engine accepts (gfs2 uses NL, CW, PR, EX only). */
export function isSupportedMode(mode: number): boolean {
  return mode === DlmMode.nl || mode === DlmMode.cw || mode === DlmMode.pr || mode === DlmMode.ex;
}

export interface DlmLayout {
  readonly nodes: number;
  readonly resourcesMax: number;
  readonly stride: number;
  /** Word offsets from the start of the buffer. */
  readonly header: number;
  readonly nodeWords: number;
  readonly stats: number;
  readonly keys: number;
  readonly resources: number;
  readonly rings: number;
  readonly words: number;
}

/** Word offsets of the region for `nodes`, starting at word `baseWord` of the buffer. */
export function dlmLayout(nodes: number, baseWord: number): DlmLayout {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > limits.nodesMax) {
    throw new RangeError(`DLM nodes: expected an integer in 1..${limits.nodesMax}, received ${nodes}`);
  }
  const resourcesMax = limits.dlmResourcesMax;
  const stride = R_NODE + 4 * nodes;
  const header = baseWord;
  const nodeWords = header + HDR_WORDS;
  const stats = nodeWords + nodes * NODE_WORDS;
  const keys = stats + nodes * STAT_FIELDS;
  const resources = keys + resourcesMax * 2;
  const rings = resources + resourcesMax * stride;
  const words = rings + nodes * callbackRingWords() - baseWord;
  return { nodes, resourcesMax, stride, header, nodeWords, stats, keys, resources, rings, words };
}

/** Bytes the DLM needs in the shared buffer for `nodes` nodes (resource table, stats and rings). */
export function dlmRegionBytes(nodes: number): number {
  return dlmLayout(nodes, 0).words * 4;
}
