// The Mann–Whitney U test (Wilcoxon rank-sum), two-sided, as benchstat uses it to decide whether
// two sets of repeated benchmark samples differ by more than noise. It assumes nothing about the
// shape of the distributions (benchmark timings are skewed, with outliers), only that samples
// are independent.
//
// Method, as the textbooks give it (Hollander & Wolfe; Siegel):
// - U_a = Σ ranks of a − n_a(n_a+1)/2, with mid-ranks for ties; U_b = n_a·n_b − U_a.
// - Exact p-value when there are no ties and the sample is small: the null distribution of U is
//   the coefficient list of the Gaussian binomial [n_a+n_b choose n_a]_q (each of the
//   C(n_a+n_b, n_a) orderings is equally likely), p = 2·P(U ≤ min(U_a, U_b)), capped at 1.
// - Otherwise the normal approximation with the tie correction of the variance and a continuity
//   correction of ½: z = (|U_a − n_a·n_b/2| − ½) / σ,
//   σ² = n_a·n_b/12 · ((n+1) − Σ(t³−t) / (n(n−1))), n = n_a + n_b, t = size of each tie group.

/** Largest n_a + n_b for the exact distribution: C(60, 30) ≈ 1.2e17 > 2^53, so stop at 50 (C ≈ 1.3e14). */
export const EXACT_MAX_N = 50;

export interface MannWhitneyResult {
  /** U of the first sample (count of pairs where a wins, ties counting ½). */
  readonly uA: number;
  readonly uB: number;
  /** Two-sided p-value; 1 when either sample is empty or all values are equal. */
  readonly p: number;
  readonly method: 'exact' | 'normal';
}

/** Two-sided Mann–Whitney U test of samples `a` and `b` (finite numbers). */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) return { uA: 0, uB: 0, p: 1, method: 'exact' };
  const n = na + nb;
  // Pool, sort, and give tied values their mid-rank.
  const pooled: Array<{ v: number; fromA: boolean }> = [];
  for (const v of a) pooled.push({ v, fromA: true });
  for (const v of b) pooled.push({ v, fromA: false });
  pooled.sort((x, y) => x.v - y.v);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && (pooled[j] as { v: number }).v === (pooled[i] as { v: number }).v) j++;
    const t = j - i;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if ((pooled[k] as { fromA: boolean }).fromA) rankSumA += midRank;
    tieTerm += t * t * t - t;
    i = j;
  }
  const uA = rankSumA - (na * (na + 1)) / 2;
  const uB = na * nb - uA;
  if (tieTerm === 0 && n <= EXACT_MAX_N) {
    const counts = uDistribution(na, nb);
    const total = counts.reduce((s, c) => s + c, 0);
    const uMin = Math.min(uA, uB);
    let tail = 0;
    for (let u = 0; u <= uMin; u++) tail += counts[u] as number;
    return { uA, uB, p: Math.min(1, (2 * tail) / total), method: 'exact' };
  }
  const variance = ((na * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { uA, uB, p: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(uA - (na * nb) / 2) - 0.5) / Math.sqrt(variance);
  return { uA, uB, p: Math.min(1, 2 * normalUpperTail(z)), method: 'normal' };
}

/**
 * How many of the C(m+n, m) orderings of m a's and n b's give each U = 0 … m·n: the coefficients
 * of the Gaussian binomial Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i). Exact in doubles for m+n ≤ 50.
 */
export function uDistribution(m: number, n: number): number[] {
  const size = m * n + 1;
  const c = new Array<number>(size).fill(0);
  c[0] = 1;
  for (let i = 1; i <= m; i++) {
    // Multiply by (1 − q^{n+i}), highest power first so each coefficient is read before it changes.
    for (let k = size - 1; k >= n + i; k--) c[k] = (c[k] as number) - (c[k - n - i] as number);
    // Divide by (1 − q^i): a running sum with stride i (the division is exact).
    for (let k = i; k < size; k++) c[k] = (c[k] as number) + (c[k - i] as number);
  }
  return c;
}

/** P(Z > z) for a standard normal Z: erfc(z/√2)/2. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function, Numerical Recipes' erfcc (fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
