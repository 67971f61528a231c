import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/http/routes/index.js';
import { finishRun, startRun, emptyRunCounts } from '../../src/store/runs.js';
import { addUser, attribute, changing, issueApiToken, seedCampaign, signIn, startApi, type ApiHarness, type SeededCampaign, type SignedIn } from './helpers.js';

let api: ApiHarness;
let seeded: SeededCampaign;
let admin: SignedIn;
let viewer: SignedIn;

beforeAll(async () => {
  api = await startApi();
  seeded = await seedCampaign(api.db.pool, 6);
  await addUser(api.db.pool, 'admin@example.org', 'admin');
  await addUser(api.db.pool, 'viewer@example.org', 'viewer');
  admin = await signIn(api.app, 'admin@example.org');
  viewer = await signIn(api.app, 'viewer@example.org');
});
afterAll(async () => api.close());

const get = (url: string, session: SignedIn = viewer, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers: { cookie: session.cookie, ...headers } });
const send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, session: SignedIn = admin) =>
  api.app.inject({ method, url, headers: changing(session), ...(payload === undefined ? {} : { payload: payload as object }) });

function expectBadParameter(response: { statusCode: number; json(): unknown }, parameter: string, message: RegExp) {
  expect(response.statusCode).toBe(400);
  const body = response.json() as { error: { code: string; parameter: string; message: string } };
  expect(body.error.code).toBe('BAD_PARAMETER');
  expect(body.error.parameter).toBe(parameter);
  expect(body.error.message).toMatch(message);
}

describe('campaigns and localities', () => {
  it('lists campaigns with counts', async () => {
    const response = await get('/api/campaigns');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [{ slug: 'hsm', name: 'Health as a Social Movement', timezone: 'Europe/London', enabled: true, localities: 2, launches: 1, sources: 2 }] });
  });

  it('shows one campaign with its localities, launches and sources, without internal ids', async () => {
    const response = await get('/api/campaigns/hsm');
    expect(response.statusCode).toBe(200);
    const body = response.json<{ campaign: unknown; launches: unknown; localities: { slug: string }[]; sources: { slug: string }[] }>();
    expect(body.campaign).toEqual({ slug: 'hsm', name: 'Health as a Social Movement', timezone: 'Europe/London', enabled: true });
    expect(body.localities.map((l) => l.slug).sort()).toEqual(['oldham', 'stockport']);
    expect(body.launches).toEqual([expect.objectContaining({ slug: 'primer', managedBy: 'config', at: '2026-11-20T10:00:00.000Z' })]);
    expect(body.sources.map((s) => s.slug)).toEqual(['hsm-blog', 'rsahealth-x']);
    expect(JSON.stringify(body)).not.toMatch(/"id":/);
  });

  it('answers 404 for an unknown campaign and 400 naming the parameter for a malformed slug', async () => {
    const missing = await get('/api/campaigns/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expectBadParameter(await get('/api/campaigns/HSM!'), 'campaign', /campaign must be a campaign slug/);
  });

  it('lists localities with their rules, also as CSV', async () => {
    const response = await get('/api/campaigns/hsm/localities');
    expect(response.json().items).toContainEqual({ slug: 'stockport', name: 'Stockport', enabled: true, hashtags: ['Stockport'], keywords: [], places: ['Marple'] });
    const csv = await get('/api/campaigns/hsm/localities.csv');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.body.split('\r\n')[0]).toBe('slug,name,enabled,hashtags,keywords,places');
    expect(csv.body).toContain('stockport,Stockport,true,Stockport,,Marple\r\n');
  });
});

