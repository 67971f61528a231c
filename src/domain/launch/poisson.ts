// Exact confidence interval for the ratio of two Poisson rates, by conditioning on the total
// (the F/Beta method, as R's poisson.test does): given n = x1 + x0 events, x1 ~ Binomial(n, π) with
// π = t1·R / (t1·R + t0), where R is the rate ratio. A Clopper–Pearson interval for π, from Beta
// quantiles, maps to one for R = π / (1 − π) · t0 / t1. Coverage is at least the nominal level.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13). */
export function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < 9; i += 1) sum += coefficients[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 10_000; m += 1) {
    const m2 = 2 * m;
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return result;
}

/** The regularised incomplete beta function I_x(a, b), the Beta(a, b) distribution function. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b), by bisection (the distribution function is monotone; 100 halvings reach double precision). */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let low = 0;
  let high = 1;
  for (let i = 0; i < 100; i += 1) {
    const middle = (low + high) / 2;
    if (regularizedIncompleteBeta(middle, a, b) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

export interface RateRatioInterval {
  lower: number;
  /** Infinity when the second count is 0. */
  upper: number;
  confidence: number;
  method: 'exact-conditional-poisson';
}

/**
 * Confidence interval for (x1 / t1) / (x0 / t0), where x1 and x0 are Poisson counts observed over
 * exposures t1 and t0 (e.g. days).
 */
export function poissonRateRatioInterval(x1: number, t1: number, x0: number, t0: number, confidence = 0.95): RateRatioInterval {
  if (!Number.isInteger(x1) || !Number.isInteger(x0) || x1 < 0 || x0 < 0) throw new RangeError(`counts must be whole and non-negative (got ${x1}, ${x0})`);
  if (!(t1 > 0) || !(t0 > 0)) throw new RangeError(`exposures must be positive (got ${t1}, ${t0})`);
  const alpha = 1 - confidence;
  const n = x1 + x0;
  const piLower = x1 === 0 ? 0 : betaQuantile(alpha / 2, x1, n - x1 + 1);
  const piUpper = x0 === 0 ? 1 : betaQuantile(1 - alpha / 2, x1 + 1, n - x1);
  const toRatio = (pi: number) => (pi >= 1 ? Infinity : (pi / (1 - pi)) * (t0 / t1));
  return { lower: toRatio(piLower), upper: toRatio(piUpper), confidence, method: 'exact-conditional-poisson' };
}
