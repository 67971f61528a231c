import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nextRefreshAt } from '../../src/domain/engagement-schedule.js';
import { runBatchCompliance } from '../../src/ingestion/batch-compliance.js';
import { runEngagementRefresh, type EngagementRefreshDeps, type EngagementRefreshOptions } from '../../src/ingestion/engagement-refresh.js';
import { RateLimitedError, RESET_MARGIN_MS } from '../../src/ingestion/errors.js';
import { credentialFingerprint, RateBudget } from '../../src/ingestion/rate-budget.js';
import { runPass } from '../../src/ingestion/run-pass.js';
import { createXClient } from '../../src/sources/x/client.js';
import { createXBatchCompliance } from '../../src/sources/x/compliance.js';
import { createTweetLookup, type TweetLookup } from '../../src/sources/x/lookup.js';
import { XSearchCollector } from '../../src/sources/x/search-collector.js';
import { generateXDataset, startFakeXApi, type FakeXApi, type FakeXApiOptions } from '../../src/simulators/x-api/index.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { createPool } from '../../src/store/db.js';
import { postsReadOn } from '../../src/store/engagement-refresh.js';
import { recentRuns } from '../../src/store/runs.js';
import { findSourceBySlug, type SourceRow } from '../../src/store/sources.js';
import { endRunLeaseSession, migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { campaignConfig } from '../support/fixtures.js';

const TOKEN = 'refresh-test-token-0123456789';
const START = new Date('2026-11-24T12:00:00Z');
let clock = START;
let db: TestDatabase;
let fake: FakeXApi;
let source: SourceRow;
const redis: Redis[] = [];

beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, campaignConfig());
  source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
  redis.push(new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL));
});
afterAll(async () => {
  for (const r of redis) r.disconnect();
  await db.close();
});
afterEach(async () => fake.close());

/** Posts from the day before START, collected by the real search collector as if promptly (metrics seen 5 minutes after posting). */
async function collect(fakeOptions: Partial<FakeXApiOptions> = {}): Promise<void> {
  clock = START;
  const dataset = generateXDataset({ seed: 5, count: 320, start: new Date('2026-11-23T12:00:00Z'), end: new Date('2026-11-24T11:50:00Z') });
  fake = await startFakeXApi({ bearerToken: TOKEN, dataset, now: () => clock, ...fakeOptions });
  const pass = await runPass(db.pool, source, new XSearchCollector({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }), query: '#RSAhealth' }), { kind: 'incremental', trigger: 'cli' });
  expect(pass.status).toBe('succeeded');
  await db.pool.query(`UPDATE posts SET metrics_at = created_at + interval '5 minutes'`);
  fake.clearRequests();
  fake.resetRateLimits();
}

beforeEach(async () => {
  await db.pool.query(`TRUNCATE posts, post_sources, engagement_snapshots, authors, ingestion_runs, engagement_refresh_schedule, x_daily_reads, x_compliance_jobs CASCADE`);
  await db.pool.query(`UPDATE sources SET cursor = '{}', lane_cursors = '{}'`);
});

function deps(overrides: Partial<EngagementRefreshDeps> & { budget?: RateBudget } = {}): EngagementRefreshDeps {
  const { budget, ...rest } = overrides;
  const client = createXClient({ bearerToken: TOKEN, baseUrl: fake.url });
  const rateBudget = budget?.for({ api: 'x', credential: credentialFingerprint(TOKEN) });
  return { pool: db.pool, lookup: createTweetLookup({ client, ...(rateBudget ? { rateBudget } : {}) }), dailyReadBudget: 20_000, complianceRecheckDays: 30, now: () => clock, ...rest };
}
const refresh = (overrides: Partial<EngagementRefreshDeps> & { budget?: RateBudget } = {}, options: EngagementRefreshOptions = {}) =>
  runEngagementRefresh(deps(overrides), { trigger: 'cli', ...options });

/** Enrols the collected posts (a call allowed to read nothing) and returns the schedule. */
async function enrolled() {
  await refresh({}, { maxPosts: 0 });
  const { rows } = await db.pool.query<{ post_id: number; external_id: string; created_at: Date; next_refresh_at: Date | null; author: string }>(
    `SELECT r.post_id, p.external_id, p.created_at, r.next_refresh_at, a.external_id AS author
     FROM engagement_refresh_schedule r JOIN posts p ON p.id = r.post_id JOIN authors a ON a.id = p.author_id ORDER BY r.post_id`,
  );
  return { all: rows, due: rows.filter((r) => r.next_refresh_at !== null && r.next_refresh_at <= clock) };
}