describe('launches', () => {
  it('an admin adds, edits and deletes a dashboard launch', async () => {
    const created = await send('POST', '/api/campaigns/hsm/launches', { slug: 'event-stream', title: 'Event stream', at: '2026-12-03T18:30:00+01:00', url: 'https://example.org/live' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ slug: 'event-stream', managedBy: 'dashboard', at: '2026-12-03T17:30:00.000Z', url: 'https://example.org/live', description: null });

    const duplicate = await send('POST', '/api/campaigns/hsm/launches', { slug: 'event-stream', title: 'Again', at: '2026-12-03T18:30:00Z' });
    expect(duplicate.statusCode).toBe(409);

    const edited = await send('PATCH', '/api/campaigns/hsm/launches/event-stream', { title: 'Event stream (recorded)', url: null });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ title: 'Event stream (recorded)', url: null, at: '2026-12-03T17:30:00.000Z' });

    const listed = await get('/api/campaigns/hsm/launches');
    expect(listed.json<{ items: { slug: string }[] }>().items.map((l) => l.slug)).toEqual(['primer', 'event-stream']);

    expect((await send('DELETE', '/api/campaigns/hsm/launches/event-stream')).statusCode).toBe(204);
    expect((await send('DELETE', '/api/campaigns/hsm/launches/event-stream')).statusCode).toBe(404);
  });

  it('refuses to edit or delete a launch from the config file, with the reason', async () => {
    const edit = await send('PATCH', '/api/campaigns/hsm/launches/primer', { title: 'Renamed' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.message).toMatch(/comes from the config file/);
    expect((await send('DELETE', '/api/campaigns/hsm/launches/primer')).statusCode).toBe(409);
    const { rows } = await api.db.pool.query(`SELECT title FROM launches WHERE slug = 'primer'`);
    expect(rows[0].title).toBe('The primer');
  });

  it('names the bad field of a launch', async () => {
    expectBadParameter(await send('POST', '/api/campaigns/hsm/launches', { slug: 'x', title: 'T', at: '2026-12-03 18:30' }), 'at', /at must be a date-time with a time zone/);
    expectBadParameter(await send('POST', '/api/campaigns/hsm/launches', { slug: 'x', title: 'T', at: '2026-12-03T18:30:00Z', url: 'javascript:alert(1)' }), 'url', /http or https/);
    expectBadParameter(await send('POST', '/api/campaigns/hsm/launches', { slug: 'x', at: '2026-12-03T18:30:00Z' }), 'title', /title is required/);
    expectBadParameter(await send('POST', '/api/campaigns/hsm/launches', { slug: 'x', title: 'T', at: '2026-12-03T18:30:00Z', colour: 'red' }), 'colour', /not a parameter/);
    expectBadParameter(await send('PATCH', '/api/campaigns/hsm/launches/primer', {}), 'body', /at least one of/);
    const notJson = await api.app.inject({ method: 'POST', url: '/api/campaigns/hsm/launches', headers: { ...changing(admin), 'content-type': 'application/json' }, payload: '{"slug":' });
    expectBadParameter(notJson, 'body', /not valid JSON/);
  });
});

