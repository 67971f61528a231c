import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateXDataset } from '../../../src/simulators/x-api/dataset.js';
import { startFakeXApi, type FakeXApi, type FieldRequest } from '../../../src/simulators/x-api/server.js';
import { snowflakeFor } from '../../../src/simulators/x-api/snowflake.js';
import type { XDataset } from '../../../src/simulators/x-api/types.js';
import { TOKEN, getJson, post, user } from './support.js';

// The fake keeps each record's rendered JSON and serves pages assembled from it. Warm or cold, a
// response must be the very bytes it would otherwise be, and a change to the world must show at once.

const NOW = Date.parse('2026-11-21T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const COLLECTOR_FIELDS = {
  'tweet.fields': ['created_at', 'public_metrics', 'conversation_id', 'entities', 'geo', 'lang', 'referenced_tweets', 'author_id', 'in_reply_to_user_id', 'edit_history_tweet_ids'],
  expansions: ['author_id', 'geo.place_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id'],
  'user.fields': ['username', 'name', 'location', 'public_metrics', 'verified'],
  'place.fields': ['full_name', 'country_code', 'place_type', 'geo'],
} satisfies FieldRequest;

const SELECTIONS: Record<string, string>[] = [
  {},
  Object.fromEntries(Object.entries(COLLECTOR_FIELDS).map(([name, values]) => [name, values.join(',')])),
  // The same fields in another order must share the cache without changing a byte.
  Object.fromEntries(Object.entries(COLLECTOR_FIELDS).map(([name, values]) => [name, [...values].reverse().join(',')])),
  {
    'tweet.fields': 'edit_controls,possibly_sensitive,reply_settings,entities,text,in_reply_to_user_id',
    expansions: 'entities.mentions.username,in_reply_to_user_id,referenced_tweets.id',
    'user.fields': 'created_at,description,protected,public_metrics',
  },
  { 'tweet.fields': 'geo,lang', expansions: 'geo.place_id', 'place.fields': 'name,country,id' },
];

const QUOTED_INDEX = 10;

/**
 * A fresh world each call: the render cache is keyed by record object, so a cold server needs
 * records no other server has rendered. Adds posts stored without entities (they are worked out
 * from the text), with characters outside Latin-1, and quoting a post that will be deleted.
 */
function world(): XDataset {
  const dataset = generateXDataset({ seed: 'render-cache', count: 400, start: new Date(NOW - 5 * 86_400_000), end: new Date(NOW - 3_600_000) });
  const [first, second] = dataset.users;
  if (!first || !second) throw new Error('the generated world has too few users');
  const quoted = dataset.tweets[QUOTED_INDEX];
  const at = (minutes: number): string => iso(NOW - minutes * 60_000);
  dataset.tweets.push(
    post(snowflakeFor(NOW - 50 * 60_000), `Stored without entities 🎉 #RSAhealth @${second.username} https://example.org/a… "quoted" \\ done`, first.id, at(50)),
    post(snowflakeFor(NOW - 40 * 60_000), 'Quoting a post about to go #RSAhealth', second.id, at(40), {
      referenced_tweets: [{ type: 'quoted', id: quoted?.id ?? '1' }, { type: 'replied_to', id: '1234567890' }],
    }),
  );
  return dataset;
}

async function startWith(dataset: XDataset): Promise<FakeXApi> {
  const unlimited = { limit: 1_000_000, windowMs: 900_000 };
  return startFakeXApi({ bearerToken: TOKEN, dataset, now: () => new Date(NOW), rateLimits: { 'search/recent': unlimited, tweets: unlimited } });
}

interface Served {
  status: number;
  contentType: string | null;
  contentLength: string | null;
  text: string;
}

/** `order` cut down to the keys present, for checking that present keys come in that order. */
function inOrder(keys: readonly string[], order: readonly string[]): string[] {
  return order.filter((key) => keys.includes(key));
}

async function serve(fake: FakeXApi, pathAndQuery: string): Promise<Served> {
  const { status, headers, text } = await getJson(fake, pathAndQuery);
  return { status, contentType: headers.get('content-type'), contentLength: headers.get('content-length'), text };
}

