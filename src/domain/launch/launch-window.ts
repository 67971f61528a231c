import type { Bucket } from './analytics-request.js';
import { localIsoString } from './local-time.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Windows up to this long get hourly buckets unless the request asks for days. */
export const AUTO_HOURLY_MAX_HOURS = 7 * 24;
/** Hourly buckets are refused (clamped to days) beyond this many points. */
export const MAX_HOURLY_BUCKETS = 14 * 24;

export interface WindowSpec {
  /** Whole days before and after the launch. */
  before: number;
  after: number;
  bucket?: Bucket | undefined;
}

/**
 * A window aligned to a launch: t = 0 is the launch instant and every bucket edge is a whole number
 * of buckets from it. Day buckets are 24 elapsed hours from the launch, not calendar days, so each
 * one lasts as long as every other even across a daylight-saving change (their local start times
 * shift by an hour there instead).
 */
export interface LaunchWindow {
  launchAt: Date;
  from: Date;
  to: Date;
  beforeDays: number;
  afterDays: number;
  bucket: Bucket;
  bucketHours: 1 | 24;
  bucketCount: number;
  /** Index of the bucket starting at the launch (t = 0). */
  launchBucketIndex: number;
  /** What the request asked for, when it asked. */
  requestedBucket: Bucket | null;
  /** True when the server overruled the requested bucket size. */
  bucketClamped: boolean;
}

/** Picks the bucket size for the window's length: the request's wish, unless it would give too many points. */
export function chooseBucket(windowHours: number, requested?: Bucket): { bucket: Bucket; clamped: boolean } {
  if (requested === 'hour') return windowHours <= MAX_HOURLY_BUCKETS ? { bucket: 'hour', clamped: false } : { bucket: 'day', clamped: true };
  if (requested === 'day') return { bucket: 'day', clamped: false };
  return { bucket: windowHours <= AUTO_HOURLY_MAX_HOURS ? 'hour' : 'day', clamped: false };
}

export function planLaunchWindow(launchAt: Date, spec: WindowSpec): LaunchWindow {
  if (!Number.isInteger(spec.before) || !Number.isInteger(spec.after) || spec.before < 0 || spec.after < 0 || spec.before + spec.after === 0) {
    throw new RangeError(`a launch window needs whole, non-negative days on each side and at least one in all (got before=${spec.before}, after=${spec.after})`);
  }
  const windowHours = (spec.before + spec.after) * 24;
  const { bucket, clamped } = chooseBucket(windowHours, spec.bucket);
  const bucketHours = bucket === 'hour' ? 1 : 24;
  return {
    launchAt,
    from: new Date(launchAt.getTime() - spec.before * DAY_MS),
    to: new Date(launchAt.getTime() + spec.after * DAY_MS),
    beforeDays: spec.before,
    afterDays: spec.after,
    bucket,
    bucketHours,
    bucketCount: windowHours / bucketHours,
    launchBucketIndex: (spec.before * 24) / bucketHours,
    requestedBucket: spec.bucket ?? null,
    bucketClamped: clamped,
  };
}

export interface BucketEdge {
  index: number;
  /** Hours from the launch to the bucket's start (negative before the launch). */
  t: number;
  start: Date;
  end: Date;
  /** The start as local time in the campaign's zone, with its offset: "2026-03-29T11:00:00+01:00". */
  localStart: string;
}

export function bucketEdges(window: LaunchWindow, timeZone: string): BucketEdge[] {
  const size = window.bucketHours * HOUR_MS;
  return Array.from({ length: window.bucketCount }, (_, index) => {
    const start = new Date(window.from.getTime() + index * size);
    return {
      index,
      t: hoursFromLaunch(window, index),
      start,
      end: new Date(start.getTime() + size),
      localStart: localIsoString(start, timeZone),
    };
  });
}

/** Hours from the launch to the start of the bucket with this index. */
export const hoursFromLaunch = (window: LaunchWindow, index: number): number => (index - window.launchBucketIndex) * window.bucketHours;

/** The bucket an instant falls in, or undefined outside the window. */
export function bucketIndexOf(window: LaunchWindow, instant: Date): number | undefined {
  const offset = instant.getTime() - window.from.getTime();
  if (offset < 0 || instant.getTime() >= window.to.getTime()) return undefined;
  return Math.floor(offset / (window.bucketHours * HOUR_MS));
}

/**
 * How many of the window's buckets have started at `now` (0 to bucketCount): bucket i starts at
 * from + i buckets, so a bucket counts from its first instant. The last one counted is still in
 * progress while `now` is before its end. The series stay zero-filled over the whole window; this
 * is what tells a bucket that had nothing from one that has not happened yet.
 */
export function startedBucketCount(window: LaunchWindow, now: Date): number {
  const offset = now.getTime() - window.from.getTime();
  if (offset < 0) return 0;
  return Math.min(window.bucketCount, Math.floor(offset / (window.bucketHours * HOUR_MS)) + 1);
}

/** Hourly rollups answer a launch window only when its edges fall on whole UTC hours. */
export const isWholeHour = (instant: Date): boolean => instant.getTime() % HOUR_MS === 0;

/** Hour buckets over [launch, launch + after days), however long: for computations such as the half-life, not for charts. */
export function hourlyPostLaunchWindow(launchAt: Date, afterDays: number): LaunchWindow {
  if (!Number.isInteger(afterDays) || afterDays < 1) throw new RangeError(`the post-launch window needs at least one whole day (got ${afterDays})`);
  return {
    launchAt,
    from: launchAt,
    to: new Date(launchAt.getTime() + afterDays * DAY_MS),
    beforeDays: 0,
    afterDays,
    bucket: 'hour',
    bucketHours: 1,
    bucketCount: afterDays * 24,
    launchBucketIndex: 0,
    requestedBucket: 'hour',
    bucketClamped: false,
  };
}
