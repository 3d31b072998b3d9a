// Per-node fairness of glock acquisitions, as locktorture prints it: the total, the largest and
// smallest per-node count, and `???` when the largest is more than twice the smallest
// (locktorture's own imbalance mark). Counts are grants (Ev.grant) per node.

import type { GlockProfile } from '../report/result.js';

export interface Fairness {
  readonly total: number;
  readonly max: number;
  readonly min: number;
  readonly maxNode: number;
  readonly minNode: number;
  readonly byNode: readonly number[];
  /** locktorture's `???`: max > 2 × min. */
  readonly imbalanced: boolean;
}

export function fairnessOf(byNode: readonly number[]): Fairness {
  let max = -1;
  let min = Number.POSITIVE_INFINITY;
  let maxNode = -1;
  let minNode = -1;
  let total = 0;
  byNode.forEach((v, n) => {
    total += v;
    if (v > max) [max, maxNode] = [v, n];
    if (v < min) [min, minNode] = [v, n];
  });
  if (byNode.length === 0) return { total: 0, max: 0, min: 0, maxNode: -1, minNode: -1, byNode, imbalanced: false };
  return { total, max, min, maxNode, minNode, byNode, imbalanced: max > 2 * min };
}

/** Grants per node summed over every glock. */
export function clusterGrantsByNode(glocks: readonly GlockProfile[], nodes: number): number[] {
  const out = new Array<number>(nodes).fill(0);
  for (const g of glocks) {
    g.grantsByNode.forEach((v, n) => {
      out[n] = (out[n] ?? 0) + v;
    });
  }
  return out;
}

function line(label: string, f: Fairness): string {
  return (
    `${label}  Total: ${f.total}  Max/Min: ${f.max}/${f.min} ${f.imbalanced ? '???' : ''}`.trimEnd() +
    `  (max node ${f.maxNode}, min node ${f.minNode})`
  );
}

/** The cluster line, then one line per given glock (the caller picks the hottest). */
export function formatFairness(
  glocks: readonly GlockProfile[],
  hottest: readonly GlockProfile[],
  nodes: number,
): string {
  const all = fairnessOf(clusterGrantsByNode(glocks, nodes));
  const lines = [
    line('Acquisitions (all glocks)', all),
    `  per node: ${all.byNode.map((v, n) => `${n}:${v}`).join(' ')}`,
  ];
  const width = Math.max(0, ...hottest.map((g) => g.name.length));
  for (const g of hottest) lines.push(line(`  ${g.name.padEnd(width)}`, fairnessOf(g.grantsByNode)));
  return `${lines.join('\n')}\n`;
}