/** Every page of a search, following next_token, as served. */
async function searchPages(fake: FakeXApi, params: Record<string, string>): Promise<Served[]> {
  const pages: Served[] = [];
  let token: string | undefined;
  do {
    const query = new URLSearchParams({ ...params, ...(token ? { next_token: token } : {}) });
    const page = await serve(fake, `/2/tweets/search/recent?${query.toString()}`);
    pages.push(page);
    token = (JSON.parse(page.text) as { meta?: { next_token?: string } }).meta?.next_token;
  } while (token);
  return pages;
}

describe('fake X API render cache', () => {
  let warm: FakeXApi | undefined;
  let cold: FakeXApi | undefined;
  let dataset: XDataset;

  beforeAll(async () => {
    dataset = world();
    warm = await startWith(dataset);
    cold = await startWith(world());
    warm.prerender(COLLECTOR_FIELDS);
    for (const fake of [warm, cold]) {
      fake.deleteTweet(dataset.tweets[QUOTED_INDEX]?.id ?? '');
      fake.protectUser(dataset.users[2]?.id ?? '');
    }
  });
  afterAll(async () => {
    await Promise.all([warm?.close(), cold?.close()]);
  });

  it('serves searches and lookups byte for byte the same with a warmed cache as without', async () => {
    const ids = dataset.tweets.filter((_, i) => i % 5 === 0).map((t) => t.id);
    const lookups = [
      ids.slice(0, 100).join(','),
      [dataset.tweets[QUOTED_INDEX]?.id, '99999', ...ids.slice(100, 110)].join(','),
      dataset.tweets.slice(-2).map((t) => t.id).join(','),
    ];
    for (const selection of SELECTIONS) {
      for (const query of ['#RSAhealth', 'has:mentions', 'is:quote OR is:reply']) {
        const params = { query, max_results: '100', ...selection };
        const coldPages = await searchPages(cold as FakeXApi, params);
        expect(await searchPages(warm as FakeXApi, params)).toEqual(coldPages);
        // Served again from a cache its first serving filled.
        expect(await searchPages(cold as FakeXApi, params)).toEqual(coldPages);
      }
      for (const idList of lookups) {
        const path = `/2/tweets?${new URLSearchParams({ ids: idList, ...selection }).toString()}`;
        const coldLookup = await serve(cold as FakeXApi, path);
        expect(await serve(warm as FakeXApi, path)).toEqual(coldLookup);
      }
    }
  });

  it('writes bodies as JSON.stringify would, keys in X order, with the JSON content type', async () => {
    const params = new URLSearchParams({ query: 'is:quote OR is:reply', max_results: '100', ...SELECTIONS[3] });
    const search = await serve(warm as FakeXApi, `/2/tweets/search/recent?${params.toString()}`);
    const lookup = await serve(warm as FakeXApi, `/2/tweets?ids=${dataset.tweets.at(-1)?.id},99999&expansions=referenced_tweets.id,author_id`);
    for (const served of [search, lookup]) {
      expect(served.status).toBe(200);
      expect(served.contentType).toBe('application/json; charset=utf-8');
      expect(Number(served.contentLength)).toBe(Buffer.byteLength(served.text));
      const body = JSON.parse(served.text) as Record<string, Record<string, unknown>>;
      expect(JSON.stringify(body)).toBe(served.text);
      expect(Object.keys(body)).toEqual(inOrder(Object.keys(body), ['data', 'includes', 'errors', 'meta']));
      expect(Object.keys(body.includes ?? {})).toEqual(inOrder(Object.keys(body.includes ?? {}), ['users', 'tweets', 'places']));
    }
    expect(Object.keys(JSON.parse(search.text) as object)).toEqual(['data', 'includes', 'errors', 'meta']);
    expect(Object.keys((JSON.parse(search.text) as { includes: object }).includes)).toEqual(['users', 'tweets']);
    expect(Object.keys(JSON.parse(lookup.text) as object)).toEqual(['data', 'includes', 'errors']);
  });

  it('refuses to prerender a field X does not define', () => {
    expect(() => warm?.prerender({ 'tweet.fields': ['created_at', 'favourite_colour'] })).toThrow(/favourite_colour/u);
  });
});

