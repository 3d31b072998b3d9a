// The seam between the system under test (node, glock, dlm, journal, rgrp, disk code) and the
// world. SUT code takes time, randomness, waking and block I/O only from here, so the sim driver
// can make a run reproducible and the fault injector can act without the SUT importing it.

/** Result codes of block I/O (errno-like, negative = error). */
export const IoStatus = { ok: 0, eio: -5 } as const;

/** Block I/O on the shared disk. Faults enter here (the driver wraps the real device). */
export interface BlockIo {
  /** Copy block `blkno` of the shared disk into dst[dstOff .. dstOff+blockSize). */
  read(node: number, blkno: number, dst: Uint8Array, dstOff: number): number;
  /** Copy src[srcOff .. srcOff+blockSize) to block `blkno`. `journal` says whether this is a log write. */
  write(node: number, blkno: number, src: Uint8Array, srcOff: number, journal: boolean): number;
  /** Extra latency the last write of this node should cost (slow-disk fault), in ns; 0 normally. */
  lastWriteDelayNs(node: number): number;
}

/** One fixed-layout event; see src/memory/events.ts for the kinds and field meanings. */
export interface EventSink {
  emit(kind: number, a: number, b: number, c: number, d: number): void;
}

/**
 * Delays a driver may inject at the SUT's delivery points (the fault plan's delayed callback
 * delivery and delayed withdraw acknowledgement). Absent = no delay. The SUT only asks.
 */
export interface DelayHooks {
  /** Extra time before `node` handles a callback-ring record of `kind` (CbKind). */
  callbackDelayNs(node: number, kind: number): number;
  /** Extra time before user space acknowledges `node`'s withdraw (the uevent → ack round trip). */
  withdrawAckDelayNs(node: number): number;
}

export interface Platform {
  /** Monotonic time: virtual in sim mode, real (performance.now based) in threads mode. */
  nowNs(): number;
  /** Uniform [0,1) from this node's seeded stream. */
  random(): number;
  /** Wake anything parked on i32[index] (Atomics.notify, or the sim driver's bookkeeping). */
  notify(i32: Int32Array, index: number): void;
  readonly io: BlockIo;
  readonly events: EventSink;
  readonly delays?: DelayHooks;
  /** Kernel-style message (dmesg); cold path. */
  log(node: number, message: string): void;
}
