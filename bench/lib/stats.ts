/** Small statistics for the benchmarks: median and a least-squares line with its R². */

export function median(xs: number[]): number {
    if (xs.length === 0) throw new Error("median of an empty list");
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface LinearFit {
    /** Intercept: fixed cost. */
    a: number;
    /** Slope: cost per unit of x. */
    b: number;
    /** Coefficient of determination of y = a + b*x. */
    r2: number;
}

/** Ordinary least squares y = a + b*x. */
export function linearFit(xs: number[], ys: number[]): LinearFit {
    if (xs.length !== ys.length || xs.length < 2) throw new Error(`linearFit needs >= 2 paired points, got ${xs.length}/${ys.length}`);
    const n = xs.length;
    const mx = xs.reduce((s, x) => s + x, 0) / n;
    const my = ys.reduce((s, y) => s + y, 0) / n;
    let sxy = 0,
        sxx = 0,
        syy = 0;
    for (let i = 0; i < n; i++) {
        sxy += (xs[i] - mx) * (ys[i] - my);
        sxx += (xs[i] - mx) ** 2;
        syy += (ys[i] - my) ** 2;
    }
    const b = sxy / sxx;
    const a = my - b * mx;
    const ssRes = xs.reduce((s, x, i) => s + (ys[i] - (a + b * x)) ** 2, 0);
    return { a, b, r2: syy === 0 ? 1 : 1 - ssRes / syy };
}

/**
 * Linear vs quadratic from the 100 -> 500 step: t(500)/t(100) is ~5 for linear growth (less when
 * the fixed cost is large) and ~25 for quadratic. Linear when the ratio is under 7.5 (well below
 * the 25 of a quadratic, and the fitted line explains the data: R² >= 0.98).
 */
export function judgeGrowth(ratio: number, r2: number): { linear: boolean; verdict: string } {
    const linear = ratio < 7.5 && r2 >= 0.98;
    const verdict = linear
        ? `linear (t(500)/t(100) = ${ratio.toFixed(2)} vs 5 linear / 25 quadratic; R² = ${r2.toFixed(4)})`
        : `NOT linear (t(500)/t(100) = ${ratio.toFixed(2)} vs 5 linear / 25 quadratic; R² = ${r2.toFixed(4)})`;
    return { linear, verdict };
}
