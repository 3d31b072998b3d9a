// The 'scaling' benchmark suite (issue #4). Placeholder until the suite is written: it measures nothing.
import type { Suite } from '../suite.js';

export const suite: Suite = async () => ({ metrics: [], ratios: {}, checksum: '0' });
