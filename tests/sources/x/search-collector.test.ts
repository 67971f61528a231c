import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SourceCollector } from '../../../src/ingestion/collector.js';
import { runPass } from '../../../src/ingestion/run-pass.js';
import { createXClient } from '../../../src/sources/x/client.js';
import { XSearchCollector } from '../../../src/sources/x/search-collector.js';
import { syncConfig } from '../../../src/store/campaigns.js';
import { findSourceBySlug, type SourceRow } from '../../../src/store/sources.js';
import { compileQuery, generateXDataset, matchableFromTweet, startFakeXApi, type FakeXApi, type XDataset } from '../../../src/simulators/x-api/index.js';
import { migratedDatabase, type TestDatabase } from '../../support/db.js';
import { campaignConfig } from '../../support/fixtures.js';

const TOKEN = 'test-bearer-token-0123456789';
const QUERY = '#RSAhealth';
let clock = new Date('2026-11-24T12:00:00Z');
let db: TestDatabase;
let fake: FakeXApi;
let dataset: XDataset;
let source: SourceRow;

function expectedIds(data: XDataset): Set<string> {
  const users = new Map(data.users.map((u) => [u.id, u]));
  const matches = compileQuery(QUERY);
  return new Set(data.tweets.filter((t) => matches(matchableFromTweet(t, (id) => users.get(id)))).map((t) => t.id));
}

/** The collector, with `act` run just before its nth request (pages are fetched ahead of storing, so a page count would be racy). */
function beforeFetch(nth: number, act: () => void): SourceCollector {
  const inner = collector();
  let calls = 0;
  return {
    fetchPage: (cursor) => {
      calls += 1;
      if (calls === nth) act();
      return inner.fetchPage(cursor);
    },
  };
}

const collector = (token = TOKEN) => new XSearchCollector({ client: createXClient({ bearerToken: token, baseUrl: fake.url }), query: QUERY });
const pass = (c: SourceCollector = collector(), onPage?: (pages: number) => void) =>
  runPass(db.pool, source, c, { kind: 'incremental', trigger: 'cli', ...(onPage ? { onPage: (counts) => onPage(counts.pages) } : {}) });
const storedMatches = async () =>
  (await db.pool.query<{ external_id: string }>(`SELECT p.external_id FROM posts p JOIN post_sources ps ON ps.post_id = p.id WHERE ps.relation = 'match' AND ps.source_id = $1`, [source.id])).rows.map((r) => r.external_id);

beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, campaignConfig());
  source = (await findSourceBySlug(db.pool, 'rsahealth-x'))!;
});
afterAll(async () => db.close());

beforeEach(async () => {
  clock = new Date('2026-11-24T12:00:00Z');
  dataset = generateXDataset({ seed: 7, count: 450, start: new Date('2026-11-21T00:00:00Z'), end: new Date('2026-11-24T11:00:00Z') });
  fake = await startFakeXApi({ bearerToken: TOKEN, dataset, now: () => clock });
  await db.pool.query(`TRUNCATE posts, post_sources, engagement_snapshots, authors, ingestion_runs CASCADE`);
  await db.pool.query(`UPDATE sources SET cursor = '{}'`);
});
afterEach(async () => fake.close());

describe('X recent-search collection', () => {
  it('stores every matching post once, then fetches only new posts on the next pass', async () => {
    const first = await pass();
    expect(first.status).toBe('succeeded');
    const expected = expectedIds(dataset);
    expect(new Set(await storedMatches())).toEqual(expected);
    expect((await storedMatches()).length).toBe(expected.size);
    const cursor = (await findSourceBySlug(db.pool, source.slug))!.cursor;
    expect(cursor).toEqual({ sinceId: [...expected].sort((a, b) => (BigInt(a) < BigInt(b) ? 1 : -1))[0] });

    fake.clearRequests();
    const quiet = await pass();
    expect(quiet).toMatchObject({ status: 'succeeded', counts: { pages: 1, newCount: 0 } });
    expect(fake.requests()[0]!.query.since_id).toBe(cursor.sinceId);

    clock = new Date('2026-11-24T13:00:00Z');
    const more = generateXDataset({ seed: 8, count: 40, start: new Date('2026-11-24T12:01:00Z'), end: new Date('2026-11-24T12:50:00Z'), authorCount: 5 });
    fake.addUsers(more.users.filter((u) => !dataset.users.some((d) => d.id === u.id)));
    fake.addPlaces(more.places.filter((p) => !dataset.places.some((d) => d.id === p.id)));
    fake.addTweets(more.tweets);
    const next = await pass();
    expect(next).toMatchObject({ status: 'succeeded', counts: { newCount: expectedIds(more).size } });
    expect((await storedMatches()).length).toBe(expected.size + expectedIds(more).size);
  });

  it('resumes an interrupted pass at its next page, holding since_id fixed, with nothing missed or stored twice', async () => {
    const failed = await pass(beforeFetch(3, () => fake.injectFault({ endpoint: 'search/recent', status: 503 })));
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'retryable', code: 'X_SERVER_ERROR' } });
    const midway = (await findSourceBySlug(db.pool, source.slug))!.cursor as { sinceId?: string; pass?: { nextToken: string } };
    expect(midway.sinceId).toBeUndefined();
    expect(midway.pass?.nextToken).toBeTruthy();

    fake.clearRequests();
    const resumed = await pass();
    expect(resumed.status).toBe('succeeded');
    expect(fake.requests()[0]!.query.next_token).toBe(midway.pass!.nextToken);
    const stored = await storedMatches();
    expect(new Set(stored)).toEqual(expectedIds(dataset));
    expect(stored.length).toBe(expectedIds(dataset).size);
  });

  it('waits out a 429 in the middle of a pass and then completes it', async () => {
    const limited = await pass(beforeFetch(2, () => fake.exhaustRateLimit('search/recent')));
    expect(limited.status).toBe('rate-limited');
    expect(limited.status === 'rate-limited' && limited.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await findSourceBySlug(db.pool, source.slug))!.status).toBe('rate-limited');

    clock = new Date(clock.getTime() + 16 * 60_000);
    const after = await pass();
    expect(after.status).toBe('succeeded');
    expect(new Set(await storedMatches())).toEqual(expectedIds(dataset));
  });

  it('stores nothing from a malformed page and leaves the cursor untouched', async () => {
    fake.injectFault({ endpoint: 'search/recent', malformedJson: true });
    const outcome = await pass();
    expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'permanent', code: 'X_MALFORMED_PAYLOAD' } });
    expect(await storedMatches()).toEqual([]);
    expect((await findSourceBySlug(db.pool, source.slug))!.cursor).toEqual({});
  });

  it('marks the source failing on 401 with a message that names the setting, never the token', async () => {
    const outcome = await pass(collector('wrong-token-abcdef'));
    expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'permanent', code: 'X_UNAUTHORIZED' } });
    const failing = (await findSourceBySlug(db.pool, source.slug))!;
    expect(failing).toMatchObject({ status: 'failing', lastErrorCode: 'X_UNAUTHORIZED' });
    expect(failing.lastError).toContain('X_BEARER_TOKEN');
    expect(failing.lastError).not.toContain('wrong-token-abcdef');
    expect(fake.requests()).toHaveLength(1);
  });
});
