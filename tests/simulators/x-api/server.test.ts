import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeXApi, type FakeXApi } from '../../../src/simulators/x-api/server.js';
import { snowflakeFor } from '../../../src/simulators/x-api/snowflake.js';
import type { XPlaceRecord, XTweetRecord } from '../../../src/simulators/x-api/types.js';
import { TOKEN, getJson, post, user, validateEveryResponse } from './support.js';

// Wire-level behaviour of the fake X API, checked with plain fetch so nothing in a client library
// hides what the fake actually sends.

const NOW = Date.parse('2026-11-21T12:00:00.000Z');
const minutesAgo = (m: number): number => NOW - m * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const place: XPlaceRecord = {
  id: '0123456789abcdef',
  full_name: 'Marple, England',
  name: 'Marple',
  country: 'United Kingdom',
  country_code: 'GB',
  place_type: 'city',
  geo: { type: 'Feature', bbox: [-2.09, 53.37, -2.03, 53.41], properties: {} },
};

// 30 posts a minute apart, all with the hashtag; ids follow time like X's snowflakes.
const tweets: XTweetRecord[] = Array.from({ length: 30 }, (_, i) => {
  const ms = minutesAgo(100 - i);
  const id = snowflakeFor(ms);
  return post(id, `Post ${i} #RSAhealth`, i % 2 === 0 ? '10' : '20', iso(ms), i === 29 ? { geo: { place_id: place.id } } : {});
});
const ids = tweets.map((t) => t.id);

let fake: FakeXApi | undefined;
let nowMs = NOW;
const server = (): FakeXApi => fake as FakeXApi;

beforeAll(async () => {
  fake = await startFakeXApi({
    bearerToken: TOKEN,
    dataset: { tweets, users: [user('10', 'AmiraP', { location: 'Marple' }), user('20', 'StockportTH')], places: [place] },
    now: () => new Date(nowMs),
    recordBodies: true,
    rateLimits: { 'counts/recent': { limit: 3, windowMs: 60_000 } },
  });
});
afterAll(async () => {
  await fake?.close();
});
validateEveryResponse(() => fake);

interface SearchBody {
  data?: Record<string, unknown>[];
  includes?: Record<string, Record<string, unknown>[]>;
  meta: { newest_id?: string; oldest_id?: string; result_count: number; next_token?: string };
}

async function search(params: Record<string, string>): Promise<SearchBody> {
  const { status, body } = await getJson(server(), `/2/tweets/search/recent?${new URLSearchParams(params).toString()}`);
  expect(status).toBe(200);
  return body as SearchBody;
}

