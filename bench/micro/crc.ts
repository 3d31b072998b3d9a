// "CRC-32C per 4 KiB": every candidate is first checked against the bytewise reference on
// random lengths and offsets, then timed on the same 4 KiB blocks in the same rounds.

import { Bench } from 'tinybench';
import { crc32cGfs2 } from '../../src/disk/crc.js';
import { Prng } from '../../src/platform/prng.js';
import { crc32cBytewise, crc32cSlice8, crc32cSlice16Words } from './crc-impls.js';

type CrcFn = (buf: Uint8Array, start: number, end: number) => number;

export const CRC_CANDIDATES: ReadonlyArray<{ readonly name: string; readonly fn: CrcFn }> = [
  { name: 'project slicing-by-16 (src/disk/crc.ts)', fn: (b, s, e) => crc32cGfs2(b, s, e) },
  { name: 'slicing-by-8', fn: crc32cSlice8 },
  { name: 'slicing-by-16, aligned word loads', fn: crc32cSlice16Words },
  { name: 'bytewise table', fn: crc32cBytewise },
];

export interface CrcFigures {
  /** ns per 4 KiB block, per candidate (candidate order), one entry per round. */
  readonly nsPer4k: number[][];
  /** Names of candidates that disagreed with the reference (excluded from the choice). */
  readonly wrong: string[];
  readonly checksum: number;
}

const BLOCK = 4096;

export function measureCrc(seed: number, rounds: number, timeMs: number, blocks: number): CrcFigures {
  const rnd = new Prng(seed, 0x63726333);
  const data = new Uint8Array(blocks * BLOCK + 16);
  for (let i = 0; i < data.length; i++) data[i] = rnd.below(256);
  const wrong: string[] = [];
  for (const c of CRC_CANDIDATES) {
    for (let k = 0; k < 200; k++) {
      const start = rnd.below(64);
      const end = start + rnd.below(k < 100 ? 64 : BLOCK);
      if (c.fn(data, start, end) !== crc32cBytewise(data, start, end)) {
        wrong.push(c.name);
        break;
      }
    }
  }
  let checksum = 0;
  const nsPer4k: number[][] = CRC_CANDIDATES.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({ time: timeMs, warmupTime: Math.max(10, timeMs / 4), iterations: 8, throws: true });
    CRC_CANDIDATES.forEach((c, ci) => {
      bench.add(String(ci), () => {
        let x = 0;
        for (let b = 0; b < blocks; b++) x ^= c.fn(data, b * BLOCK, (b + 1) * BLOCK);
        checksum = (checksum + x) >>> 0;
      });
    });
    bench.runSync();
    CRC_CANDIDATES.forEach((_c, ci) => {
      const res = bench.getTask(String(ci))?.result;
      if (res === undefined || res.state !== 'completed') throw new Error(`CRC candidate ${ci}: no completed result`);
      (nsPer4k[ci] as number[]).push((res.latency.p50 * 1e6) / blocks);
    });
  }
  return { nsPer4k, wrong, checksum };
}
