import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileQuery, generateXDataset, matchableFromTweet, startFakeXApi, type FakeXApi, type XDataset } from '../../src/simulators/x-api/index.js';
import { runCli, spawnCli } from '../support/cli.js';
import { migratedDatabase, redisPrefix, type TestDatabase } from '../support/db.js';

// `groundswell ingest` and `groundswell backfill` as an operator runs them: real processes, the real
// twitter-api-v2 client, the fake X API on loopback, real PostgreSQL and Redis.

const TOKEN = 'cli-test-bearer-token-0123456789';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let db: TestDatabase;
let fake: FakeXApi | undefined;

beforeAll(async () => {
  db = await migratedDatabase();
});
afterAll(async () => db.close());
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await db.pool.query(`TRUNCATE posts, post_sources, engagement_snapshots, authors, ingestion_runs CASCADE`);
  await db.pool.query(`UPDATE sources SET cursor = '{}', lane_cursors = '{}'`);
});

// Each test gets its own Redis prefix, so the shared rate-limit budget one fake X taught is not
// carried over to the next test's fake (with real X there is one window per token, which is the point).
let prefix = '';
beforeEach(() => {
  prefix = redisPrefix();
});
const env = () => ({ DATABASE_URL: db.url, X_BEARER_TOKEN: TOKEN, X_API_BASE_URL: fake!.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' });

function matchingIds(data: XDataset, from = 0, to = Number.POSITIVE_INFINITY): Set<string> {
  const users = new Map(data.users.map((u) => [u.id, u]));
  const matches = compileQuery('#RSAhealth');
  return new Set(
    data.tweets
      .filter((t) => matches(matchableFromTweet(t, (id) => users.get(id))))
      .filter((t) => Date.parse(t.created_at) >= from && Date.parse(t.created_at) < to)
      .map((t) => t.id),
  );
}

const storedMatches = async () =>
  new Set((await db.pool.query<{ external_id: string }>(`SELECT DISTINCT p.external_id FROM posts p JOIN post_sources ps ON ps.post_id = p.id WHERE ps.relation = 'match'`)).rows.map((r) => r.external_id));

describe('groundswell ingest', () => {
  it('runs one pass in the foreground and prints what it fetched and stored; a second pass finds nothing new', async () => {
    const now = Date.now();
    const dataset = generateXDataset({ seed: 11, count: 320, start: new Date(now - 3 * DAY), end: new Date(now - HOUR) });
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset });
    const expected = matchingIds(dataset);

    const first = await runCli(['ingest', '--source', 'rsahealth-x'], env());
    expect(first.stderr).not.toMatch(/unexpected error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/rsahealth-x: incremental pass succeeded in [\d.]+ s/);
    expect(first.stdout).toMatch(new RegExp(`fetched ${expected.size} · new \\d+`));
    // Progress goes to stderr (a plain line when it is not a terminal), never mixed into the summary.
    expect(first.stderr).toMatch(/rsahealth-x · pages \d+ · fetched \d+/);
    expect(await storedMatches()).toEqual(expected);

    const second = await runCli(['ingest', '--source', 'rsahealth-x'], env());
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/pages 1 · fetched 0 · new 0 · updated 0/);
  });

  it('waits out a spent rate limit and finishes the pass, counting the wait', async () => {
    const now = Date.now();
    const dataset = generateXDataset({ seed: 12, count: 500, start: new Date(now - 2 * DAY), end: new Date(now - HOUR) });
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset, rateLimits: { 'search/recent': { limit: 3, windowMs: 1_000 } } });
    const expected = matchingIds(dataset);
    const result = await runCli(['ingest', '--source', 'rsahealth-x'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rate-limit waits [1-9]\d* \([\d.]+ s\)/);
    expect(await storedMatches()).toEqual(expected);
    expect(fake.requests().filter((r) => r.status === 429)).toHaveLength(0);
  });

  it('refuses an unknown source, naming the ones the config has', async () => {
    fake = await startFakeXApi({ bearerToken: TOKEN });
    const result = await runCli(['ingest', '--source', 'nope'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('there is no source "nope"; the config has: ');
    expect(result.stderr).toContain('rsahealth-x');
  });

  it('reports a refused token as the reason, exits non-zero, and never prints the token', async () => {
    fake = await startFakeXApi({ bearerToken: 'a-different-token-entirely' });
    const result = await runCli(['ingest', '--source', 'rsahealth-x'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('X_UNAUTHORIZED: X refused the bearer token (401');
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });

  it('killed with SIGKILL in the middle of its pages, then run again, ends with exactly the posts X has, each once', async () => {
    const now = Date.now();
    const dataset = generateXDataset({ seed: 13, count: 900, start: new Date(now - 4 * DAY), end: new Date(now - HOUR) });
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset });
    fake.injectFault({ endpoint: 'search/recent', times: 1_000, delayMs: 150 });
    const expected = matchingIds(dataset);

    const child = spawnCli(['ingest', '--source', 'rsahealth-x'], env());
    const exited = new Promise<number | null>((resolve) => child.on('close', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)));
    // Kill it once a few pages are stored but the pass is still paginating.
    for (let i = 0; i < 200; i += 1) {
      const { rows } = await db.pool.query<{ n: number; paging: boolean }>(
        `SELECT (SELECT count(*)::int FROM posts) AS n, (SELECT cursor ? 'pass' FROM sources WHERE slug = 'rsahealth-x') AS paging`,
      );
      if (rows[0]!.n >= 300 && rows[0]!.paging) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    const partial = await storedMatches();
    expect(partial.size).toBeGreaterThan(0);
    expect(partial.size).toBeLessThan(expected.size);

    const resumed = await runCli(['ingest', '--source', 'rsahealth-x'], env());
    expect(resumed.code).toBe(0);
    expect(await storedMatches()).toEqual(expected);
    const dupes = await db.pool.query(`SELECT count(*)::int AS n FROM (SELECT external_id FROM posts GROUP BY 1 HAVING count(*) > 1) d`);
    expect(dupes.rows[0].n).toBe(0);
    // The run the kill cut short is closed as interrupted when the next one starts; the cursor is the newest post.
    const runs = await db.pool.query<{ status: string }>(`SELECT status FROM ingestion_runs ORDER BY id`);
    expect(runs.rows.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    const newest = [...expected].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : -1))[0];
    const cursor = await db.pool.query(`SELECT cursor FROM sources WHERE slug = 'rsahealth-x'`);
    expect(cursor.rows[0].cursor).toEqual({ sinceId: newest });
  }, 60_000);
});

