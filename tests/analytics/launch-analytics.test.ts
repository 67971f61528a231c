import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCRUED_LABEL,
  AnalyticsNotFoundError,
  BY_POST_TIME_LABEL,
  engagementAccrual,
  launchComparison,
  launchHalfLife,
  launchLift,
  launchSeries,
  markRollupHoursDirty,
  parseAnalyticsRequest,
  parseLaunchComparisonRequest,
  parseRankingRequest,
  refreshDirtyRollups,
  topCommentThreads,
  topContributors,
  topPosts,
  type AnalyticsRequestInput,
} from '../../src/analytics/index.js';
import { withTransaction } from '../../src/store/db.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';
import { HOUR, LAUNCH_AT, attribute, ingest, postIdOf, setUpAnalyticsCampaigns, snapshot, tombstone, type AnalyticsIds, type PostSpec } from './analytics-fixtures.js';

let db: TestDatabase;
let ids: AnalyticsIds;
const at = (hours: number) => new Date(LAUNCH_AT.getTime() + hours * HOUR);
const m = (likes: number, reposts = 0, replies = 0, quotes = 0) => ({ likes, reposts, replies, quotes });

// A small, hand-counted campaign around the primer launch (2026-03-27 10:00 UTC). Authors are
// per platform; author n has 100 × (n + 1) followers.
const X_POSTS: PostSpec[] = [
  { key: 1, platform: 'x', author: 0, createdAt: at(-30), metrics: m(2) }, // stockport
  { key: 2, platform: 'x', author: 1, createdAt: at(-5), metrics: m(1, 1) }, // unattributed
  { key: 3, platform: 'x', author: 1, createdAt: at(-4), metrics: m(0) }, // oldham
  { key: 4, platform: 'x', author: 0, createdAt: at(0.5), metrics: m(10, 0, 2) }, // stockport and oldham
  { key: 8, platform: 'x', author: 2, createdAt: at(26), metrics: m(4) }, // deleted below
  { key: 10, platform: 'x', author: 2, createdAt: at(30), metrics: m(0, 0, 0, 1) },
];
const COMMENTS: PostSpec[] = [
  { key: 5, platform: 'site', author: 3, createdAt: at(1.2) }, // stockport; a thread's root
  { key: 6, platform: 'site', author: 4, createdAt: at(1.5), parent: 5 },
  { key: 7, platform: 'site', author: 3, createdAt: at(2.1), parent: 6 },
];

beforeAll(async () => {
  db = await migratedDatabase();
  ids = await setUpAnalyticsCampaigns(db.pool);
  const hsm = ids.campaigns.hsm!;
  const { stockport, oldham } = ids.localities.hsm!;
  await ingest(db.pool, ids.sources['hsm-x']!, X_POSTS);
  await ingest(db.pool, ids.sources['hsm-blog']!, COMMENTS);
  // Context only: quoted by a match, never counted.
  await ingest(db.pool, ids.sources['hsm-x']!, [{ key: 9, platform: 'x', author: 0, createdAt: at(27), metrics: m(3) }], 'reference');
  // Another campaign's post in the same hours must not leak in.
  await ingest(db.pool, ids.sources['other-x']!, [{ key: 20, platform: 'x', author: 5, createdAt: at(1), metrics: m(100) }]);
  // A post for the second launch (2026-04-03 09:00 UTC), two hours after it.
  await ingest(db.pool, ids.sources['hsm-x']!, [{ key: 30, platform: 'x', author: 1, createdAt: new Date('2026-04-03T11:10:00Z'), metrics: m(7) }]);

  await attribute(db.pool, await postIdOf(db.pool, 'x', 1), hsm, [stockport!]);
  await attribute(db.pool, await postIdOf(db.pool, 'x', 3), hsm, [oldham!]);
  await attribute(db.pool, await postIdOf(db.pool, 'x', 4), hsm, [stockport!, oldham!]);
  await attribute(db.pool, await postIdOf(db.pool, 'site', 5), hsm, [stockport!]);
  // Post 4 was first seen with 4 likes, then grew to 10 likes and 2 replies by 15:30.
  const post4 = await postIdOf(db.pool, 'x', 4);
  await snapshot(db.pool, post4, at(0.75), m(4));
  await snapshot(db.pool, post4, at(5.5), m(10, 0, 2));
  await tombstone(db.pool, 'x', 8);
  await refreshDirtyRollups(db.pool);
});
afterAll(async () => db.close());

