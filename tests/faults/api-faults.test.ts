import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { credentialFingerprint, RateBudget } from '../../src/ingestion/rate-budget.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRedis, type Redis } from '../../src/runtime/redis.js';
import { PoliteFetcher } from '../../src/sources/http/polite-fetcher.js';
import { createCollectorRegistry, type XConnection } from '../../src/sources/index.js';
import { createXClient } from '../../src/sources/x/client.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { CampaignFakes, SITE_SOURCE, X_SOURCE } from './campaign-fakes.js';
import { expectGroundTruth, matchesTruth, readStoredState } from './ground-truth.js';

// The outside world misbehaving: X and the blog answering 429 storms, 5xx, malformed bodies and
// connections that never answer. The real worker (BullMQ schedules, job handlers, pass runner,
// collectors) runs in this process, with every source scheduled each second and HTTP timeouts of
// 1.5 s instead of 30 s, so a hung connection costs seconds, not minutes. Each fault is held until
// the source shows it (status and last_error, and a run in the ledger with its code), then lifted:
// the source must return to 'ok' and the database to the exact ground truth.

const TIMEOUT_MS = 1_500;

let db: TestDatabase;
let fakes: CampaignFakes;
let budgetRedis: Redis;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  db = await migratedDatabase();
  // X's windows last 2 s here, so the reset a 429 announces comes quickly.
  fakes = await CampaignFakes.start({ seed: 'api-faults', tweets: 600, comments: 300, rateLimits: { 'search/recent': { limit: 100_000, windowMs: 2_000 } } });
  const prefix = redisPrefix('api-faults');
  const config = await loadConfig({
    configPath: fakes.writeConfig({ every: '1s', minInterval: '10ms' }),
    env: { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ...fakes.xEnvironment() },
  });
  await syncConfig(db.pool, config.campaigns);
  budgetRedis = createRedis(TEST_REDIS_URL, { name: 'fault-suite-rate-budget' });
  await budgetRedis.connect();
  const x: XConnection = {
    client: createXClient({ bearerToken: fakes.token, baseUrl: fakes.x.url, timeoutMs: TIMEOUT_MS }),
    rateBudget: new RateBudget(budgetRedis, { keyPrefix: `${prefix}:ratelimit:` }).for({ api: 'x', credential: credentialFingerprint(fakes.token) }),
  };
  const collectors = createCollectorRegistry(config, { db: db.pool, x, fetcher: new PoliteFetcher({ timeoutMs: TIMEOUT_MS }) });
  worker = await startWorker(config, db.pool, createLogger({ level: 'silent' }), { collectors, x, drainTimeoutMs: 5_000 });
  await waitUntil('the first passes caught up', caughtUp, 30_000);
});
afterAll(async () => {
  await worker?.close();
  budgetRedis?.disconnect();
  await fakes?.close();
  await db?.close();
});

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

const caughtUp = async () => matchesTruth(await readStoredState(db.pool), fakes.xTruth(), fakes.commentTruth());

interface SourceHealth {
  status: string;
  last_error_code: string | null;
  last_error: string | null;
}

async function health(slug: string): Promise<SourceHealth> {
  const { rows } = await db.pool.query<SourceHealth>(`SELECT status, last_error_code, last_error FROM sources WHERE slug = $1`, [slug]);
  return rows[0]!;
}

interface Fault {
  source: string;
  inject(): void;
  lift(): void;
  /** What the source must show while the fault lasts: its status, and the code of the failing runs. */
  status: 'failing' | 'rate-limited';
  code: string;
  /** Keeps the fault up until this holds as well (a storm is more than one refusal). */
  heldUntil?: () => boolean;
}

const recovery: string[] = [];
let stormRefusals = '';

