import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnvironment } from '../../src/config/env.js';
import type { AppConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRedis, type Redis } from '../../src/runtime/redis.js';
import { compileQuery, generateXDataset, matchableFromTweet, startFakeXApi, type FakeXApi, type XDataset } from '../../src/simulators/x-api/index.js';
import { connectX, createCollectorRegistry } from '../../src/sources/index.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { campaignConfig } from '../support/fixtures.js';

// Scheduled workers, in this process, against the fake X API, real PostgreSQL and real Redis.

const TOKEN = 'worker-test-token-0123456789';
const logger = createLogger({ level: 'silent' });
let db: TestDatabase;
let fake: FakeXApi;
let dataset: XDataset;
const running: { worker: RunningWorker; redis: Redis }[] = [];

beforeAll(async () => {
  db = await migratedDatabase();
});
afterAll(async () => db.close());
afterEach(async () => {
  for (const { worker, redis } of running.splice(0)) {
    await worker.close();
    redis.disconnect();
  }
  await fake.close();
  await db.pool.query(`TRUNCATE posts, post_sources, engagement_snapshots, authors, ingestion_runs, locality_attributions CASCADE`);
  await db.pool.query(`UPDATE sources SET cursor = '{}', lane_cursors = '{}', status = 'new', last_error = NULL, last_error_code = NULL`);
});

function configFor(prefix: string): AppConfig {
  const campaigns = campaignConfig(`
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 1s }`);
  const env = parseEnvironment({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, X_BEARER_TOKEN: TOKEN, X_API_BASE_URL: fake.url });
  return { env, campaigns, configPath: 'worker.test' };
}

/** A worker as `groundswell worker` starts one: its own Redis connection for the shared rate-limit budget. */
async function startOne(config: AppConfig): Promise<void> {
  const redis = createRedis(TEST_REDIS_URL, { name: 'worker-test-budget' });
  await redis.connect();
  const x = connectX(config, redis);
  const worker = await startWorker(config, db.pool, logger, { collectors: createCollectorRegistry(config, { db: db.pool, ...(x ? { x } : {}) }), ...(x ? { x } : {}), drainTimeoutMs: 5_000 });
  running.push({ worker, redis });
}

function matchingIds(data: XDataset): Set<string> {
  const users = new Map(data.users.map((u) => [u.id, u]));
  const matches = compileQuery('#RSAhealth');
  return new Set(data.tweets.filter((t) => matches(matchableFromTweet(t, (id) => users.get(id)))).map((t) => t.id));
}

const stored = async () =>
  (await db.pool.query<{ external_id: string }>(`SELECT p.external_id FROM posts p JOIN post_sources ps ON ps.post_id = p.id WHERE ps.relation = 'match'`)).rows.map((r) => r.external_id);

describe('scheduled workers', () => {
  it('two workers on the same source store each post once and never run the source at the same time', async () => {
    const now = Date.now();
    dataset = generateXDataset({ seed: 31, count: 600, start: new Date(now - 2 * 86_400_000), end: new Date(now - 3_600_000) });
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset });
    fake.injectFault({ endpoint: 'search/recent', times: 10_000, delayMs: 30 });
    const config = configFor(redisPrefix());
    await syncConfig(db.pool, config.campaigns);
    await Promise.all([startOne(config), startOne(config)]);

    const expected = matchingIds(dataset);
    await vi.waitFor(async () => expect(new Set(await stored())).toEqual(expected), { timeout: 30_000, interval: 250 });
    // More arrives while both keep polling.
    const more = generateXDataset({ seed: 32, count: 120, start: new Date(now - 3_000_000), end: new Date(now - 60_000) });
    fake.addTweets(more.tweets.map((t) => ({ ...t })));
    fake.addUsers(more.users);
    await vi.waitFor(async () => expect((await stored()).length).toBe(expected.size + matchingIds(more).size), { timeout: 30_000, interval: 250 });

    const all = await stored();
    expect(new Set(all).size).toBe(all.length);
    const runs = await db.pool.query<{ started_at: Date; finished_at: Date | null }>(
      `SELECT started_at, finished_at FROM ingestion_runs WHERE kind = 'incremental' AND status <> 'running' ORDER BY started_at`,
    );
    expect(runs.rows.length).toBeGreaterThan(1);
    for (let i = 1; i < runs.rows.length; i += 1) expect(runs.rows[i]!.started_at.getTime()).toBeGreaterThanOrEqual(runs.rows[i - 1]!.finished_at!.getTime());
  }, 90_000);

  it('a refused token marks the source failing with the reason and does not retry in a storm', async () => {
    dataset = generateXDataset({ seed: 33, count: 50, start: new Date(Date.now() - 86_400_000), end: new Date(Date.now() - 3_600_000) });
    fake = await startFakeXApi({ bearerToken: 'the-token-x-actually-accepts', dataset });
    const config = configFor(redisPrefix());
    await syncConfig(db.pool, config.campaigns);
    await startOne(config);
    await vi.waitFor(async () => expect((await db.pool.query(`SELECT status, last_error_code FROM sources WHERE slug = 'rsahealth-x'`)).rows[0]).toEqual({ status: 'failing', last_error_code: 'X_UNAUTHORIZED' }), { timeout: 15_000, interval: 200 });
    fake.clearRequests();
    await new Promise((r) => setTimeout(r, 4_000));
    // Scheduled every second: at most one request per scheduled run (plus one in flight), no backoff retries on top.
    expect(fake.requests().filter((r) => r.path === '/2/tweets/search/recent').length).toBeLessThanOrEqual(6);
  }, 60_000);

  it('an outage longer than the schedule is caught up when X answers again, with nothing missed', async () => {
    const now = Date.now();
    dataset = generateXDataset({ seed: 34, count: 300, start: new Date(now - 86_400_000), end: new Date(now - 3_600_000) });
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset });
    const config = configFor(redisPrefix());
    await syncConfig(db.pool, config.campaigns);
    await startOne(config);
    const first = matchingIds(dataset);
    await vi.waitFor(async () => expect((await stored()).length).toBe(first.size), { timeout: 20_000, interval: 200 });

    // X fails for several scheduled runs while posts keep arriving.
    fake.injectFault({ endpoint: 'search/recent', times: 10_000, status: 503 });
    const during = generateXDataset({ seed: 35, count: 100, start: new Date(now - 3_000_000), end: new Date(now - 60_000) });
    fake.addUsers(during.users);
    fake.addTweets(during.tweets);
    await vi.waitFor(async () => expect((await db.pool.query(`SELECT status FROM sources WHERE slug = 'rsahealth-x'`)).rows[0].status).toBe('failing'), { timeout: 15_000, interval: 200 });
    await new Promise((r) => setTimeout(r, 3_000));
    fake.clearFaults();

    const expected = new Set([...first, ...matchingIds(during)]);
    await vi.waitFor(async () => expect(new Set(await stored())).toEqual(expected), { timeout: 30_000, interval: 250 });
    await vi.waitFor(async () => expect((await db.pool.query(`SELECT status FROM sources WHERE slug = 'rsahealth-x'`)).rows[0].status).toBe('ok'), { timeout: 10_000, interval: 200 });
  }, 90_000);
});