const request = (input: Partial<AnalyticsRequestInput> = {}) => parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', before: 2, after: 2, bucket: 'day', ...input });
const ys = (points: { y: number }[]) => points.map((point) => point.y);

describe('launch series', () => {
  it('count posts, distinct authors, engagement and reach per launch-aligned day, from the rollups', async () => {
    const series = await launchSeries(db.pool, request());
    expect(series.answeredFrom).toBe('rollups');
    expect(series.buckets.map((bucket) => bucket.t)).toEqual([-48, -24, 0, 24]);
    expect(series.buckets[2]).toEqual({ t: 0, start: '2026-03-27T10:00:00.000Z', end: '2026-03-28T10:00:00.000Z', localStart: '2026-03-27T10:00:00+00:00' });
    expect(ys(series.total.posts)).toEqual([1, 2, 4, 1]);
    expect(ys(series.total.uniqueAuthors)).toEqual([1, 1, 3, 1]);
    // A site comment is itself one reply: posts 4 (12), 5, 6 and 7 (1 each).
    expect(ys(series.total.engagement)).toEqual([2, 2, 15, 1]);
    // X author 0 (100) on day 0 with site authors 3 (400) and 4 (500).
    expect(ys(series.total.reach)).toEqual([100, 200, 1000, 300]);
    expect(ys(series.total.cumulative.posts)).toEqual([1, 3, 7, 8]);
    expect(ys(series.total.cumulative.engagement)).toEqual([2, 4, 19, 20]);
  });

  it('split by locality, keeping unattributed posts as their own series and zero-filling quiet localities', async () => {
    const series = await launchSeries(db.pool, request({ split: 'locality' }));
    const bySlug = Object.fromEntries(series.split!.groups.map((group) => [group.slug ?? 'unattributed', ys(group.metrics.posts)]));
    expect(bySlug).toEqual({ oldham: [0, 1, 1, 0], stockport: [1, 0, 2, 0], tameside: [0, 0, 0, 0], unattributed: [0, 1, 2, 1] });
    expect(series.split!.groups.at(-1)!.name).toBe('Unattributed');
  });

  it('split by platform and by source, and filter by both', async () => {
    const byPlatform = await launchSeries(db.pool, request({ split: 'platform' }));
    expect(byPlatform.split!.groups.map((group) => [group.slug, ys(group.metrics.posts)])).toEqual([
      ['x', [1, 2, 1, 1]],
      ['site', [0, 0, 3, 0]],
    ]);
    const blogOnly = await launchSeries(db.pool, request({ source: 'hsm-blog', split: 'source' }));
    expect(ys(blogOnly.total.posts)).toEqual([0, 0, 3, 0]);
    expect(blogOnly.split!.groups.map((group) => group.slug)).toEqual(['hsm-blog']);
    const stockportX = await launchSeries(db.pool, request({ locality: 'stockport', platform: 'x' }));
    expect(ys(stockportX.total.posts)).toEqual([1, 0, 1, 0]);
    expect(stockportX.filters).toEqual({ locality: 'stockport', source: null, platform: 'x' });
  });

  it('bucket by the hour for short windows, and label which bucket is which', async () => {
    const series = await launchSeries(db.pool, request({ before: 0, after: 1, bucket: undefined }));
    expect(series.window).toMatchObject({ bucket: 'hour', requestedBucket: null, bucketClamped: false });
    expect(ys(series.total.posts).slice(0, 4)).toEqual([1, 2, 1, 0]);
    expect(ys(series.total.uniqueAuthors).slice(0, 4)).toEqual([1, 2, 1, 0]);
  });

  it('stay zero-filled over the whole window and say how many buckets had started at now', async () => {
    // 36 hours after the launch: days −2, −1, 0 and +1 have started, +1 is still running.
    const series = await launchSeries(db.pool, request({ split: 'locality' }), at(36));
    expect(series.window).toMatchObject({ asOf: '2026-03-28T22:00:00.000Z', startedBuckets: 4 });
    expect(series.total.posts).toHaveLength(4);
    const early = await launchSeries(db.pool, request({ before: 0, after: 1, bucket: 'hour' }), at(2.5));
    expect(early.window).toMatchObject({ asOf: '2026-03-27T12:30:00.000Z', startedBuckets: 3 });
    expect(early.total.posts).toHaveLength(24);
    expect((await launchSeries(db.pool, request(), at(-72))).window.startedBuckets).toBe(0);
    expect((await launchSeries(db.pool, request(), at(24 * 30))).window.startedBuckets).toBe(4);
  });

  it('answer a launch that is not on a whole hour from raw posts, aligned to its own instant', async () => {
    const series = await launchSeries(db.pool, request({ launch: 'halfpast', before: 0, after: 1, bucket: 'hour' }));
    expect(series.answeredFrom).toBe('raw');
    expect(series.buckets[0]!.start).toBe('2026-03-27T10:30:00.000Z');
    // 10:30–11:30: post 4 (10:30) and comment 5 (11:12); 11:30–12:30: comments 6 (11:30) and 7 (12:06).
    expect(ys(series.total.posts).slice(0, 3)).toEqual([2, 2, 0]);
  });

  it('refuse unknown campaigns, launches, localities and sources, naming the parameter', async () => {
    await expect(launchSeries(db.pool, request({ campaign: 'nope' }))).rejects.toMatchObject({ parameter: 'campaign', code: 'NOT_FOUND' });
    await expect(launchSeries(db.pool, request({ launch: 'nope' }))).rejects.toBeInstanceOf(AnalyticsNotFoundError);
    await expect(launchSeries(db.pool, request({ locality: 'bolton' }))).rejects.toMatchObject({ parameter: 'locality' });
    await expect(launchSeries(db.pool, request({ source: 'other-x' }))).rejects.toMatchObject({ parameter: 'source' });
  });
});

