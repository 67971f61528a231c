import { describe, expect, it } from 'vitest';
import { bucketEdges, bucketIndexOf, chooseBucket, cumulative, isWholeHour, localIsoString, planLaunchWindow, startedBucketCount, zeroFilled } from '../../../src/domain/launch/index.js';

const LAUNCH = new Date('2026-03-27T10:00:00Z');

describe('launch windows', () => {
  it('put t = 0 at the launch and step whole buckets either side of it', () => {
    const window = planLaunchWindow(LAUNCH, { before: 14, after: 28 });
    expect(window).toMatchObject({ bucket: 'day', bucketHours: 24, bucketCount: 42, launchBucketIndex: 14, bucketClamped: false });
    expect(window.from.toISOString()).toBe('2026-03-13T10:00:00.000Z');
    expect(window.to.toISOString()).toBe('2026-04-24T10:00:00.000Z');
    const edges = bucketEdges(window, 'Europe/London');
    expect(edges[14]).toMatchObject({ t: 0, start: LAUNCH });
    expect(edges[0]!.t).toBe(-336);
    expect(edges[41]!.t).toBe(27 * 24);
  });

  it('choose hours for windows up to a week, days beyond, and clamp an hourly wish past 14 days', () => {
    expect(chooseBucket(7 * 24)).toEqual({ bucket: 'hour', clamped: false });
    expect(chooseBucket(8 * 24)).toEqual({ bucket: 'day', clamped: false });
    expect(chooseBucket(14 * 24, 'hour')).toEqual({ bucket: 'hour', clamped: false });
    expect(chooseBucket(15 * 24, 'hour')).toEqual({ bucket: 'day', clamped: true });
    expect(chooseBucket(2 * 24, 'day')).toEqual({ bucket: 'day', clamped: false });
    expect(planLaunchWindow(LAUNCH, { before: 14, after: 28, bucket: 'hour' })).toMatchObject({ bucket: 'day', requestedBucket: 'hour', bucketClamped: true });
  });

  it('keep day buckets 24 elapsed hours long across the spring clock change, showing the shifted local start', () => {
    // Clocks went forward in London at 01:00 UTC on 29 March 2026.
    const edges = bucketEdges(planLaunchWindow(LAUNCH, { before: 1, after: 4, bucket: 'day' }), 'Europe/London');
    expect(edges.map((edge) => edge.localStart)).toEqual([
      '2026-03-26T10:00:00+00:00',
      '2026-03-27T10:00:00+00:00',
      '2026-03-28T10:00:00+00:00',
      '2026-03-29T11:00:00+01:00',
      '2026-03-30T11:00:00+01:00',
    ]);
    expect(edges.every((edge) => edge.end.getTime() - edge.start.getTime() === 86_400_000)).toBe(true);
  });

  it('show hourly local times through the autumn clock change, when 01:00 happens twice', () => {
    const window = planLaunchWindow(new Date('2026-10-25T00:00:00Z'), { before: 0, after: 1, bucket: 'hour' });
    expect(bucketEdges(window, 'Europe/London').slice(0, 3).map((edge) => edge.localStart)).toEqual([
      '2026-10-25T01:00:00+01:00',
      '2026-10-25T01:00:00+00:00',
      '2026-10-25T02:00:00+00:00',
    ]);
  });

  it('format local time in any zone with its offset', () => {
    expect(localIsoString(new Date('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe('2026-07-01T17:30:00+05:30');
    expect(localIsoString(new Date('2026-01-01T00:00:00Z'), 'UTC')).toBe('2026-01-01T00:00:00+00:00');
  });

  it('find the bucket an instant falls in, and none outside the window', () => {
    const window = planLaunchWindow(LAUNCH, { before: 1, after: 1, bucket: 'hour' });
    expect(bucketIndexOf(window, new Date('2026-03-27T09:59:59Z'))).toBe(23);
    expect(bucketIndexOf(window, LAUNCH)).toBe(24);
    expect(bucketIndexOf(window, new Date('2026-03-26T09:59:59Z'))).toBeUndefined();
    expect(bucketIndexOf(window, window.to)).toBeUndefined();
  });

  it('count no bucket as started before the window, and every one after it', () => {
    const window = planLaunchWindow(LAUNCH, { before: 14, after: 28, bucket: 'day' });
    expect(startedBucketCount(window, new Date('2026-03-13T09:59:59.999Z'))).toBe(0);
    expect(startedBucketCount(window, new Date('2026-01-01T00:00:00Z'))).toBe(0);
    expect(startedBucketCount(window, window.to)).toBe(42);
    expect(startedBucketCount(window, new Date('2027-01-01T00:00:00Z'))).toBe(42);
  });

  it('count a day bucket as started from its first instant: 24 elapsed hours from the launch, not a calendar day', () => {
    const window = planLaunchWindow(LAUNCH, { before: 14, after: 28, bucket: 'day' });
    expect(startedBucketCount(window, window.from)).toBe(1);
    // The launch bucket (index 14) starts at the launch: exactly then, 15 buckets have started.
    expect(startedBucketCount(window, new Date('2026-03-27T09:59:59.999Z'))).toBe(14);
    expect(startedBucketCount(window, LAUNCH)).toBe(15);
    // Four and a half days after the launch: the launch day and four more have started, the last still running.
    expect(startedBucketCount(window, new Date('2026-03-31T22:00:00Z'))).toBe(19);
    expect(startedBucketCount(window, new Date(window.to.getTime() - 1))).toBe(42);
  });

  it('count hour buckets at their boundaries and in between', () => {
    const window = planLaunchWindow(LAUNCH, { before: 1, after: 1, bucket: 'hour' });
    expect(startedBucketCount(window, new Date('2026-03-26T10:00:00Z'))).toBe(1);
    expect(startedBucketCount(window, new Date('2026-03-26T10:59:59.999Z'))).toBe(1);
    expect(startedBucketCount(window, new Date('2026-03-26T11:00:00Z'))).toBe(2);
    expect(startedBucketCount(window, new Date('2026-03-27T10:30:00Z'))).toBe(25);
    expect(startedBucketCount(window, new Date('2026-03-28T09:00:00Z'))).toBe(48);
    expect(startedBucketCount(window, new Date('2026-03-28T10:00:00Z'))).toBe(48);
  });

  it('refuse windows that are empty or not whole days', () => {
    expect(() => planLaunchWindow(LAUNCH, { before: 0, after: 0 })).toThrow(RangeError);
    expect(() => planLaunchWindow(LAUNCH, { before: 0.5, after: 1 })).toThrow(RangeError);
  });

  it('know when hourly rollups can answer: launches on a whole hour', () => {
    expect(isWholeHour(LAUNCH)).toBe(true);
    expect(isWholeHour(new Date('2026-03-27T10:30:00Z'))).toBe(false);
  });
});

describe('series', () => {
  it('zero-fill every bucket and give x as hours from the launch', () => {
    const window = planLaunchWindow(LAUNCH, { before: 1, after: 2, bucket: 'day' });
    expect(zeroFilled(window, new Map([[1, 5], [2, 3]]))).toEqual([
      { x: -24, y: 0 },
      { x: 0, y: 5 },
      { x: 24, y: 3 },
    ]);
  });

  it('run cumulative totals from the window start', () => {
    expect(cumulative([{ x: 0, y: 2 }, { x: 1, y: 0 }, { x: 2, y: 5 }])).toEqual([{ x: 0, y: 2 }, { x: 1, y: 2 }, { x: 2, y: 7 }]);
  });
});