describe('sources and their health', () => {
  beforeAll(async () => {
    const run = async (status: 'succeeded' | 'failed' | 'rate-limited', startedAt: string, finishedAt: string, error?: { code: string; message: string }) => {
      const id = await startRun(api.db.pool, { sourceId: seeded.xSourceId, campaignId: seeded.campaignId, kind: 'incremental', trigger: 'schedule' });
      await finishRun(api.db.pool, id, { status, counts: { ...emptyRunCounts(), fetched: 10, newCount: 4, rateLimitWaits: status === 'rate-limited' ? 1 : 0, rateLimitWaitMs: status === 'rate-limited' ? 900_000 : 0 }, ...(error ? { error } : {}) });
      await api.db.pool.query('UPDATE ingestion_runs SET started_at = $2, finished_at = $3 WHERE id = $1', [id, startedAt, finishedAt]);
    };
    await run('succeeded', '2026-11-20T09:00:00Z', '2026-11-20T09:01:00Z');
    await run('failed', '2026-11-20T09:15:00Z', '2026-11-20T09:15:05Z', { code: 'X_NETWORK', message: 'could not reach X for /2/tweets/search/recent: ECONNRESET' });
    await run('rate-limited', '2026-11-20T09:30:00Z', '2026-11-20T09:30:05Z', { code: 'RATE_LIMITED', message: 'X rate limit reached' });
    await run('succeeded', '2026-11-20T09:45:00Z', '2026-11-20T09:46:00Z');
    await run('failed', '2026-11-20T10:00:00Z', '2026-11-20T10:00:05Z', { code: 'X_UNAUTHORIZED', message: 'X refused the bearer token (401)' });
    await api.db.pool.query(
      `UPDATE sources SET status = 'failing', last_run_at = '2026-11-20T10:00:05Z', last_success_at = '2026-11-20T09:46:00Z',
         last_error = 'X refused the bearer token (401)', last_error_code = 'X_UNAUTHORIZED', last_error_at = '2026-11-20T10:00:05Z' WHERE id = $1`,
      [seeded.xSourceId],
    );
  });

  const window = 'since=2026-11-19&until=2026-11-21';

  it('reports status, last run, last error in plain words, run counts and coverage gaps', async () => {
    const response = await get(`/api/campaigns/hsm/sources?${window}`);
    expect(response.statusCode).toBe(200);
    const x = response.json<{ items: { slug: string; coverageGaps: unknown }[] }>().items.find((s) => s.slug === 'rsahealth-x');
    expect(x).toMatchObject({
      kind: 'x-search',
      target: '#RSAhealth',
      status: 'failing',
      lastSuccessAt: '2026-11-20T09:46:00.000Z',
      nextRunAt: null,
      lastError: { code: 'X_UNAUTHORIZED', explanation: 'X refused the API token. Check X_BEARER_TOKEN.', message: 'X refused the bearer token (401)' },
      runs: { total: 5, succeeded: 2, failed: 2, rateLimited: 1, fetched: 50, newPosts: 20, rateLimitWaits: 1, rateLimitWaitMs: 900_000 },
    });
    expect(x?.coverageGaps).toEqual([
      { source: 'rsahealth-x', runKind: 'incremental', from: '2026-11-20T09:15:00.000Z', to: '2026-11-20T09:46:00.000Z', reasons: ['failed', 'rate-limited'], runs: 2, lastErrorCode: 'RATE_LIMITED', lastError: expect.stringMatching(/rate limit/) },
      { source: 'rsahealth-x', runKind: 'incremental', from: '2026-11-20T10:00:00.000Z', to: null, reasons: ['failed'], runs: 1, lastErrorCode: 'X_UNAUTHORIZED', lastError: expect.stringMatching(/X_BEARER_TOKEN/) },
    ]);
    const blog = response.json<{ items: { slug: string }[] }>().items.find((s) => s.slug === 'hsm-blog');
    expect(blog).toMatchObject({ status: 'new', lastError: null, runs: { total: 0 }, coverageGaps: [] });
  });

  it('counts only runs inside the window', async () => {
    const response = await get('/api/campaigns/hsm/sources?since=2026-11-20T09:40:00Z&until=2026-11-21');
    const x = response.json<{ items: { slug: string; runs: { total: number }; coverageGaps: unknown[] }[] }>().items.find((s) => s.slug === 'rsahealth-x');
    expect(x?.runs.total).toBe(2);
    expect(x?.coverageGaps).toHaveLength(1);
  });

  it('lists coverage gaps on their own and as CSV, and the run ledger', async () => {
    const gaps = await get(`/api/campaigns/hsm/coverage-gaps?${window}&source=rsahealth-x`);
    expect(gaps.json().items).toHaveLength(2);
    const csv = await get(`/api/campaigns/hsm/coverage-gaps.csv?${window}`);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('source,runKind,from,to,reasons,runs,lastError,lastErrorCode');
    expect(lines[1]).toMatch(/^rsahealth-x,incremental,2026-11-20T09:15:00.000Z,2026-11-20T09:46:00.000Z,failed;rate-limited,2,/);
    const runs = await get('/api/campaigns/hsm/sources/rsahealth-x/runs?limit=2');
    expect(runs.json<{ items: { status: string }[] }>().items.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    expect((await get('/api/campaigns/hsm/sources/nope/runs')).statusCode).toBe(404);
  });

  it('names a bad window', async () => {
    expectBadParameter(await get('/api/campaigns/hsm/sources?since=2026-11-21&until=2026-11-20'), 'since', /before until/);
    expectBadParameter(await get('/api/campaigns/hsm/sources?since=2026-02-30'), 'since', /must be a date like 2026-11-20/);
    expectBadParameter(await get('/api/campaigns/hsm/sources?until=yesterday'), 'until', /must be a date/);
    expectBadParameter(await get('/api/campaigns/hsm/coverage-gaps?source=nope'), 'source', /"nope" is not a source of campaign "hsm"/);
  });
});

describe('posts', () => {
  const ids = () => [...seeded.posts.entries()].sort((a, b) => b[0] - a[0]).map(([, id]) => id);

  it('pages through every post newest first with an opaque cursor, each exactly once', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: { statusCode: number; json<T>(): T } = await get(`/api/campaigns/hsm/posts?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const body = response.json<{ items: { id: number }[]; nextCursor: string | null }>();
      seen.push(...body.items.map((p) => p.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(ids());
  });

  it('keeps posts with the same time apart by id across pages', async () => {
    await api.db.pool.query(`UPDATE posts SET created_at = '2026-11-20T10:30:00.123456Z'`);
    await api.db.pool.query(`UPDATE post_sources SET post_created_at = '2026-11-20T10:30:00.123456Z'`);
    try {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const response = await get(`/api/campaigns/hsm/posts?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        const body = response.json<{ items: { id: number }[]; nextCursor: string | null }>();
        seen.push(...body.items.map((p) => p.id));
        cursor = body.nextCursor;
      } while (cursor && seen.length < 20);
      expect(seen).toEqual([...ids()].sort((a, b) => b - a));
    } finally {
      await api.db.pool.query(`UPDATE posts SET created_at = make_timestamptz(2026, 11, 20, 10, ((external_id::numeric - 1800000000000000000)::int), 0, 'UTC')`);
    }
  });

  it('shows a post with its author, metrics, localities and sources', async () => {
    await attribute(api.db.pool, seeded.campaignId, seeded.posts.get(2)!, seeded.localities.stockport!);
    const body = (await get('/api/campaigns/hsm/posts?limit=200')).json<{ items: { id: number }[] }>();
    const post = body.items.find((p) => p.id === seeded.posts.get(2));
    expect(post).toMatchObject({
      platform: 'x',
      kind: 'post',
      text: 'Post 2 about #RSAhealth',
      author: { handle: 'user2', name: 'User 2' },
      deleted: false,
      metrics: { likes: 2, reposts: 0 },
      localities: ['stockport'],
      localityOverride: false,
      sources: ['rsahealth-x'],
    });
  });

  it('filters by locality, unattributed, platform, kind, source, time and text', async () => {
    const idsOf = async (query: string) => (await get(`/api/campaigns/hsm/posts?${query}`)).json<{ items: { id: number }[] }>().items.map((p) => p.id);
    expect(await idsOf('locality=stockport')).toEqual([seeded.posts.get(2)]);
    expect(await idsOf('locality=unattributed')).not.toContain(seeded.posts.get(2));
    expect((await idsOf('locality=unattributed')).length).toBe(5);
    expect(await idsOf('platform=site')).toEqual([]);
    expect((await idsOf('platform=x&kind=post')).length).toBe(6);
    expect(await idsOf('kind=reply')).toEqual([]);
    expect((await idsOf('source=rsahealth-x')).length).toBe(6);
    expect(await idsOf('source=hsm-blog')).toEqual([]);
    expect(await idsOf('since=2026-11-20T10:03:00Z&until=2026-11-20T10:05:00Z')).toEqual([seeded.posts.get(4), seeded.posts.get(3)]);
    expect(await idsOf('q=POST%203%20ABOUT')).toEqual([seeded.posts.get(3)]);
  });

  it('treats LIKE wildcards in the search text literally', async () => {
    await api.db.pool.query(`UPDATE posts SET text = 'Stockport: 100% behind it_now' WHERE id = $1`, [seeded.posts.get(5)]);
    const idsOf = async (q: string) => (await get(`/api/campaigns/hsm/posts?q=${encodeURIComponent(q)}`)).json<{ items: { id: number }[] }>().items.map((p) => p.id);
    expect(await idsOf('100%')).toEqual([seeded.posts.get(5)]);
    expect(await idsOf('%')).toEqual([seeded.posts.get(5)]);
    expect(await idsOf('it_now')).toEqual([seeded.posts.get(5)]);
    expect(await idsOf('_')).toEqual([seeded.posts.get(5)]);
    expect(await idsOf('\\')).toEqual([]);
  });

  it('shows a tombstoned post without its text or author, marked deleted', async () => {
    await api.db.pool.query(`UPDATE posts SET deleted_at = now(), deleted_reason = 'deleted' WHERE id = $1`, [seeded.posts.get(6)]);
    const post = (await get('/api/campaigns/hsm/posts?limit=1')).json().items[0];
    expect(post).toMatchObject({ id: seeded.posts.get(6), deleted: true, text: null, author: null, url: null });
    expect(post.deletedAt).not.toBeNull();
    expect(await get('/api/campaigns/hsm/posts?q=Post%206').then((r) => r.json<{ items: unknown[] }>().items)).toEqual([]);
  });

  it('names each bad parameter and why', async () => {
    expectBadParameter(await get('/api/campaigns/hsm/posts?limit=201'), 'limit', /^limit must be at most 200$/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?limit=0'), 'limit', /at least 1/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?limit=ten'), 'limit', /whole number/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?limit=5&limit=6'), 'limit', /more than once/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?platform=facebook'), 'platform', /must be one of: x, site/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?kind=story'), 'kind', /must be one of: post, reply, quote, repost, comment/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?locality=salford'), 'locality', /not a locality of campaign "hsm"/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?source=other-source'), 'source', /not a source of campaign "hsm"/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?cursor=bm90LWEtY3Vyc29y'), 'cursor', /not a cursor this server issued/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?since=2026-11-21&until=2026-11-20'), 'since', /before until/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?q='), 'q', /must not be empty/);
    expectBadParameter(await get('/api/campaigns/hsm/posts?sort=asc'), 'sort', /sort is not a parameter of this endpoint \(it takes: since, until, locality/);
  });

  it('SQL in any parameter is only data', async () => {
    const injections = ["' OR '1'='1", "'; DROP TABLE posts; --", "1); DELETE FROM users; --", '\\x27 OR 1=1', "%' UNION SELECT password_hash FROM users --"];
    for (const text of injections) {
      const q = encodeURIComponent(text);
      const search = await get(`/api/campaigns/hsm/posts?q=${q}`);
      expect(search.statusCode, text).toBe(200);
      expect(search.json().items).toEqual([]);
      for (const url of [`/api/campaigns/hsm/posts?locality=${q}`, `/api/campaigns/hsm/posts?source=${q}`, `/api/campaigns/hsm/posts?cursor=${q}`, `/api/campaigns/hsm/posts?since=${q}`, `/api/campaigns/${q}/posts`, `/api/campaigns/hsm/launches/${q}`]) {
        expect((await get(url)).statusCode, url).toBeGreaterThanOrEqual(400);
        expect((await get(url)).statusCode, url).toBeLessThan(500);
      }
      const cursor = Buffer.from(JSON.stringify([text, 1])).toString('base64url');
      expect((await get(`/api/campaigns/hsm/posts?cursor=${cursor}`)).statusCode).toBe(400);
    }
    const intact = await api.db.pool.query('SELECT (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM users)::int AS users');
    expect(intact.rows[0]).toEqual({ posts: 6, users: 2 });
  });
});