describe('baseline and lift', () => {
  const now = at(72);

  it('compare the post-launch daily mean with the mean of the days before, per locality and source', async () => {
    const lift = await launchLift(db.pool, request({ baselineDays: 2 }), now);
    expect(lift.baseline).toEqual({ days: 2, from: '2026-03-25T10:00:00.000Z', to: '2026-03-27T10:00:00.000Z' });
    expect(lift.post.days).toBe(2);
    expect(lift.total.posts).toMatchObject({ status: 'ok', baselineMean: 1.5, postMean: 2.5, lift: 2.5 / 1.5 });
    expect(lift.total.posts.status === 'ok' && lift.total.posts.interval!.lower).toBeLessThan(1);
    expect(lift.total.reach).toMatchObject({ status: 'ok', interval: null });
    const tameside = lift.byLocality.find((row) => row.slug === 'tameside')!;
    expect(tameside.posts).toMatchObject({ status: 'not-enough-baseline', baselineMean: 0 });
    const blog = lift.bySource.find((row) => row.slug === 'hsm-blog')!;
    expect(blog.posts).toMatchObject({ status: 'not-enough-baseline', postMean: 1.5 });
  });

  it('count only complete post-launch days, and none before the first has passed', async () => {
    expect((await launchLift(db.pool, request({ baselineDays: 2 }), at(30))).post.days).toBe(1);
    expect((await launchLift(db.pool, request({ baselineDays: 2 }), at(12))).total.posts).toMatchObject({ status: 'not-started' });
  });

  it('for a launch still ahead, take the baseline over its complete days so far, never over days not yet come', async () => {
    const dayBefore = at(-24);
    const series = await launchSeries(db.pool, request({ before: 2, after: 1, bucket: 'day' }), dayBefore);
    const firstDayPosts = series.total.posts[0]!.y;
    const lift = await launchLift(db.pool, request({ baselineDays: 2 }), dayBefore);
    expect(lift.baseline).toEqual({ days: 1, from: '2026-03-25T10:00:00.000Z', to: '2026-03-26T10:00:00.000Z' });
    expect(lift.total.posts).toMatchObject({ status: 'not-started', baselineMean: firstDayPosts });

    const ahead = await launchLift(db.pool, request({ baselineDays: 2 }), at(-60));
    expect(ahead.baseline).toEqual({ days: 0, from: '2026-03-25T10:00:00.000Z', to: '2026-03-25T10:00:00.000Z' });
    expect(ahead.total.posts).toMatchObject({ status: 'not-started', baselineMean: 0 });
  });
});

