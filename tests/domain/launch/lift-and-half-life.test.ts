import { describe, expect, it } from 'vitest';
import { attentionHalfLife, betaQuantile, liftOf, logGamma, poissonRateRatioInterval, regularizedIncompleteBeta } from '../../../src/domain/launch/index.js';

describe('Poisson rate-ratio interval', () => {
  it("matches R's poisson.test on its own example: c(11, 6+8+7) events over c(800, 1083+1050+878)", () => {
    // R: rate ratio 1.971488, 95 percent confidence interval 0.8584264 4.2772659
    const interval = poissonRateRatioInterval(11, 800, 21, 3011);
    expect(interval.lower).toBeCloseTo(0.8584264, 6);
    expect(interval.upper).toBeCloseTo(4.2772659, 6);
    expect(interval.method).toBe('exact-conditional-poisson');
  });

  it('is [0, upper] when nothing happened after the launch, and unbounded above with no baseline events', () => {
    // scipy: beta.ppf(0.975, 1, 5) / (1 − it) × 14 / 28 = 0.5456395…
    const none = poissonRateRatioInterval(0, 28, 5, 14);
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(0.545639553, 8);
    expect(poissonRateRatioInterval(4, 28, 0, 14).upper).toBe(Infinity);
  });

  it('brackets an equal rate with the exposures taken into account', () => {
    const interval = poissonRateRatioInterval(40, 28, 20, 14);
    expect(interval.lower).toBeCloseTo(0.570955802, 8);
    expect(interval.upper).toBeCloseTo(1.805534553, 8);
  });

  it('rests on beta functions that agree with known values', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(regularizedIncompleteBeta(0.3, 2.5, 7)).toBeCloseTo(0.6412224629717214, 12);
    expect(betaQuantile(0.9, 3, 4)).toBeCloseTo(0.6668056134721848, 12);
    // Beta(a, 1) has quantile p^(1/a).
    expect(betaQuantile(0.25, 4, 1)).toBeCloseTo(0.25 ** 0.25, 12);
  });
});

describe('lift', () => {
  it('divides the post-launch daily mean by the baseline daily mean, with an interval for counts', () => {
    const lift = liftOf({ baselineTotal: 28, baselineDays: 14, postTotal: 168, postDays: 28, isCount: true });
    expect(lift).toMatchObject({ status: 'ok', baselineMean: 2, postMean: 6, lift: 3 });
    if (lift.status !== 'ok') throw new Error('expected a lift');
    expect(lift.interval!.lower).toBeGreaterThan(1.9);
    expect(lift.interval!.upper).toBeLessThan(4.8);
  });

  it('gives no interval for reach, which is not a count of events', () => {
    expect(liftOf({ baselineTotal: 5000, baselineDays: 14, postTotal: 9000, postDays: 28, isCount: false })).toMatchObject({ status: 'ok', interval: null });
  });

  it('says "not enough baseline" rather than dividing by zero', () => {
    expect(liftOf({ baselineTotal: 0, baselineDays: 14, postTotal: 12, postDays: 28, isCount: true })).toMatchObject({ status: 'not-enough-baseline', baselineMean: 0, postMean: 12 / 28 });
  });

  it('says "not started" before a whole post-launch day has passed', () => {
    expect(liftOf({ baselineTotal: 10, baselineDays: 14, postTotal: 0, postDays: 0, isCount: true })).toMatchObject({ status: 'not-started', postMean: null });
  });
});

describe('attention half-life', () => {
  it('interpolates inside the hour where half of the engagement had accrued', () => {
    expect(attentionHalfLife([10])).toEqual({ hours: 0.5, total: 10 });
    expect(attentionHalfLife([6, 2, 2, 0, 10])).toEqual({ hours: 3, total: 20 });
    expect(attentionHalfLife([4, 4, 2])).toEqual({ hours: 1.25, total: 10 });
  });

  it('is null with no engagement after the launch', () => {
    expect(attentionHalfLife([0, 0, 0])).toEqual({ hours: null, total: 0 });
    expect(attentionHalfLife([])).toEqual({ hours: null, total: 0 });
  });

  it('takes the first crossing when unlikes make the running total fall', () => {
    expect(attentionHalfLife([8, -4, 6])).toEqual({ hours: 0 + 5 / 8, total: 10 });
  });
});