describe('fake X API search', () => {
  it('returns the default fields only, newest first, with meta', async () => {
    const body = await search({ query: '#RSAhealth' });
    expect(Object.keys(body)).toEqual(['data', 'meta']);
    expect(body.data?.[0]).toEqual({ id: ids[29], text: 'Post 29 #RSAhealth', edit_history_tweet_ids: [ids[29]] });
    expect(body.data?.map((t) => t.id)).toEqual(ids.slice(20).reverse());
    expect(body.meta).toMatchObject({ newest_id: ids[29], oldest_id: ids[20], result_count: 10 });
    expect(typeof body.meta.next_token).toBe('string');
  });

  it('returns exactly the requested fields and expansions, and never an empty array', async () => {
    const body = await search({
      query: '#RSAhealth',
      max_results: '10',
      'tweet.fields': 'created_at,author_id,geo,entities,referenced_tweets',
      expansions: 'author_id,geo.place_id',
      'user.fields': 'location',
      'place.fields': 'country_code',
    });
    const newest = body.data?.[0];
    expect(newest).toEqual({
      id: ids[29],
      text: 'Post 29 #RSAhealth',
      edit_history_tweet_ids: [ids[29]],
      author_id: '20',
      created_at: tweets[29]?.created_at,
      geo: { place_id: place.id },
      entities: { hashtags: [{ start: 8, end: 18, tag: 'RSAhealth' }] },
    });
    expect(body.data?.[1]).not.toHaveProperty('geo');
    expect(body.data?.some((t) => 'referenced_tweets' in t)).toBe(false);
    expect(body.includes).toEqual({
      users: [
        { id: '20', name: 'StockportTH', username: 'StockportTH' },
        { id: '10', name: 'AmiraP', username: 'AmiraP', location: 'Marple' },
      ],
      places: [{ id: place.id, full_name: 'Marple, England', country_code: 'GB' }],
    });
  });

  it('answers an empty search with exactly {"meta":{"result_count":0}}', async () => {
    const { text } = await getJson(server(), `/2/tweets/search/recent?query=${encodeURIComponent('#nothingmatches')}`);
    expect(text).toBe('{"meta":{"result_count":0}}');
  });

  it('treats since_id and until_id as exclusive bounds', async () => {
    const body = await search({ query: '#RSAhealth', since_id: ids[10] ?? '', until_id: ids[15] ?? '' });
    expect(body.data?.map((t) => t.id)).toEqual(ids.slice(11, 15).reverse());
  });

  it('keeps pages stable when posts arrive between page requests, via next_token or pagination_token', async () => {
    const first = await search({ query: '#RSAhealth', max_results: '10' });
    const arrivals = [1, 2, 3].map((i) => post(snowflakeFor(minutesAgo(3) + i), `Late ${i} #RSAhealth`, '20', iso(minutesAgo(3) + i)));
    server().addTweets(arrivals);
    const second = await search({ query: '#RSAhealth', max_results: '10', next_token: first.meta.next_token ?? '' });
    const third = await search({ query: '#RSAhealth', max_results: '10', pagination_token: second.meta.next_token ?? '' });
    const served = [first, second, third].flatMap((p) => p.data?.map((t) => t.id) ?? []);
    expect(served).toEqual([...ids].reverse());
    expect(third.meta.next_token).toBeUndefined();
    // A fresh search sees the arrivals first.
    const fresh = await search({ query: '#RSAhealth', max_results: '10' });
    expect(fresh.data?.slice(0, 3).map((t) => t.id)).toEqual(arrivals.map((t) => t.id).reverse());
  });

  it('rejects a next_token from a different query', async () => {
    const first = await search({ query: '#RSAhealth', max_results: '10' });
    const { status, body } = await getJson(server(), `/2/tweets/search/recent?query=Post&next_token=${first.meta.next_token ?? ''}`);
    expect(status).toBe(400);
    expect((body as { errors: { parameters: Record<string, string[]> }[] }).errors[0]?.parameters).toHaveProperty('next_token');
  });

  it('rejects bad parameters with X 400 shape', async () => {
    const cases = [
      'query=%23RSAhealth&max_results=101',
      `query=%23RSAhealth&start_time=${iso(NOW - 8 * 24 * 3600_000)}`,
      `query=%23RSAhealth&end_time=${iso(NOW)}`,
      'query=%23RSAhealth&since_id=abc',
      'query=%23RSAhealth&tweet.fields=colour',
      'query=%23RSAhealth&colour=blue',
      `query=${'a'.repeat(513)}`,
      'query=(unbalanced',
      'max_results=10',
    ];
    for (const query of cases) {
      const { status, body } = await getJson(server(), `/2/tweets/search/recent?${query}`);
      expect(status, query).toBe(400);
      expect(body).toMatchObject({ title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request' });
    }
  });

  it('drops deleted posts and superseded edit versions from search; lookups follow the edit chain', async () => {
    const edited = server().editTweet(ids[29] ?? '', 'Post 29, edited #RSAhealth');
    expect(edited.edit_history_tweet_ids).toEqual([ids[29], edited.id]);
    expect(BigInt(edited.id)).toBeGreaterThan(BigInt(ids[29] ?? '0'));
    nowMs += 60_000;
    server().deleteTweet(ids[28] ?? '');
    const body = await search({ query: '#RSAhealth', max_results: '100' });
    const found = body.data?.map((t) => t.id) ?? [];
    expect(found[0]).toBe(edited.id);
    expect(found).not.toContain(ids[29]);
    expect(found).not.toContain(ids[28]);
    const lookup = await getJson(server(), `/2/tweets?ids=${ids[29]},${ids[28]}`);
    expect(lookup.body).toEqual({
      data: [{ id: ids[29], text: 'Post 29 #RSAhealth', edit_history_tweet_ids: [ids[29], edited.id] }],
      errors: [expect.objectContaining({ resource_id: ids[28], title: 'Not Found Error' })],
    });
  });
});

describe('fake X API counts, auth, rate limits and routing', () => {
  it('buckets counts on UTC boundaries, the first starting at start_time', async () => {
    const start = '2026-11-21T10:30:00.000Z';
    const end = '2026-11-21T11:40:00.000Z';
    const { body, headers } = await getJson(server(), `/2/tweets/counts/recent?query=%23RSAhealth&granularity=hour&start_time=${start}&end_time=${end}`);
    const data = (body as { data: { start: string; end: string; tweet_count: number }[] }).data;
    expect(data.map((b) => [b.start, b.end])).toEqual([
      [start, '2026-11-21T11:00:00.000Z'],
      ['2026-11-21T11:00:00.000Z', end],
    ]);
    expect((body as { meta: { total_tweet_count: number } }).meta.total_tweet_count).toBe(data.reduce((n, b) => n + b.tweet_count, 0));
    expect(headers.get('x-rate-limit-limit')).toBe('3');
  });

  it('sends rate-limit headers and a 429 with X body once the window is spent, then resets with the clock', async () => {
    let last = await getJson(server(), '/2/tweets/counts/recent?query=x');
    while (last.status === 200) last = await getJson(server(), '/2/tweets/counts/recent?query=x');
    expect(last.status).toBe(429);
    expect(last.body).toEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    expect(last.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(last.headers.get('x-rate-limit-reset'));
    expect(reset * 1000).toBeGreaterThan(nowMs);
    nowMs = reset * 1000 + 1;
    expect((await getJson(server(), '/2/tweets/counts/recent?query=x')).status).toBe(200);
  });

  it('requires the bearer token', async () => {
    const response = await fetch(`${server().url}/2/tweets?ids=1`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    expect((await getJson(server(), '/2/tweets?ids=1', 'nope')).status).toBe(401);
  });

  it('answers unknown routes with 404 and logs every request', async () => {
    const { status } = await getJson(server(), '/2/users/me');
    expect(status).toBe(404);
    const last = server().requests().at(-1);
    expect(last).toMatchObject({ method: 'GET', path: '/2/users/me', status: 404 });
  });

  it('moves a compliance job from created to in_progress to complete after the configured delay', async () => {
    server().setComplianceDelay(80);
    const created = await fetch(`${server().url}/2/compliance/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'tweets', name: 'slow' }),
    });
    const job = ((await created.json()) as { data: { id: string; status: string; upload_url: string; download_url: string } }).data;
    expect(job.status).toBe('created');
    expect((await fetch(job.upload_url, { method: 'PUT', body: `${ids[0]}\n999\n` })).status).toBe(200);
    const status = async (): Promise<string> => ((await getJson(server(), `/2/compliance/jobs/${job.id}`)).body as { data: { status: string } }).data.status;
    expect(await status()).toBe('in_progress');
    expect((await fetch(job.download_url)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await status()).toBe('complete');
    const lines = (await (await fetch(job.download_url)).text()).trim().split('\n').map((l) => JSON.parse(l) as { id: string; reason: string });
    expect(lines.map((l) => [l.id, l.reason])).toEqual([['999', 'deleted']]);
    expect((await fetch(job.download_url.replace(/key=\w+/u, 'key=forged'))).status).toBe(403);
    server().setComplianceDelay(0);
  });

  it('closes promptly and idempotently even with a hung request outstanding', async () => {
    const other = await startFakeXApi({ bearerToken: TOKEN });
    other.injectFault({ hang: true });
    const pending = fetch(`${other.url}/2/tweets?ids=1`, { headers: { authorization: `Bearer ${TOKEN}` } }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(other.requests()[0]?.status).toBeNull();
    await Promise.all([other.close(), other.close()]);
    expect(await pending).toBeInstanceOf(Error);
  });
});