describe('fake X API render cache after the world changes', () => {
  let fake: FakeXApi | undefined;
  const server = (): FakeXApi => {
    if (!fake) throw new Error('fake X API not started');
    return fake;
  };
  const author = user('10', 'AmiraP', { location: 'Marple' });
  const mentioned = user('20', 'StockportTH');
  const posts = [0, 1, 2].map((i) => {
    const ms = NOW - (60 - i) * 60_000;
    return post(snowflakeFor(ms), `Post ${i} #RSAhealth @StockportTH`, '10', iso(ms));
  });
  const [first, second, third] = posts.map((p) => p.id) as [string, string, string];
  const fields = {
    'tweet.fields': ['public_metrics', 'entities', 'author_id'],
    expansions: ['author_id', 'entities.mentions.username'],
    'user.fields': ['name', 'protected'],
  } satisfies FieldRequest;
  const query = Object.fromEntries(Object.entries(fields).map(([name, values]) => [name, values.join(',')]));

  async function lookup(ids: string): Promise<Record<string, unknown>> {
    const { status, body } = await getJson(server(), `/2/tweets?${new URLSearchParams({ ids, ...query }).toString()}`);
    expect(status).toBe(200);
    return body as Record<string, unknown>;
  }

  async function searchIds(): Promise<string[]> {
    const { body } = await getJson(server(), `/2/tweets/search/recent?${new URLSearchParams({ query: '#RSAhealth', ...query }).toString()}`);
    return ((body as { data?: { id: string }[] }).data ?? []).map((t) => t.id);
  }

  beforeAll(async () => {
    fake = await startFakeXApi({ bearerToken: TOKEN, dataset: { tweets: posts, users: [author, mentioned] }, now: () => new Date(NOW) });
  });
  // Every check starts from a cache holding what was served before the change.
  afterEach(() => server().prerender(fields));
  afterAll(async () => {
    await fake?.close();
  });

  it('shows updated metrics', async () => {
    server().prerender(fields);
    expect(await lookup(first)).toMatchObject({ data: [{ public_metrics: { like_count: 3 } }] });
    server().updateMetrics(first, { like_count: 250 });
    expect(await lookup(first)).toMatchObject({ data: [{ public_metrics: { like_count: 250, retweet_count: 1 } }] });
  });

  it('shows an edit: the new version, and the old one with its longer history', async () => {
    const edited = server().editTweet(second, 'Post 1, edited #RSAhealth');
    const body = await lookup(`${second},${edited.id}`);
    expect(body.data).toEqual([
      expect.objectContaining({ id: second, text: 'Post 1 #RSAhealth @StockportTH', edit_history_tweet_ids: [second, edited.id] }),
      expect.objectContaining({ id: edited.id, text: 'Post 1, edited #RSAhealth', edit_history_tweet_ids: [second, edited.id] }),
    ]);
    expect((body.data as Record<string, unknown>[])[1]).toMatchObject({ entities: { hashtags: [{ tag: 'RSAhealth' }] } });
    expect((body.data as Record<string, unknown>[])[1]).not.toHaveProperty('entities.mentions');
  });

  it('drops a deleted post from lookups and search', async () => {
    expect(await searchIds()).toContain(third);
    server().deleteTweet(third);
    expect(await searchIds()).not.toContain(third);
    expect(await lookup(third)).toEqual({ errors: [expect.objectContaining({ resource_id: third, title: 'Not Found Error' })] });
  });

  it('shows a user protected, and renamed, since their record was rendered', async () => {
    expect(await lookup(first)).toMatchObject({ includes: { users: [{ id: '10' }, { id: '20', name: 'StockportTH', protected: false }] } });
    server().protectUser('20');
    expect(await lookup(first)).toMatchObject({ includes: { users: [{ id: '10' }, { id: '20', protected: true }] } });
    server().addUsers([{ ...author, name: 'Amira P.' }]);
    expect(await lookup(first)).toMatchObject({ includes: { users: [{ id: '10', name: 'Amira P.' }, { id: '20' }] } });
  });

  it('shows a post replaced under the same id, with entities worked out from its new text', async () => {
    const replaced = post(first, 'Replaced, now about #Oldham', '10', posts[0]?.created_at ?? iso(NOW));
    server().addTweets([replaced]);
    const body = await lookup(first);
    expect(body.data).toEqual([
      expect.objectContaining({ text: 'Replaced, now about #Oldham', entities: { hashtags: [{ start: 20, end: 27, tag: 'Oldham' }] } }),
    ]);
    expect(body.includes).toEqual({ users: [{ id: '10', name: 'Amira P.', username: 'AmiraP', protected: false }] });
  });
});