describe('engagement accrual and half-life', () => {
  it('offer engagement accrued in each bucket next to engagement of the posts made in it, labelled', async () => {
    const accrual = await engagementAccrual(db.pool, request({ before: 0, after: 2, bucket: 'hour' }));
    expect(accrual.accrued.label).toBe(ACCRUED_LABEL);
    expect(accrual.byPostTime.label).toBe(BY_POST_TIME_LABEL);
    // Post 4: 4 likes at first sight (its own hour), 8 more by 15:30 (hour 5).
    expect(ys(accrual.accrued.points).slice(0, 6)).toEqual([4, 2, 1, 0, 0, 8]);
    expect(ys(accrual.byPostTime.points).slice(0, 6)).toEqual([12, 2, 1, 0, 0, 0]);
    expect(accrual.accrued.cumulative.at(-1)!.y).toBe(accrual.byPostTime.cumulative.at(-1)!.y);
    const running = await engagementAccrual(db.pool, request({ before: 0, after: 2, bucket: 'hour' }), at(5.5));
    expect(running.window).toMatchObject({ asOf: '2026-03-27T15:30:00.000Z', startedBuckets: 6 });
  });

  it('measure hours from launch until half the post-launch engagement had accrued', async () => {
    const halfLife = await launchHalfLife(db.pool, request({ after: 2 }), at(72));
    expect(halfLife).toMatchObject({ windowHours: 48, complete: true, answeredFrom: 'rollups' });
    // By post time 12, 2, 1 … 1 (hour 30): half of 16 is reached 8/12 into hour 0.
    expect(halfLife.byPostTime).toEqual({ hours: 8 / 12, total: 16 });
    // Accrued 4, 2, 1, 0, 0, 8 … 1: 7 by hour 5, which adds 8.
    expect(halfLife.accrued).toEqual({ hours: 5 + 1 / 8, total: 16 });
  });
});

describe('launch comparison', () => {
  it('overlay several launches at t = 0 with the same buckets', async () => {
    const comparison = await launchComparison(db.pool, parseLaunchComparisonRequest({ campaign: 'hsm', launches: 'primer,report', before: 0, after: 1, bucket: 'hour' }));
    expect(comparison.t.slice(0, 3)).toEqual([0, 1, 2]);
    expect(comparison.launches.map((launch) => launch.slug)).toEqual(['primer', 'report']);
    expect(ys(comparison.launches[0]!.metrics.posts).slice(0, 3)).toEqual([1, 2, 1]);
    expect(ys(comparison.launches[1]!.metrics.posts).slice(0, 3)).toEqual([0, 0, 1]);
  });

  it("say of each launch how much of its window had happened at the same now", async () => {
    // Two days after the primer, a day before the report (2026-04-03 09:00) whose window opens then.
    const comparison = await launchComparison(db.pool, parseLaunchComparisonRequest({ campaign: 'hsm', launches: 'primer,report', before: 1, after: 2, bucket: 'day' }), at(24 * 6));
    expect(comparison.launches.map((launch) => launch.window)).toEqual([
      expect.objectContaining({ asOf: '2026-04-02T10:00:00.000Z', startedBuckets: 3 }),
      expect.objectContaining({ asOf: '2026-04-02T10:00:00.000Z', startedBuckets: 1 }),
    ]);
    const ahead = await launchComparison(db.pool, parseLaunchComparisonRequest({ campaign: 'hsm', launches: 'report', before: 0, after: 2, bucket: 'day' }), at(24 * 6));
    expect(ahead.launches[0]!.window.startedBuckets).toBe(0);
  });
});