describe("overriding a post's localities", () => {
  it('an admin sets them: the override is kept, attributions replaced, rollup hours marked, the list shows it', async () => {
    const postId = seeded.posts.get(1)!;
    await attribute(api.db.pool, seeded.campaignId, postId, seeded.localities.stockport!);
    const response = await send('PUT', `/api/campaigns/hsm/posts/${postId}/localities`, { localities: ['oldham'], note: 'Royton is in Oldham' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ postId, localities: ['oldham'], note: 'Royton is in Oldham' });

    const override = await api.db.pool.query('SELECT locality_ids, note, set_by FROM attribution_overrides WHERE post_id = $1', [postId]);
    expect((override.rows[0].locality_ids as string[]).map(Number)).toEqual([seeded.localities.oldham]);
    const rows = await api.db.pool.query('SELECT locality_id, rule, is_override, confidence FROM locality_attributions WHERE post_id = $1', [postId]);
    expect(rows.rows).toEqual([{ locality_id: seeded.localities.oldham, rule: 'override', is_override: true, confidence: 1 }]);
    const dirty = await api.db.pool.query(`SELECT hour FROM analytics_rollup_dirty_hours WHERE campaign_id = $1`, [seeded.campaignId]);
    expect(dirty.rows.map((r) => (r.hour as Date).toISOString())).toContain('2026-11-20T10:00:00.000Z');

    const listed = (await get('/api/campaigns/hsm/posts?locality=oldham')).json().items;
    expect(listed).toEqual([expect.objectContaining({ id: postId, localities: ['oldham'], localityOverride: true })]);

    const cleared = await send('PUT', `/api/campaigns/hsm/posts/${postId}/localities`, { localities: [] });
    expect(cleared.statusCode).toBe(200);
    expect((await get('/api/campaigns/hsm/posts?locality=unattributed')).json<{ items: { id: number }[] }>().items.map((p) => p.id)).toContain(postId);
  });

  it('an admin removes an override: the rules attribute the post again at once, and the hours are marked', async () => {
    const postId = seeded.posts.get(2)!;
    await api.db.pool.query(`UPDATE posts SET text = 'Walking group in Bramhall tonight #RSAhealth' WHERE id = $1`, [postId]);
    expect((await send('PUT', `/api/campaigns/hsm/posts/${postId}/localities`, { localities: ['oldham'] })).statusCode).toBe(200);
    expect((await send('DELETE', `/api/campaigns/hsm/posts/${postId}/localities`, undefined, viewer)).statusCode).toBe(403);
    await api.db.pool.query('DELETE FROM analytics_rollup_dirty_hours');

    const removed = await send('DELETE', `/api/campaigns/hsm/posts/${postId}/localities`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ postId, localities: ['stockport'] });
    expect((await api.db.pool.query('SELECT 1 FROM attribution_overrides WHERE post_id = $1', [postId])).rowCount).toBe(0);
    const rows = await api.db.pool.query('SELECT locality_id, rule, is_override FROM locality_attributions WHERE post_id = $1', [postId]);
    expect(rows.rows).toEqual([{ locality_id: seeded.localities.stockport, rule: 'place-name', is_override: false }]);
    expect((await api.db.pool.query('SELECT count(*)::int AS n FROM analytics_rollup_dirty_hours')).rows[0].n).toBeGreaterThan(0);
    expect((await get('/api/campaigns/hsm/posts?locality=stockport')).json().items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: postId, localities: ['stockport'], localityOverride: false })]),
    );

    const again = await send('DELETE', `/api/campaigns/hsm/posts/${postId}/localities`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.message).toContain(`An override of post ${postId} in campaign "hsm" does not exist`);
  });

  it('names an unknown locality, 404s a post outside the campaign, and needs an admin', async () => {
    const postId = seeded.posts.get(3)!;
    expectBadParameter(await send('PUT', `/api/campaigns/hsm/posts/${postId}/localities`, { localities: ['oldham', 'salford'] }), 'localities[1]', /"salford" is not a locality/);
    expectBadParameter(await send('PUT', `/api/campaigns/hsm/posts/${postId}/localities`, { localities: 'oldham' }), 'localities', /must be a array|must be an? array/);
    expectBadParameter(await send('PUT', '/api/campaigns/hsm/posts/abc/localities', { localities: [] }), 'id', /positive whole number/);
    expect((await send('PUT', '/api/campaigns/hsm/posts/999999/localities', { localities: [] })).statusCode).toBe(404);
    expect((await send('PUT', `/api/campaigns/hsm/posts/${postId}/localities`, { localities: [] }, viewer)).statusCode).toBe(403);
  });
});

