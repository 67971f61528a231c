/**
 * Launch analytics maths: pure, no IO, no clock (callers pass `now`).
 *
 * - `parseAnalyticsRequest(input)` validates a request ({campaign, launch, before, after, bucket,
 *   locality, source, platform, split, baselineDays}); errors name the parameter.
 * - `planLaunchWindow(launchAt, {before, after, bucket})` aligns the window to the launch (t = 0)
 *   and picks the bucket: hourly up to 7 days, hourly on request up to 14 days, daily otherwise.
 *   Day buckets are 24 elapsed hours from the launch instant. `bucketEdges(window, timeZone)` adds
 *   each bucket's local start in the campaign's zone (Intl; daylight saving included).
 * - `zeroFilled`, `cumulative`: series over every bucket; running totals for additive measures.
 *   `startedBucketCount(window, now)`: how many buckets have started, so a 0 not yet reached is
 *   not read as a quiet bucket.
 * - `liftOf`: baseline daily mean, post-launch daily mean, their ratio and a 95% exact Poisson
 *   rate-ratio interval for counts (`poissonRateRatioInterval`, the F/Beta conditional method of
 *   R's poisson.test); "not-enough-baseline" instead of dividing by zero.
 * - `attentionHalfLife(hourly)`: hours from launch until half the post-launch total had accrued.
 */
export * from './analytics-request.js';
export * from './launch-window.js';
export { localIsoString } from './local-time.js';
export * from './series.js';
export { betaQuantile, logGamma, poissonRateRatioInterval, regularizedIncompleteBeta, type RateRatioInterval } from './poisson.js';
export { liftOf, type Lift, type LiftInput } from './lift.js';
export { attentionHalfLife, type HalfLife } from './half-life.js';