describe('rankings', () => {
  const ranking = (input: object = {}) => parseRankingRequest({ campaign: 'hsm', launch: 'primer', before: 2, after: 2, ...input });

  it('list the most engaging posts, with their localities', async () => {
    const posts = await topPosts(db.pool, ranking({ limit: 3 }));
    expect(posts.map((post) => [post.text, post.engagement, post.localities])).toEqual([
      ['Post 4', 12, ['oldham', 'stockport']],
      ['Post 1', 2, ['stockport']],
      ['Post 2', 2, []],
    ]);
    expect(posts[0]!.author).toEqual({ handle: 'author0', name: 'Author 0', followers: 100 });
    expect((await topPosts(db.pool, ranking({ locality: 'unattributed' }))).map((post) => post.text)).toEqual(['Post 2', 'Post 6', 'Post 7', 'Post 10']);
  });

  it('rank contributors by posts and by engagement', async () => {
    const contributors = await topContributors(db.pool, ranking({ limit: 2 }));
    expect(contributors.byEngagement.map((c) => [c.platform, c.handle, c.posts, c.engagement])).toEqual([
      ['x', 'author0', 2, 14],
      ['x', 'author1', 2, 2],
    ]);
    expect(contributors.byPosts[0]).toMatchObject({ handle: 'author0', posts: 2 });
    expect(contributors.byPosts).toHaveLength(2);
  });

  it('find the most-replied comment threads, following replies to replies', async () => {
    const threads = await topCommentThreads(db.pool, ranking());
    expect(threads).toHaveLength(1);
    expect(threads[0]).toMatchObject({ replies: 2, participants: 2, depth: 2, lastReplyAt: at(2.1).toISOString() });
    expect(threads[0]!.root).toMatchObject({ text: 'Post 5', localities: ['stockport'], author: { handle: 'author3' } });
    expect(await topCommentThreads(db.pool, ranking({ locality: 'oldham' }))).toEqual([]);
  });
});

describe('rollup maintenance', () => {
  it('recompute only the hours marked since the last refresh, and nothing when none are', async () => {
    expect(await refreshDirtyRollups(db.pool)).toMatchObject({ hours: 0, recomputedHours: 0 });
    const postId = await postIdOf(db.pool, 'x', 1);
    await withTransaction(db.pool, (tx) => markRollupHoursDirty(tx, [postId]));
    const refreshed = await refreshDirtyRollups(db.pool);
    // Post 1's hour, with the 23 hours after it for distinct authors; and the hour of its one
    // snapshot (taken by the store when it was stored), for accrual only.
    expect(refreshed).toMatchObject({ hours: 2, recomputedHours: 24 });
  });

  it('refresh only the engagement of the hour of a post whose counts alone changed', async () => {
    const postId = await postIdOf(db.pool, 'x', 10);
    await snapshot(db.pool, postId, new Date(), m(5, 0, 0, 1), 'metrics');
    expect(await refreshDirtyRollups(db.pool)).toMatchObject({ hours: 2, recomputedHours: 1 });
    const series = await launchSeries(db.pool, request());
    expect(ys(series.total.engagement)).toEqual([2, 2, 15, 6]);
    expect(ys(series.total.posts)).toEqual([1, 2, 4, 1]);
  });

  it('leave a campaign to the refresher holding it, and keep its marks for later', async () => {
    const postId = await postIdOf(db.pool, 'x', 2);
    await withTransaction(db.pool, (tx) => markRollupHoursDirty(tx, [postId]));
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(746123, $1::integer)', [ids.campaigns.hsm]);
      const skipped = await refreshDirtyRollups(db.pool);
      expect(skipped).toMatchObject({ hours: 0, skippedCampaigns: [ids.campaigns.hsm] });
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    expect(await refreshDirtyRollups(db.pool)).toMatchObject({ hours: 2, skippedCampaigns: [] });
  });
});