describe('users', () => {
  it('an admin lists, adds and changes users; emails are unique whatever their case', async () => {
    const added = await send('POST', '/api/users', { email: 'new.person@example.org', role: 'viewer', password: 'twelve chars!' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ email: 'new.person@example.org', role: 'viewer', disabledAt: null });
    expect(JSON.stringify(added.json())).not.toMatch(/password/i);
    expect((await send('POST', '/api/users', { email: 'NEW.person@example.org', role: 'viewer', password: 'twelve chars!' })).statusCode).toBe(409);

    const listed = await get('/api/users', admin);
    expect(listed.json<{ items: { email: string }[] }>().items.map((u) => u.email)).toEqual(['admin@example.org', 'new.person@example.org', 'viewer@example.org']);
    const csv = await get('/api/users.csv', admin);
    expect(csv.body.split('\r\n')[0]).toBe('id,email,role,createdAt,disabledAt');

    const promoted = await send('PATCH', `/api/users/${added.json().id}`, { role: 'admin' });
    expect(promoted.json().role).toBe('admin');
  });

  it('disabling a user signs them out everywhere', async () => {
    const user = await addUser(api.db.pool, 'leaver@example.org', 'viewer');
    const session = await signIn(api.app, 'leaver@example.org');
    const response = await send('PATCH', `/api/users/${user.id}`, { disabled: true });
    expect(response.statusCode).toBe(200);
    expect(response.json().disabledAt).not.toBeNull();
    expect((await get('/api/campaigns', session)).statusCode).toBe(401);
  });

  it('keeps the last enabled admin an admin', async () => {
    await api.db.pool.query(`UPDATE users SET role = 'viewer' WHERE email <> 'admin@example.org'`);
    const { rows } = await api.db.pool.query(`SELECT id FROM users WHERE email = 'admin@example.org'`);
    const demote = await send('PATCH', `/api/users/${rows[0].id}`, { role: 'viewer' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toMatch(/last enabled admin/);
    expect((await send('PATCH', `/api/users/${rows[0].id}`, { disabled: true })).statusCode).toBe(409);
  });

  it('names bad user fields', async () => {
    expectBadParameter(await send('POST', '/api/users', { email: 'a@example.org', role: 'viewer', password: 'short' }), 'password', /password must be at least 12 characters/);
    expectBadParameter(await send('POST', '/api/users', { email: 'not an email', role: 'viewer', password: 'long enough pass' }), 'email', /email address/);
    expectBadParameter(await send('POST', '/api/users', { email: 'a@example.org', role: 'owner', password: 'long enough pass' }), 'role', /one of: viewer, admin/);
    expectBadParameter(await send('PATCH', '/api/users/1', {}), 'body', /at least one of: role, disabled, password/);
    expect((await send('PATCH', '/api/users/987654', { role: 'viewer' })).statusCode).toBe(404);
  });
});

describe('CSV exports', () => {
  it('the .csv path and Accept: text/csv give the same file; JSON stays the default', async () => {
    const suffix = await get('/api/campaigns/hsm/posts.csv?limit=3');
    const negotiated = await get('/api/campaigns/hsm/posts?limit=3', viewer, { accept: 'text/csv' });
    expect(suffix.statusCode).toBe(200);
    expect(negotiated.body).toBe(suffix.body);
    expect(suffix.headers['content-disposition']).toBe('attachment; filename="posts.csv"');
    expect(suffix.headers.link).toMatch(/^<\/api\/campaigns\/hsm\/posts\.csv\?limit=3&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    expect((await get('/api/campaigns/hsm/posts?limit=3', viewer, { accept: '*/*' })).headers['content-type']).toMatch(/application\/json/);
    const header = suffix.body.split('\r\n')[0];
    expect(header).toBe(
      'id,platform,externalId,kind,createdAt,url,text,lang,author.handle,author.name,deleted,deletedAt,parentExternalId,conversationId,metrics.likes,metrics.reposts,metrics.replies,metrics.quotes,metrics.impressions,localities,localityOverride,sources',
    );
  });

  it('quotes commas, quotes and line breaks and defuses formulas in post text', async () => {
    await api.db.pool.query(`UPDATE posts SET text = $2 WHERE id = $1`, [seeded.posts.get(4), 'He said "yes", then\r\nleft']);
    await api.db.pool.query(`UPDATE posts SET text = $2 WHERE id = $1`, [seeded.posts.get(3), '=HYPERLINK("http://evil.example","click")']);
    const csv = (await get('/api/campaigns/hsm/posts.csv?since=2026-11-20T10:03:00Z&until=2026-11-20T10:05:00Z')).body;
    expect(csv).toContain(',"He said ""yes"", then\r\nleft",');
    expect(csv).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
  });

  it('endpoints without CSV do not grow a .csv path', async () => {
    expectBadParameter(await get('/api/campaigns/hsm.csv'), 'campaign', /campaign must be a campaign slug/);
    expect((await get('/api/session.csv')).statusCode).toBe(404);
  });
});

describe('OpenAPI description', () => {
  it('describes every route from the same schemas, as valid JSON Schema 2020-12', async () => {
    const response = await get('/api/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    for (const route of apiRoutes) {
      const path = route.path.replace(/:([a-z]+)/g, '{$1}');
      expect(document.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
      if (route.csv) expect(document.paths[`${path}.csv`]?.get).toBeDefined();
    }
    const posts = document.paths['/api/campaigns/{campaign}/posts'].get;
    expect(posts.parameters).toContainEqual({ name: 'limit', in: 'query', required: false, description: 'how many to return (1 to 200, default 50)', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } });
    expect(posts.parameters).toContainEqual(expect.objectContaining({ name: 'campaign', in: 'path', required: true }));
    expect(posts.responses['200'].content['text/csv']).toBeDefined();
    expect(document.paths['/api/session'].post.security).toEqual([]);
    const item = posts.responses['200'].content['application/json'].schema.properties.items.items;
    expect(item.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' });

    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [path, operations] of Object.entries<Record<string, { parameters: { schema: object }[]; requestBody?: { content: { 'application/json': { schema: object } } } }>>(document.paths)) {
      for (const operation of Object.values(operations)) {
        for (const parameter of operation.parameters) expect(() => ajv.compile(parameter.schema), path).not.toThrow();
        if (operation.requestBody) expect(() => ajv.compile(operation.requestBody!.content['application/json'].schema), path).not.toThrow();
      }
    }
  });
});

describe('protective headers and limits', () => {
  it('every response carries the CSP without inline scripts, nosniff and a referrer policy', async () => {
    for (const response of [await get('/api/campaigns'), await api.app.inject({ method: 'GET', url: '/healthz' }), await get('/api/nothing'), await api.app.inject({ method: 'GET', url: '/api/campaigns' })]) {
      expect(response.headers['content-security-policy']).toBe("default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await get('/api/campaigns')).headers['cache-control']).toBe('no-store');
  });

  it('refuses a body over 64 KB with 413', async () => {
    const response = await send('POST', '/api/campaigns/hsm/launches', { slug: 'big', title: 'x'.repeat(70_000), at: '2026-12-01T10:00:00Z' });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('an API token reads every list the dashboard reads', async () => {
    const { rows } = await api.db.pool.query(`SELECT id FROM users WHERE email = 'viewer@example.org'`);
    const token = await issueApiToken(api.db.pool, rows[0].id);
    for (const url of ['/api/campaigns', '/api/campaigns/hsm', '/api/campaigns/hsm/posts.csv', '/api/campaigns/hsm/sources', '/api/openapi.json']) {
      expect((await api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode, url).toBe(200);
    }
  });
});
