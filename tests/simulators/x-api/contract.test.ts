import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLiveActivity, generateXDataset } from '../../../src/simulators/x-api/dataset.js';
import { compileQuery, matchableFromTweet } from '../../../src/simulators/x-api/query.js';
import { startFakeXApi, type FakeXApi } from '../../../src/simulators/x-api/server.js';
import type { XDataset, XTweetRecord } from '../../../src/simulators/x-api/types.js';
import { createXClient } from '../../../src/sources/x/client.js';
import { TOKEN, validateEveryResponse } from './support.js';

// The production client (twitter-api-v2 through createXClient) against the fake, with every body
// the fake serves checked against X's OpenAPI spec after each test.

const NOW = new Date('2026-11-21T12:00:00.000Z');
const LAUNCH = new Date('2026-11-20T10:00:00.000Z');
const QUERY = '#RSAhealth -is:retweet';

let fake: FakeXApi | undefined;
let dataset: XDataset;
let nowMs = NOW.getTime();

function server(): FakeXApi {
  if (!fake) throw new Error('fake X API not started');
  return fake;
}

function client(timeoutMs?: number) {
  return createXClient({ bearerToken: TOKEN, baseUrl: server().url, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** What the search should return, computed straight from the dataset. */
function expectedIds(tweets: readonly XTweetRecord[], query: string, sinceId?: string): string[] {
  const matches = compileQuery(query);
  const lower = nowMs - 7 * 24 * 3600_000;
  const upper = nowMs - 30_000;
  return tweets
    .filter((t) => Date.parse(t.created_at) >= lower && Date.parse(t.created_at) < upper)
    .filter((t) => sinceId === undefined || BigInt(t.id) > BigInt(sinceId))
    .filter((t) => matches(matchableFromTweet(t, (id) => dataset.users.find((u) => u.id === id))))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
    .map((t) => t.id);
}

beforeAll(async () => {
  dataset = generateXDataset({ seed: 'contract', count: 260, start: new Date('2026-11-15T00:00:00Z'), end: new Date('2026-11-21T11:00:00Z'), launches: [LAUNCH] });
  fake = await startFakeXApi({ bearerToken: TOKEN, dataset, now: () => new Date(nowMs), recordBodies: true });
});

afterAll(async () => {
  await fake?.close();
});

validateEveryResponse(() => fake);

describe('fake X API driven by the real twitter-api-v2 client', () => {
  it('pages through a recent search newest first, with includes, until the paginator is done', async () => {
    const paginator = await client().v2.search(QUERY, {
      max_results: 25,
      expansions: ['author_id', 'geo.place_id', 'referenced_tweets.id'],
      'tweet.fields': ['created_at', 'public_metrics', 'author_id', 'geo', 'referenced_tweets', 'entities'],
      'user.fields': ['location', 'username'],
      'place.fields': ['full_name', 'country_code'],
    });
    let pages = 1;
    while (!paginator.done) {
      await paginator.fetchNext();
      pages += 1;
    }
    const expected = expectedIds(dataset.tweets, QUERY);
    expect(expected.length).toBeGreaterThan(75);
    expect(pages).toBe(Math.ceil(expected.length / 25));
    expect(paginator.tweets.map((t) => t.id)).toEqual(expected);
    expect(paginator.includes.users.length).toBeGreaterThan(0);
    expect(paginator.includes.places.length).toBeGreaterThan(0);
    const first = paginator.tweets[0];
    expect(first && paginator.includes.author(first)?.id).toBe(first?.author_id);
    expect(paginator.meta.newest_id).toBe(expected[0]);
    expect(paginator.rateLimit.limit).toBe(450);
    expect(paginator.rateLimit.remaining).toBe(450 - pages);
  });

  it('returns only newer posts for since_id, after new activity arrives', async () => {
    const first = await client().v2.search(QUERY, { max_results: 10 });
    const newest = first.meta.newest_id;
    nowMs += 10 * 60_000;
    const live = generateLiveActivity({ seed: 'contract', dataset, from: new Date(nowMs - 9 * 60_000), minutes: 8, postsPerMinute: 3 });
    server().addTweets(live.tweets);
    for (const update of live.metricUpdates) server().updateMetrics(update.id, update.public_metrics);
    const next = await client().v2.search(QUERY, { since_id: newest, max_results: 100 });
    const expected = expectedIds(live.tweets, QUERY, newest);
    expect(expected.length).toBeGreaterThan(0);
    expect(next.tweets.map((t) => t.id)).toEqual(expected);
    const empty = await client().v2.search(QUERY, { since_id: next.meta.newest_id });
    expect(empty.meta.result_count).toBe(0);
    expect(empty.tweets).toEqual([]);
  });

  it('reports deleted and protected posts as partial errors in a lookup', async () => {
    const [kept, deleted, hidden] = dataset.tweets.filter((t) => !t.referenced_tweets && t.author_id !== dataset.tweets[0]?.author_id).slice(-3) as [XTweetRecord, XTweetRecord, XTweetRecord];
    server().deleteTweet(deleted.id);
    server().protectUser(hidden.author_id);
    try {
      const result = await client().v2.tweets([kept.id, deleted.id, hidden.id], { 'tweet.fields': ['public_metrics'] });
      expect(result.data.map((t) => t.id)).toEqual(kept.author_id === hidden.author_id ? [] : [kept.id]);
      expect(result.errors?.map((e) => [e.resource_id, e.type])).toEqual([
        [deleted.id, 'https://api.twitter.com/2/problems/resource-not-found'],
        [hidden.id, 'https://api.twitter.com/2/problems/not-authorized-for-resource'],
      ]);
      const missing = await client().v2.tweets([deleted.id]);
      expect(missing.data).toBeUndefined();
      expect(missing.errors).toHaveLength(1);
    } finally {
      server().unprotectUser(hidden.author_id);
    }
  });

  it('counts posts per day with zero-filled buckets and a total', async () => {
    const counts = await client().v2.tweetCountRecent('#RSAhealth', { granularity: 'day', start_time: '2026-11-16T00:00:00Z', end_time: '2026-11-21T00:00:00Z' });
    expect(counts.data.map((b) => b.start)).toEqual(['2026-11-16T00:00:00.000Z', '2026-11-17T00:00:00.000Z', '2026-11-18T00:00:00.000Z', '2026-11-19T00:00:00.000Z', '2026-11-20T00:00:00.000Z']);
    expect(counts.meta.total_tweet_count).toBe(counts.data.reduce((sum, b) => sum + b.tweet_count, 0));
    const launchDay = counts.data[4]?.tweet_count ?? 0;
    expect(launchDay).toBeGreaterThan(counts.data[1]?.tweet_count ?? 0);
  });

  it('throws a rate-limit error carrying the reset when the window is spent', async () => {
    server().exhaustRateLimit('search/recent');
    const error = await client().v2.search(QUERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiResponseError);
    const apiError = error as ApiResponseError;
    expect(apiError.code).toBe(429);
    expect(apiError.rateLimitError).toBe(true);
    expect(apiError.rateLimit?.remaining).toBe(0);
    expect(apiError.rateLimit?.reset).toBe(server().rateLimitState('search/recent').reset);
    expect((apiError.rateLimit?.reset ?? 0) * 1000).toBeGreaterThan(nowMs);
    server().resetRateLimits();
  });

  it('runs a batch compliance job round trip through the fake storage URLs', async () => {
    const [gone, kept] = dataset.tweets.slice(0, 2) as [XTweetRecord, XTweetRecord];
    server().deleteTweet(gone.id);
    const api = client().v2;
    const created = await api.sendComplianceJob({ type: 'tweets', name: 'nightly', ids: [gone.id, kept.id] });
    expect(created.data.status).toBe('created');
    const job = await api.complianceJob(created.data.id);
    expect(job.data.status).toBe('complete');
    const lines = await api.complianceJobResult(job.data);
    expect(lines).toEqual([{ id: gone.id, action: 'delete', created_at: gone.created_at, redacted_at: new Date(nowMs).toISOString(), reason: 'deleted' }]);
    const listed = await api.complianceJobs({ type: 'tweets' });
    expect(listed.data.map((j) => j.id)).toContain(created.data.id);
  });

  it('answers errors in X shapes the client understands', async () => {
    const unauthorized = await createXClient({ bearerToken: 'wrong', baseUrl: server().url }).v2.search(QUERY).catch((e: unknown) => e);
    expect((unauthorized as ApiResponseError).code).toBe(401);
    expect((unauthorized as ApiResponseError).data).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

    const badQuery = await client().v2.search('(#RSAhealth').catch((e: unknown) => e);
    expect((badQuery as ApiResponseError).code).toBe(400);
    expect((badQuery as ApiResponseError).data.type).toBe('https://api.twitter.com/2/problems/invalid-request');

    const tooFew = await client().v2.search(QUERY, { max_results: 5 }).catch((e: unknown) => e);
    expect((tooFew as ApiResponseError).data.errors?.[0]).toEqual({
      parameters: { max_results: ['5'] },
      message: 'The `max_results` query parameter value [5] is not between 10 and 100',
    });

    server().setFullArchiveAccess(false);
    const forbidden = await client().v2.searchAll(QUERY).catch((e: unknown) => e);
    expect((forbidden as ApiResponseError).code).toBe(403);
    server().setFullArchiveAccess(true);
    const archive = await client().v2.searchAll(QUERY, { max_results: 500, start_time: '2026-11-01T00:00:00Z' });
    expect(archive.tweets.length).toBeGreaterThan(0);
  });

  it('injects server errors, malformed JSON and hung requests', async () => {
    server().injectFault({ endpoint: 'search/recent', status: 503 });
    const unavailable = await client().v2.search(QUERY).catch((e: unknown) => e);
    expect((unavailable as ApiResponseError).code).toBe(503);

    server().injectFault({ endpoint: 'tweets', malformedJson: true });
    const malformed = await client().v2.tweets([dataset.tweets[5]?.id ?? '']).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(ApiPartialResponseError);

    server().injectFault({ endpoint: 'search/recent', hang: true });
    const started = Date.now();
    const hung = await client(300).v2.search(QUERY).catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(ApiRequestError);
    expect(Date.now() - started).toBeLessThan(5_000);

    server().injectFault({ delayMs: 150 });
    const slowStart = Date.now();
    await client().v2.search(QUERY);
    expect(Date.now() - slowStart).toBeGreaterThanOrEqual(140);
  });

  it('keeps the bearer token out of its own configuration errors', () => {
    const secret = 'super-secret-token-123';
    let message = '';
    try {
      createXClient({ bearerToken: secret, baseUrl: 'ftp://example.org' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/http or https/u);
    expect(message).not.toContain(secret);
    expect(() => createXClient({ bearerToken: ' ', baseUrl: 'https://api.x.com' })).toThrow(/empty/u);
  });
});
