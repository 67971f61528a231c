import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBudget, rateBudgetPrefix } from '../../src/ingestion/rate-budget.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createIngestQueue, type IngestQueue } from '../../workers/queues.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/db.js';
import { addUser, issueApiToken, seedCampaign, startApi, type ApiHarness } from './helpers.js';

let api: ApiHarness;
let queue: IngestQueue;
let token: string;
const prefix = redisPrefix('metrics');

beforeAll(async () => {
  queue = createIngestQueue(TEST_REDIS_URL, prefix);
  // The harness builds its own app; this one gets metrics over the same database and Redis.
  const base = await startApi();
  await base.app.close();
  const budget = new RateBudget(base.redis, { keyPrefix: rateBudgetPrefix(prefix) });
  const metrics = createMetrics({ db: base.db.pool, queue, rateBudget: budget });
  const { buildApp } = await import('../../src/http/app.js');
  const app = await buildApp({ db: base.db.pool, redis: base.redis, redisPrefix: prefix, metrics });
  api = { ...base, app, close: async () => { await app.close(); base.redis.disconnect(); await base.db.close(); } };

  const seeded = await seedCampaign(api.db.pool);
  await api.db.pool.query(
    `INSERT INTO ingestion_runs (source_id, campaign_id, kind, trigger, status, started_at, finished_at, new_count, updated_count, removed_count, rate_limit_waits, rate_limit_wait_ms)
     VALUES ($1, $2, 'incremental', 'schedule', 'succeeded', now() - interval '90 seconds', now() - interval '60 seconds', 120, 7, 2, 1, 15000),
            ($1, $2, 'incremental', 'schedule', 'rate-limited', now() - interval '30 seconds', now() - interval '20 seconds', 30, 0, 0, 1, 5000)`,
    [seeded.xSourceId, seeded.campaignId],
  );
  // A window the workers learned from X's headers.
  const scoped = budget.for({ api: 'x', credential: 'fingerprint' });
  const slot = await scoped.reserve('tweets/search/recent');
  if (slot.granted) await slot.settle({ kind: 'window', limit: 450, remaining: 400, resetAt: new Date(Date.now() + 600_000) });
  await queue.add('incremental', { sourceId: seeded.xSourceId, sourceSlug: 'rsahealth-x' }, { delay: 60_000 });

  const admin = await addUser(api.db.pool, 'ops@example.org', 'viewer');
  token = await issueApiToken(api.db.pool, admin.id, 'prometheus');
});
afterAll(async () => {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  await api.close();
});

describe('/metrics', () => {
  it('is refused without a session or API token', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });

  it('reports ingestion from the run ledger, queue depth, the shared rate-limit window and API latency', async () => {
    await api.app.inject({ method: 'GET', url: '/healthz' });
    const response = await api.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const body = response.body;
    expect(body).toContain('groundswell_posts_ingested_total{source="rsahealth-x",kind="incremental"} 150');
    expect(body).toContain('groundswell_posts_updated_total{source="rsahealth-x",kind="incremental"} 7');
    expect(body).toContain('groundswell_posts_removed_total{source="rsahealth-x",kind="incremental"} 2');
    expect(body).toContain('groundswell_runs_total{source="rsahealth-x",kind="incremental",status="rate-limited"} 1');
    expect(body).toContain('groundswell_rate_limit_wait_seconds_total{source="rsahealth-x",kind="incremental"} 20');
    expect(body).toMatch(/groundswell_last_run_duration_seconds\{source="rsahealth-x",kind="incremental"\} 10(\.\d+)?\n/);
    expect(body).toContain('groundswell_queue_jobs{state="delayed"} 1');
    expect(body).toContain('groundswell_rate_limit_remaining{api="x",endpoint="tweets/search/recent"} 400');
    expect(body).toContain('groundswell_rate_limit_limit{api="x",endpoint="tweets/search/recent"} 450');
    expect(body).toMatch(/groundswell_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(body).toContain('groundswell_process_resident_memory_bytes');
    // Nothing that identifies the credential.
    expect(body).not.toContain('fingerprint');
  });
});
