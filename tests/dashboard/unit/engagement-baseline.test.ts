import { describe, expect, it } from 'vitest';
import type { LaunchLift, LaunchSeries } from '../../../dashboard/src/api-types.js';
import { engagementBaseline } from '../../../dashboard/src/charts.js';

// The engagement chart's baseline band and mean, from the series and the lift, for a launch whose
// baseline has partly happened: the lift covers its complete days so far (from the start of the
// baseline), and the band must come from those same days.

const HOUR = 3_600_000;
const launchAt = Date.parse('2026-12-03T18:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function seriesAsOf(asOf: number, before = 14, after = 7): LaunchSeries {
  const from = launchAt - before * 24 * HOUR;
  const count = before + after;
  const started = Math.max(0, Math.min(count, Math.floor((asOf - from) / (24 * HOUR)) + 1));
  const engagement = Array.from({ length: count }, (_, i) => ({ x: (i - before) * 24, y: i < started ? 10 + i : 0 }));
  return {
    campaign: { slug: 'hsm', name: 'HSM', timezone: 'Europe/London' },
    launch: { slug: 'gathering', title: 'Gathering', at: iso(launchAt) },
    window: { from: iso(from), to: iso(launchAt + after * 24 * HOUR), before, after, bucket: 'day', requestedBucket: null, bucketClamped: false, asOf: iso(asOf), startedBuckets: started },
    total: { engagement } as unknown as LaunchSeries['total'],
  } as unknown as LaunchSeries;
}

const liftOver = (days: number, from: number, baselineMean: number): LaunchLift =>
  ({ baseline: { days, from: iso(from), to: iso(from + days * 24 * HOUR) }, total: { engagement: { status: 'not-started', baselineMean, postMean: null, reason: '' } } }) as unknown as LaunchLift;

describe('the engagement baseline of a launch still ahead', () => {
  it('comes from the complete baseline days so far, the ones the lift covered', () => {
    const from = launchAt - 14 * 24 * HOUR;
    const asOf = from + 3.5 * 24 * HOUR; // three complete days of the baseline, the fourth running
    const baseline = engagementBaseline(seriesAsOf(asOf), liftOver(3, from, 11));
    // Days 0, 1, 2 of the window: 10, 11, 12.
    expect(baseline).toEqual({ mean: 11, low: 10, high: 12 });
  });

  it('is absent while no baseline day is complete', () => {
    const from = launchAt - 14 * 24 * HOUR;
    expect(engagementBaseline(seriesAsOf(from - HOUR), liftOver(0, from, 0))).toEqual({ mean: null, low: null, high: null });
  });
});