describe('groundswell backfill', () => {
  it('reads the full archive over the window when the token allows it, estimating first, without touching the incremental cursor', async () => {
    const now = Date.now();
    const dataset = generateXDataset({ seed: 21, count: 600, start: new Date(now - 40 * DAY), end: new Date(now - HOUR) });
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset });
    const since = new Date(now - 30 * DAY);
    const until = new Date(now - 10 * DAY);
    const expected = matchingIds(dataset, since.getTime(), until.getTime());

    const result = await runCli(['backfill', '--source', 'rsahealth-x', '--since', since.toISOString(), '--until', until.toISOString()], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(full archive)');
    expect(result.stdout).toContain(`X counts ${expected.size} matching post(s): about ${Math.max(1, Math.ceil(expected.size / 500))} request(s)`);
    expect(result.stdout).toMatch(/backfill pass succeeded/);
    expect(await storedMatches()).toEqual(expected);
    expect(fake.requests().some((r) => r.path === '/2/tweets/search/all')).toBe(true);
    const source = await db.pool.query(`SELECT cursor, lane_cursors FROM sources WHERE slug = 'rsahealth-x'`);
    expect(source.rows[0].cursor).toEqual({});
    expect(source.rows[0].lane_cursors.backfill.window.archive).toBe('all');

    // The same window again: nothing new, nothing twice.
    const again = await runCli(['backfill', '--source', 'rsahealth-x', '--since', since.toISOString(), '--until', until.toISOString()], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/new 0 · updated 0/);
  });

  it('says clearly that it falls back to the 7-day recent window when the token has no full-archive access', async () => {
    const now = Date.now();
    const dataset = generateXDataset({ seed: 22, count: 400, start: new Date(now - 20 * DAY), end: new Date(now - HOUR) });
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset, fullArchiveAccess: false });
    const result = await runCli(['backfill', '--source', 'rsahealth-x', '--since', new Date(now - 15 * DAY).toISOString().slice(0, 10)], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/note: this X token has no full-archive access \(X answered 403 on \/2\/tweets\/counts\/all\), so the backfill uses recent search, which reaches back only 7 days/);
    expect(result.stdout).toContain('(recent search)');
    const stored = await storedMatches();
    const expected = matchingIds(dataset, now - 7 * DAY + HOUR + 60_000, now);
    for (const id of expected) expect(stored.has(id)).toBe(true);
    expect(fake.requests().some((r) => r.path === '/2/tweets/search/all')).toBe(false);
  });

  it('rejects a bad date and a window that ends before it starts', async () => {
    fake = await startFakeXApi({ bearerToken: TOKEN });
    const bad = await runCli(['backfill', '--source', 'rsahealth-x', '--since', 'last tuesday'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since needs a date like 2026-11-01');
    const reversed = await runCli(['backfill', '--source', 'rsahealth-x', '--since', '2026-11-10', '--until', '2026-11-01'], env());
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--since (2026-11-10T00:00:00.000Z) must be before --until (2026-11-01T00:00:00.000Z)');
  });
});
