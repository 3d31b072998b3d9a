// placeholder, replaced below
import type { Paired } from './timing.js';
export async function measureThreads(
  _seed: number,
  rounds: number,
  _ms: number,
  _signal?: AbortSignal,
): Promise<{ p3: Paired; p4: Paired; threads: number; checksum: number }> {
  const one = Array.from({ length: rounds }, () => 1);
  return { p3: { value: one, baseline: one }, p4: { value: one, baseline: one }, threads: 2, checksum: 0 };
}