const lookupRequests = () => fake.requests().filter((entry) => entry.endpoint === 'tweets');
const requestedIds = () => lookupRequests().flatMap((entry) => entry.query.ids?.split(',') ?? []);
const snapshotsAt = async (at: Date) =>
  (await db.pool.query<{ post_id: number }>(`SELECT post_id FROM engagement_snapshots WHERE captured_at = $1 ORDER BY post_id`, [at])).rows.map((r) => r.post_id);

describe('engagement refresh', () => {
  it('reads only due posts, 100 ids a call, stores a snapshot per read and moves each post to its next step', async () => {
    await collect();
    const schedule = await enrolled();
    // Collected five minutes after posting, each post's first read is one hour after it was posted.
    for (const row of schedule.all) expect(row.next_refresh_at).toEqual(new Date(row.created_at.getTime() + 3_600_000));
    expect(schedule.due.length).toBeGreaterThan(200);
    expect(schedule.due.length).toBeLessThan(schedule.all.length);

    const summary = await refresh();
    const calls = lookupRequests();
    expect(calls.map((c) => c.query.ids!.split(',').length)).toEqual([100, 100, schedule.due.length - 200]);
    expect(new Set(requestedIds())).toEqual(new Set(schedule.due.map((r) => r.external_id)));
    expect(requestedIds()).toHaveLength(schedule.due.length);
    expect(summary).toMatchObject({ lookups: 3, read: schedule.due.length, snapshots: schedule.due.length, charged: schedule.due.length, budgetExhausted: false });
    expect(await snapshotsAt(clock)).toEqual(schedule.due.map((r) => r.post_id));

    const after = await db.pool.query<{ post_id: number; reads: number; last_read_at: Date | null; next_refresh_at: Date | null; leased_until: Date | null }>(
      `SELECT post_id, reads, last_read_at, next_refresh_at, leased_until FROM engagement_refresh_schedule ORDER BY post_id`,
    );
    const byId = new Map(after.rows.map((r) => [r.post_id, r]));
    for (const row of schedule.due) {
      expect(byId.get(row.post_id)).toMatchObject({ reads: 1, last_read_at: clock, leased_until: null, next_refresh_at: nextRefreshAt(row.created_at, [], clock) });
    }
    const notDue = schedule.all.filter((r) => !schedule.due.includes(r));
    for (const row of notDue) expect(byId.get(row.post_id)).toMatchObject({ reads: 0, next_refresh_at: row.next_refresh_at });

    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ kind: 'refresh', status: 'succeeded', counts: { pages: 3, fetched: schedule.due.length } });

    // Read again (same UTC day, so free): a snapshot for every read, changed or not.
    const changedPost = schedule.due[0]!;
    fake.updateMetrics(changedPost.external_id, { like_count: 999 });
    await db.pool.query(`UPDATE engagement_refresh_schedule SET next_refresh_at = $1 WHERE reads = 1`, [clock]);
    clock = new Date(START.getTime() + 60_000);
    const again = await refresh();
    expect(again).toMatchObject({ read: schedule.due.length, snapshots: schedule.due.length, metricsChanged: 1, charged: 0 });
    expect(await snapshotsAt(clock)).toHaveLength(schedule.due.length);
    const { rows } = await db.pool.query<{ like_count: number; n: number }>(
      `SELECT p.like_count, (SELECT count(*)::int FROM engagement_snapshots s WHERE s.post_id = p.id) AS n FROM posts p WHERE p.id = $1`,
      [changedPost.post_id],
    );
    expect(rows[0]!.like_count).toBe(999);
    expect(rows[0]!.n).toBe(3);
  });

  it('stops at the daily read budget and carries on the next UTC day', async () => {
    await collect();
    const schedule = await enrolled();
    const first = await refresh({ dailyReadBudget: 120 });
    expect(first).toMatchObject({ read: 120, charged: 120, budgetRemaining: 0, budgetExhausted: true });
    expect(lookupRequests().map((c) => c.query.ids!.split(',').length)).toEqual([100, 20]);
    expect(await postsReadOn(db.pool, '2026-11-24')).toBe(120);

    fake.clearRequests();
    const spent = await refresh({ dailyReadBudget: 120 });
    expect(spent).toMatchObject({ read: 0, budgetExhausted: true });
    expect(lookupRequests()).toHaveLength(0);

    clock = new Date('2026-11-25T00:10:00Z');
    const nextDay = await refresh({ dailyReadBudget: 120 });
    expect(nextDay.charged).toBe(120);
    expect(await postsReadOn(db.pool, '2026-11-25')).toBe(120);
    // Oldest due first: the posts left over yesterday are read before anything that fell due since.
    const readToday = new Set(requestedIds().slice(-120));
    const leftover = schedule.due.slice().sort((a, b) => a.next_refresh_at!.getTime() - b.next_refresh_at!.getTime()).slice(120);
    for (const row of leftover.slice(0, Math.min(leftover.length, 120))) expect(readToday.has(row.external_id)).toBe(true);
  });

  it('purges posts X reports deleted or not authorised to tombstones and ends their schedules', async () => {
    await collect();
    const schedule = await enrolled();
    const protectedAuthor = schedule.due[0]!.author;
    const deleted = schedule.due.find((r) => r.author !== protectedAuthor)!;
    fake.deleteTweet(deleted.external_id);
    fake.protectUser(protectedAuthor);
    const hidden = schedule.due.filter((r) => r.author === protectedAuthor);

    const summary = await refresh();
    expect(summary.removed).toEqual({ deleted: 1, notAuthorized: hidden.length });
    const { rows } = await db.pool.query<{ external_id: string; deleted_reason: string; text: string | null; raw: unknown; author_id: number | null; next_refresh_at: Date | null }>(
      `SELECT p.external_id, p.deleted_reason, p.text, p.raw, p.author_id, r.next_refresh_at
       FROM posts p JOIN engagement_refresh_schedule r ON r.post_id = p.id WHERE p.deleted_at IS NOT NULL ORDER BY p.external_id`,
    );
    expect(rows.map((r) => [r.external_id, r.deleted_reason]).sort()).toEqual(
      [[deleted.external_id, 'deleted'], ...hidden.map((r) => [r.external_id, 'not-authorized'])].sort(),
    );
    for (const row of rows) expect(row).toMatchObject({ text: null, raw: null, author_id: null, next_refresh_at: null });
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run!.counts.removedCount).toBe(1 + hidden.length);
  });

  it('stops at a 429 with the reset X gave, keeping what it read and freeing the rest for later', async () => {
    await collect({ rateLimits: { tweets: { limit: 2, windowMs: 15 * 60_000 } } });
    const schedule = await enrolled();
    const error: unknown = await refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    // The reset X gave, plus the one margin for clock skew added where the error is made.
    expect((error as RateLimitedError).resetAt).toEqual(new Date(START.getTime() + 15 * 60_000 + RESET_MARGIN_MS));
    expect(lookupRequests().map((r) => r.status)).toEqual([200, 200, 429]);
    expect(await snapshotsAt(clock)).toHaveLength(200);
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM engagement_refresh_schedule WHERE leased_until IS NOT NULL`);
    expect(rows[0]!.n).toBe(0);
    expect(await postsReadOn(db.pool, '2026-11-24')).toBe(200);
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ kind: 'refresh', status: 'rate-limited', errorCode: 'RATE_LIMITED', counts: { fetched: 200 } });

    // After the reset the rest is read, with what fell due meanwhile.
    clock = new Date(START.getTime() + 16 * 60_000);
    const rest = await refresh();
    expect(rest.read).toBe(schedule.all.filter((r) => r.next_refresh_at !== null && r.next_refresh_at <= clock).length - 200);
  });

  it('with the shared budget, stops before sending a request X would refuse', async () => {
    await collect({ rateLimits: { tweets: { limit: 2, windowMs: 15 * 60_000 } } });
    await enrolled();
    const budget = new RateBudget(redis[0]!, { keyPrefix: `${redisPrefix()}:ratelimit:`, now: () => clock.getTime(), resetMarginMs: 0 });
    const error: unknown = await refresh({ budget }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).resetAt).toEqual(new Date(START.getTime() + 15 * 60_000));
    expect(lookupRequests().map((r) => r.status)).toEqual([200, 200]);
  });

  it('run by two workers at once, reads every due post exactly once without a 429', async () => {
    await collect({ rateLimits: { tweets: { limit: 6, windowMs: 15 * 60_000 } } });
    const schedule = await enrolled();
    const prefix = `${redisPrefix()}:ratelimit:`;
    const [a, b] = redis.map((connection) => new RateBudget(connection, { keyPrefix: prefix, now: () => clock.getTime(), resetMarginMs: 0 }));
    const [first, second] = await Promise.all([refresh({ budget: a }), refresh({ budget: b })]);
    expect(first.read + second.read).toBe(schedule.due.length);
    expect(requestedIds()).toHaveLength(schedule.due.length);
    expect(new Set(requestedIds())).toEqual(new Set(schedule.due.map((r) => r.external_id)));
    expect(lookupRequests().every((r) => r.status === 200)).toBe(true);
    expect(await snapshotsAt(clock)).toEqual(schedule.due.map((r) => r.post_id));
    expect(await postsReadOn(db.pool, '2026-11-24')).toBe(schedule.due.length);
    const runs = await recentRuns(db.pool, source.id, 2);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  });
});

/** A promise the test opens by hand: it holds a run at one step while the test looks at the ledger. */
function latch(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** A lookup that says when it is first called, then waits for the test before reading. */
function heldLookup(read: TweetLookup): { lookup: TweetLookup; reached: Promise<void>; release: () => void } {
  const reached = latch();
  const released = latch();
  const lookup: TweetLookup = async (ids) => {
    reached.open();
    await released.opened;
    return read(ids);
  };
  return { lookup, reached: reached.opened, release: released.open };
}

const refreshRuns = async () => (await recentRuns(db.pool, source.id)).filter((run) => run.kind === 'refresh');
const refreshRun = async (runId: number) => (await refreshRuns()).find((run) => run.id === runId);

describe('the run ledger while refreshes overlap', () => {
  it('a refresh that starts while another is live leaves the live run running, and both finish succeeded', async () => {
    await collect();
    await enrolled();
    const held = heldLookup(deps().lookup);
    const first = runEngagementRefresh(deps({ lookup: held.lookup }), { trigger: 'cli', maxPosts: 100 });
    await held.reached;
    const [live] = await refreshRuns();
    expect(live).toMatchObject({ status: 'running' });

    const second = await refresh({}, { maxPosts: 100 });
    expect(second.read).toBe(100);
    expect(await refreshRun(live!.id)).toMatchObject({ status: 'running', finishedAt: null });

    held.release();
    expect((await first).read).toBe(100);
    expect((await refreshRuns()).map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('closes a run whose worker is gone as interrupted, and its late finish does not reopen it', async () => {
    await collect();
    await enrolled();
    const dyingWorker = createPool(db.url, { max: 3, applicationName: 'groundswell-dying-worker' });
    try {
      const held = heldLookup(deps().lookup);
      const orphaned = runEngagementRefresh(deps({ pool: dyingWorker, lookup: held.lookup }), { trigger: 'cli', maxPosts: 100 });
      await held.reached;
      const [orphan] = await refreshRuns();
      // The worker's sessions end as if its machine had gone: PostgreSQL drops every lock they held.
      await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'groundswell-dying-worker'`);
      await expect.poll(async () => (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'groundswell-dying-worker'`)).rowCount).toBe(0);

      await refresh({}, { maxPosts: 100 });
      expect(await refreshRun(orphan!.id)).toMatchObject({ status: 'interrupted', error: 'the worker stopped before the run finished' });

      // The lost worker's code carries on and tries to record its outcome: the ledger keeps what it decided.
      held.release();
      await orphaned.catch(() => undefined);
      expect(await refreshRun(orphan!.id)).toMatchObject({ status: 'interrupted' });
    } finally {
      await dyingWorker.end();
    }
  });
});

describe('a refresh whose run lease is lost', () => {
  it('stops at its next batch as interrupted, keeping the counts of what it read, and the next refresh reads the rest', async () => {
    await collect();
    const schedule = await enrolled();
    const batches = Math.ceil(schedule.due.length / 100);
    expect(batches).toBeGreaterThanOrEqual(3);
    const read = deps().lookup;
    const LEASE_LOST_AT_BATCH = 1;
    let lookups = 0;
    let ended: Promise<boolean[]> | undefined;
    const lookup: TweetLookup = async (ids) => {
      lookups += 1;
      if (lookups === LEASE_LOST_AT_BATCH) {
        // The lease's own session, as an administrator or a failing network would end it. The run
        // learns of it when the connection's end reaches this process, so it is checked after the run.
        const [live] = await refreshRuns();
        ended = endRunLeaseSession(db.pool, live!.id);
        await ended;
      }
      return read(ids);
    };
    const error: unknown = await runEngagementRefresh(deps({ lookup }), { trigger: 'cli' }).catch((e: unknown) => e);
    expect(await ended).toEqual([true]);
    expect(error).toMatchObject({ kind: 'retryable', code: 'RUN_LEASE_LOST' });
    // At most the batch in hand when the lease went: not every batch still due.
    expect(lookups).toBeLessThanOrEqual(LEASE_LOST_AT_BATCH + 1);
    expect(lookups).toBeLessThan(batches);
    const [run] = await refreshRuns();
    expect(run).toMatchObject({ status: 'interrupted', errorCode: 'RUN_LEASE_LOST', counts: { pages: lookups, fetched: lookups * 100 } });
    expect(run!.error).toMatch(/lost its lease/);

    const rest = await refresh();
    expect(rest.read).toBe(schedule.due.length - lookups * 100);
    expect((await refreshRuns()).map((r) => r.status)).toEqual(['succeeded', 'interrupted']);
  });
});

describe('a refresh stopped by its signal (shutdown)', () => {
  it('keeps a rate limit met while stopping as rate-limited, with its reset, rather than as a stop', async () => {
    await collect();
    await enrolled();
    const stop = new AbortController();
    const resetAt = new Date(START.getTime() + 15 * 60_000);
    const lookup: TweetLookup = () => {
      stop.abort();
      return Promise.reject(new RateLimitedError(resetAt));
    };
    const error: unknown = await runEngagementRefresh(deps({ lookup }), { trigger: 'cli', signal: stop.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).resetAt).toEqual(resetAt);
    const [run] = await refreshRuns();
    expect(run).toMatchObject({ status: 'rate-limited', errorCode: 'RATE_LIMITED' });
  });

  it('is recorded as interrupted, not failed, and the next refresh reads the rest', async () => {
    await collect();
    const schedule = await enrolled();
    expect(Math.ceil(schedule.due.length / 100)).toBeGreaterThanOrEqual(2);
    const read = deps().lookup;
    const stop = new AbortController();
    let lookups = 0;
    const lookup: TweetLookup = async (ids) => {
      lookups += 1;
      stop.abort();
      return read(ids);
    };
    const error: unknown = await runEngagementRefresh(deps({ lookup }), { trigger: 'cli', signal: stop.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'retryable', code: 'INTERRUPTED' });
    expect(lookups).toBe(1);
    const [run] = await refreshRuns();
    expect(run).toMatchObject({ status: 'interrupted', errorCode: 'INTERRUPTED', counts: { pages: 1, fetched: 100 } });

    const rest = await refresh();
    expect(rest.read).toBe(schedule.due.length - 100);
  });
});

const DAY_MS = 24 * 60 * 60_000;
/** Weeks after the posts were collected, when every scheduled read is long over. */
const LATER = new Date(START.getTime() + 40 * DAY_MS);
const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS);

/** What the hourly compliance job records when X answers this token's batch compliance job with 403. */
async function forbidBatchCompliance(): Promise<void> {
  fake.injectFault({ endpoint: 'compliance/jobs', status: 403 });
  const checked = await runBatchCompliance({ pool: db.pool, compliance: createXBatchCompliance({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }) }), now: () => clock }, { trigger: 'cli' });
  expect(checked.campaigns[0]).toMatchObject({ outcome: 'not-allowed' });
  fake.clearRequests();
}

/** Ends the posts' schedules as the refresh leaves them after their last scheduled read, last read at `lastReadAt`. */
async function endSchedules(postIds: readonly number[], lastReadAt: Date): Promise<void> {
  await db.pool.query(`UPDATE engagement_refresh_schedule SET next_refresh_at = NULL, last_read_at = $2, reads = 5 WHERE post_id = ANY($1::bigint[])`, [postIds, lastReadAt]);
}

/** Every post's schedule over, its last read its +7 d read, as if the refresh had run on time all along. */
async function everyScheduleEnded(): Promise<void> {
  await db.pool.query(`UPDATE engagement_refresh_schedule SET next_refresh_at = NULL, last_read_at = posted_at + interval '7 days', reads = 5`);
}

/** Collected posts of a campaign whose token X refuses batch compliance, at LATER, every schedule over. */
async function forbiddenCampaignWeeksLater() {
  await collect();
  const { all } = await enrolled();
  clock = LATER;
  await forbidBatchCompliance();
  await everyScheduleEnded();
  return all;
}

const ledger = async (day: string) =>
  (await db.pool.query<{ posts_read: number; rechecks_read: number }>(`SELECT posts_read, rechecks_read FROM x_daily_reads WHERE day = $1`, [day])).rows[0];

describe('compliance rechecks, for campaigns whose token may not run batch compliance jobs', () => {
  it('looks up a post not read for X_COMPLIANCE_RECHECK_DAYS: purges it if deleted on X, else stores a snapshot and leaves its schedule ended', async () => {
    await collect();
    const { all } = await enrolled();
    clock = LATER;
    await forbidBatchCompliance();
    const [gone, live, recent] = all;
    await endSchedules(all.map((r) => r.post_id), daysBefore(LATER, 10));
    await endSchedules([gone!.post_id, live!.post_id], daysBefore(LATER, 31));
    await endSchedules([recent!.post_id], daysBefore(LATER, 29));
    fake.deleteTweet(gone!.external_id);

    const summary = await refresh({ complianceRecheckDays: 30 });
    expect(requestedIds().sort()).toEqual([gone!.external_id, live!.external_id].sort());
    expect(summary).toMatchObject({ rechecked: 2, read: 1, snapshots: 1, charged: 2, removed: { deleted: 1, notAuthorized: 0 } });

    const { rows } = await db.pool.query<{ post_id: number; deleted_reason: string | null; text: string | null; last_read_at: Date | null; next_refresh_at: Date | null; reads: number; leased_until: Date | null }>(
      `SELECT p.id AS post_id, p.deleted_reason, p.text, r.last_read_at, r.next_refresh_at, r.reads, r.leased_until
       FROM posts p JOIN engagement_refresh_schedule r ON r.post_id = p.id WHERE p.id = ANY($1::bigint[])`,
      [[gone!.post_id, live!.post_id, recent!.post_id]],
    );
    const byId = new Map(rows.map((r) => [r.post_id, r]));
    expect(byId.get(gone!.post_id)).toMatchObject({ deleted_reason: 'deleted', text: null, next_refresh_at: null });
    expect(byId.get(live!.post_id)).toMatchObject({ deleted_reason: null, last_read_at: LATER, next_refresh_at: null, reads: 6, leased_until: null });
    expect(byId.get(recent!.post_id)).toMatchObject({ last_read_at: daysBefore(LATER, 29), reads: 5 });
    expect(await snapshotsAt(LATER)).toEqual([live!.post_id]);
    expect(await ledger('2027-01-03')).toEqual({ posts_read: 2, rechecks_read: 2 });

    const [run] = await refreshRuns();
    expect(run).toMatchObject({ status: 'succeeded', counts: { pages: 1, fetched: 1, removedCount: 1 } });

    // Read now, neither post is stale any more: the next refresh asks X nothing.
    fake.clearRequests();
    const again = await refresh({ complianceRecheckDays: 30 });
    expect(again.rechecked).toBe(0);
    expect(lookupRequests()).toHaveLength(0);
  });

  it('makes no recheck reads for a campaign whose batch compliance is not forbidden', async () => {
    await collect();
    await enrolled();
    clock = LATER;
    await everyScheduleEnded();

    // Never asked X for a compliance job yet.
    const never = await refresh({ complianceRecheckDays: 30 });
    expect(never).toMatchObject({ rechecked: 0, read: 0, charged: 0 });

    // Refused once, then X ran a job for this token: batch compliance covers the posts again.
    await forbidBatchCompliance();
    const allowed = await runBatchCompliance(
      { pool: db.pool, compliance: createXBatchCompliance({ client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }) }), now: () => clock },
      { trigger: 'cli', forbiddenRetryMs: 0, pollIntervalMs: 20, waitMs: 2_000 },
    );
    expect(allowed.campaigns[0]).toMatchObject({ outcome: 'purged' });
    fake.clearRequests();
    const after = await refresh({ complianceRecheckDays: 30 });
    expect(after).toMatchObject({ rechecked: 0, read: 0, charged: 0 });
    expect(lookupRequests()).toHaveLength(0);
  });

  it('reads due posts before rechecks, and stops rechecks at a quarter of the daily budget each UTC day', async () => {
    const all = await forbiddenCampaignWeeksLater();
    const byAge = [...all].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.post_id - b.post_id);
    const due = byAge.slice(-50);
    await db.pool.query(`UPDATE engagement_refresh_schedule SET next_refresh_at = $2 WHERE post_id = ANY($1::bigint[])`, [due.map((r) => r.post_id), daysBefore(LATER, 0.5)]);
    const stale = byAge.slice(0, -50);

    // A budget of 400 reads a day leaves rechecks 100 of them.
    const first = await refresh({ dailyReadBudget: 400, complianceRecheckDays: 30 });
    const calls = lookupRequests().map((c) => c.query.ids!.split(','));
    expect(calls.map((ids) => ids.length)).toEqual([50, 100]);
    expect(new Set(calls[0])).toEqual(new Set(due.map((r) => r.external_id)));
    // Oldest read first.
    expect(new Set(calls[1])).toEqual(new Set(stale.slice(0, 100).map((r) => r.external_id)));
    expect(first).toMatchObject({ read: 150, rechecked: 100, charged: 150, budgetRemaining: 250, budgetExhausted: false });
    expect(await ledger('2027-01-03')).toEqual({ posts_read: 150, rechecks_read: 100 });

    // Later the same day: posts falling due are still read, and rechecks wait for tomorrow.
    const dueLater = stale.slice(-30);
    await db.pool.query(`UPDATE engagement_refresh_schedule SET next_refresh_at = $2 WHERE post_id = ANY($1::bigint[])`, [dueLater.map((r) => r.post_id), new Date(LATER.getTime() + 60 * 60_000)]);
    clock = new Date(LATER.getTime() + 2 * 60 * 60_000);
    fake.clearRequests();
    const later = await refresh({ dailyReadBudget: 400, complianceRecheckDays: 30 });
    expect(new Set(requestedIds())).toEqual(new Set(dueLater.map((r) => r.external_id)));
    expect(later).toMatchObject({ read: 30, rechecked: 0, charged: 30, budgetRemaining: 220 });
    expect(await ledger('2027-01-03')).toEqual({ posts_read: 180, rechecks_read: 100 });

    clock = new Date('2027-01-04T00:10:00Z');
    fake.clearRequests();
    const nextDay = await refresh({ dailyReadBudget: 400, complianceRecheckDays: 30 });
    expect(nextDay).toMatchObject({ rechecked: 100, charged: 100 });
    expect(new Set(requestedIds())).toEqual(new Set(stale.slice(100, 200).map((r) => r.external_id)));
    expect(await ledger('2027-01-04')).toEqual({ posts_read: 100, rechecks_read: 100 });
  });

  it('gives a recheck that X did not answer back to the day, both its read and its recheck allowance', async () => {
    await forbiddenCampaignWeeksLater();
    fake.injectFault({ endpoint: 'tweets', status: 401 });
    const error: unknown = await refresh({ dailyReadBudget: 400, complianceRecheckDays: 30 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permanent' });
    expect(await ledger('2027-01-03')).toEqual({ posts_read: 0, rechecks_read: 0 });
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM engagement_refresh_schedule WHERE leased_until IS NOT NULL`);
    expect(rows[0]!.n).toBe(0);
  });

  it('makes none when X_COMPLIANCE_RECHECK_DAYS is 0', async () => {
    await forbiddenCampaignWeeksLater();
    const summary = await refresh({ complianceRecheckDays: 0 });
    expect(summary).toMatchObject({ rechecked: 0, read: 0, charged: 0 });
    expect(lookupRequests()).toHaveLength(0);
  });
});