/** Injects the faults (one per source, at once), waits for each source to show its error, lifts them and waits for recovery. */
async function survive(name: string, faults: Fault[]): Promise<void> {
  fakes.addActivity(3);
  const { rows } = await db.pool.query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM ingestion_runs`);
  const firstRun = rows[0]!.id + 1;
  for (const fault of faults) fault.inject();
  const shown = new Map<string, SourceHealth>();
  await Promise.all(
    faults.map((fault) =>
      waitUntil(`${fault.source} shows ${fault.code}`, async () => {
        const now = await health(fault.source);
        if (now.status !== fault.status || now.last_error_code !== fault.code) return false;
        shown.set(fault.source, now);
        return true;
      }, 20_000),
    ),
  );
  for (const fault of faults) {
    expect(shown.get(fault.source)?.last_error, `${fault.source}'s last_error says what went wrong`).toMatch(/\S{10,}/);
  }
  await Promise.all(faults.map((fault) => waitUntil(`${fault.source}'s fault held long enough`, () => Promise.resolve(fault.heldUntil?.() ?? true), 20_000)));
  const liftedAt = Date.now();
  for (const fault of faults) fault.lift();
  await Promise.all(faults.map((fault) => waitUntil(`${fault.source} back to ok`, async () => (await health(fault.source)).status === 'ok', 20_000)));
  await waitUntil('caught up again', caughtUp, 20_000);
  recovery.push(`${name}: ${((Date.now() - liftedAt) / 1000).toFixed(1)} s`);

  const ledger = await db.pool.query<{ source: string; status: string; error_code: string | null }>(
    `SELECT s.slug AS source, r.status, r.error_code FROM ingestion_runs r JOIN sources s ON s.id = r.source_id WHERE r.id >= $1 AND r.kind = 'incremental' ORDER BY r.id`,
    [firstRun],
  );
  for (const fault of faults) {
    const runs = ledger.rows.filter((r) => r.source === fault.source);
    const runStatus = fault.status === 'failing' ? 'failed' : 'rate-limited';
    expect(runs.some((r) => r.status === runStatus && r.error_code === fault.code), `a ${runStatus} run with ${fault.code} in the ledger for ${fault.source}`).toBe(true);
    // (A run the 1 s schedule started a moment ago may still be in flight.)
    expect(runs.filter((r) => r.status !== 'running').at(-1)?.status, `${fault.source}'s latest finished run`).toBe('succeeded');
    expect(await health(fault.source)).toEqual({ status: 'ok', last_error_code: null, last_error: null });
  }
}

const FOREVER = 1_000_000;
const onX = (spec: Parameters<CampaignFakes['x']['injectFault']>[0]) => ({ inject: () => fakes.x.injectFault({ endpoint: 'search/recent', times: FOREVER, ...spec }), lift: () => fakes.x.clearFaults() });
const onBlog = (fault: Parameters<CampaignFakes['wp']['injectFault']>[0]) => ({ inject: () => void fakes.wp.injectFault(fault, { match: '/wp/v2/comments' }), lift: () => fakes.wp.clearFaults() });

describe('when X and the blog misbehave, runs recover and the sources show the error, then ok again', () => {
  it('5xx and maintenance pages', async () => {
    await survive('5xx', [
      { source: X_SOURCE, ...onX({ status: 503 }), status: 'failing', code: 'X_SERVER_ERROR' },
      { source: SITE_SOURCE, ...onBlog({ kind: 'unavailable', retryAfterSeconds: 1 }), status: 'rate-limited', code: 'RATE_LIMITED' },
    ]);
  }, 60_000);

  it('429 storms: every request refused until the storm ends, each with a reset to wait for', async () => {
    fakes.x.clearRequests();
    fakes.wp.clearRequests();
    // Several refusals in a row, each waited out (X's reset, the blog's Retry-After), never hammered.
    const xRefusals = () => fakes.x.requests().filter((r) => r.status === 429).length;
    const blogRefusals = () => fakes.wp.requests().filter((r) => r.fault === 'rate-limited').length;
    await survive('429 storm', [
      { source: X_SOURCE, ...onX({ status: 429 }), status: 'rate-limited', code: 'RATE_LIMITED', heldUntil: () => xRefusals() >= 3 },
      { source: SITE_SOURCE, ...onBlog({ kind: 'rate-limited', retryAfterSeconds: 1 }), status: 'rate-limited', code: 'RATE_LIMITED', heldUntil: () => blogRefusals() >= 3 },
    ]);
    // Waiting out each reset means few requests during the storm, not one per scheduled run.
    expect(xRefusals()).toBeLessThan(15);
    expect(blogRefusals()).toBeLessThan(15);
    stormRefusals = `X refused ${xRefusals()}, blog refused ${blogRefusals()}`;
  }, 60_000);

  it('malformed bodies: JSON cut off half-way, an HTML page where JSON belongs', async () => {
    await survive('malformed JSON', [
      { source: X_SOURCE, ...onX({ malformedJson: true }), status: 'failing', code: 'X_MALFORMED_PAYLOAD' },
      { source: SITE_SOURCE, ...onBlog({ kind: 'truncated-json' }), status: 'failing', code: 'WP_MALFORMED_PAYLOAD' },
    ]);
    await survive('HTML instead of JSON', [{ source: SITE_SOURCE, ...onBlog({ kind: 'html-instead-of-json' }), status: 'failing', code: 'WP_NOT_JSON' }]);
  }, 60_000);

  it('hung connections: accepted, never answered, given up after the timeout', async () => {
    await survive('hung connections', [
      { source: X_SOURCE, ...onX({ hang: true }), status: 'failing', code: 'X_NETWORK' },
      { source: SITE_SOURCE, ...onBlog({ kind: 'hang' }), status: 'failing', code: 'HTTP_TIMEOUT' },
    ]);
  }, 60_000);

  it('after all of it, the database holds exactly what X and the blog hold', async () => {
    const totals = await expectGroundTruth(db.pool, fakes);
    console.info(`[faults] api-faults: recovery after each fault was lifted: ${recovery.join('; ')}; 429 storm: ${stormRefusals}; ${totals.xPosts} X posts and ${totals.comments} comments exact`);
  });
});
