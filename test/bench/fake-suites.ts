// Fake benchmark suites for the runner and CLI tests: fixed figures, so every expected value
// below is known before the code runs.

import { type RatioRow, ratioRow, type Suite, type SuiteName, type SuiteOutput } from '../../bench/suite.js';
import type { SuiteLoader } from '../../src/bench/runner.js';

/** A micro-like output: a latency metric, a throughput sweep point and P1 (met) + P2 (missed). */
export function fakeOutput(): SuiteOutput {
  const p1: RatioRow = ratioRow(
    { what: 'CRC-32C 4 KiB', baselineWhat: 'byte-wise CRC', unit: 'ns', target: '≥ 2×' },
    'lower',
    [100, 110, 90],
    [400, 440, 360],
    (r) => r >= 2,
  );
  const p2: RatioRow = ratioRow(
    { what: 'replay', baselineWhat: 'memcpy', unit: 'blocks/s', target: '≥ 0.5×' },
    'higher',
    [10, 20, 30],
    [100, 100, 100],
    (r) => r >= 0.5,
  );
  return {
    metrics: [
      { name: 'crc.nsPerBlock', unit: 'ns', better: 'lower', samples: [5, 1, 3] },
      {
        name: 'replay.blocksPerSec',
        unit: 'blocks/s',
        better: 'higher',
        samples: [2000, 1000, 4000, 3000],
        params: { nodes: 4 },
      },
    ],
    ratios: { P1: p1, P2: p2 },
    checksum: 'c0ffee',
    notes: ['slicing-by-8 won'],
    config: { blocks: 64 },
  };
}

/** A loader giving every suite `suite` (or a per-name override). */
export function fakeLoader(
  suite: Suite,
  per: Partial<Record<SuiteName, Suite>> = {},
): SuiteLoader & { calls: SuiteName[] } {
  const calls: SuiteName[] = [];
  const load = async (name: SuiteName): Promise<Suite> => {
    calls.push(name);
    return per[name] ?? suite;
  };
  return Object.assign(load, { calls });
}

export const emptySuite: Suite = async () => ({ metrics: [], ratios: {}, checksum: '0' });
