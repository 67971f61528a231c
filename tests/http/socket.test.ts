import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestQueue, type IngestQueue } from '../../workers/queues.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/db.js';
import { PASSWORD, addUser, seedCampaign, startApi, type ApiHarness } from './helpers.js';

// The same app over a real socket (port 0), as a browser and a script meet it: cookies, CSRF,
// CSV downloads, the Bull Board page and its same-origin rule.

let api: ApiHarness;
let queue: IngestQueue;
let base: string;

beforeAll(async () => {
  queue = createIngestQueue(TEST_REDIS_URL, redisPrefix('board'));
  api = await startApi({ ingestQueue: queue });
  await seedCampaign(api.db.pool);
  await addUser(api.db.pool, 'admin@example.org', 'admin');
  await addUser(api.db.pool, 'viewer@example.org', 'viewer');
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await api.close();
  await queue.close();
  await queue.disconnect();
});

async function signIn(email: string): Promise<{ cookie: string; csrfToken: string; setCookie: string }> {
  const response = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get('set-cookie')!;
  const body = (await response.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie };
}

describe('over a real socket', () => {
  it('signs in, reads with the cookie, and changes only with the CSRF token', async () => {
    const session = await signIn('admin@example.org');
    expect(session.setCookie).toMatch(/^gs_session=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);

    expect((await fetch(`${base}/api/campaigns`)).status).toBe(401);
    const campaigns = await fetch(`${base}/api/campaigns`, { headers: { cookie: session.cookie } });
    expect(campaigns.status).toBe(200);
    expect(campaigns.headers.get('content-security-policy')).toContain("script-src 'self'");

    const launch = JSON.stringify({ slug: 'socket-launch', title: 'Over the wire', at: '2026-12-01T10:00:00Z' });
    const withoutToken = await fetch(`${base}/api/campaigns/hsm/launches`, { method: 'POST', headers: { cookie: session.cookie, 'content-type': 'application/json' }, body: launch });
    expect(withoutToken.status).toBe(403);
    expect(((await withoutToken.json()) as { error: { code: string } }).error.code).toBe('CSRF_TOKEN_MISSING');
    const withToken = await fetch(`${base}/api/campaigns/hsm/launches`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: launch,
    });
    expect(withToken.status).toBe(201);
  });

  it('downloads a CSV and answers 400 with the reason for a bad parameter', async () => {
    const session = await signIn('viewer@example.org');
    const csv = await fetch(`${base}/api/campaigns/hsm/posts.csv?limit=2`, { headers: { cookie: session.cookie } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    const lines = (await csv.text()).split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^\d+,x,1800000000000000006,post,2026-11-20T10:06:00.000Z,/);

    const bad = await fetch(`${base}/api/campaigns/hsm/posts?limit=1000`, { headers: { cookie: session.cookie } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: 'BAD_PARAMETER', parameter: 'limit', in: 'query', message: 'limit must be at most 200' } });
  });

  it('source health gives the next run from the queue’s scheduler', async () => {
    await queue.upsertJobScheduler('source:rsahealth-x', { every: 900_000 }, { name: 'incremental', data: { sourceId: 1, sourceSlug: 'rsahealth-x' } });
    const session = await signIn('viewer@example.org');
    const response = await fetch(`${base}/api/campaigns/hsm/sources`, { headers: { cookie: session.cookie } });
    const items = ((await response.json()) as { items: { slug: string; nextRunAt: string | null }[] }).items;
    const next = Date.parse(items.find((s) => s.slug === 'rsahealth-x')!.nextRunAt!);
    expect(next).toBeGreaterThan(Date.now() - 1_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(items.find((s) => s.slug === 'hsm-blog')!.nextRunAt).toBeNull();
  });
});

describe('Bull Board at /admin/queues', () => {
  it('is served to admins only', async () => {
    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    const viewer = await signIn('viewer@example.org');
    expect((await fetch(`${base}/admin/queues`, { headers: { cookie: viewer.cookie } })).status).toBe(403);
    expect((await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie: viewer.cookie } })).status).toBe(403);

    const admin = await signIn('admin@example.org');
    const page = await fetch(`${base}/admin/queues`, { headers: { cookie: admin.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<base href="/admin/queues/"');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const queues = await fetch(`${base}/admin/queues/api/queues`, { headers: { cookie: admin.cookie } });
    expect(queues.status).toBe(200);
    expect(JSON.stringify(await queues.json())).toContain('"name":"ingest"');
  });

  it('takes changes only from its own origin', async () => {
    const admin = await signIn('admin@example.org');
    const pause = (headers: Record<string, string>) => fetch(`${base}/admin/queues/api/queues/ingest/pause`, { method: 'PUT', headers: { cookie: admin.cookie, ...headers } });
    const crossSite = await pause({ origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('CROSS_ORIGIN');
    expect((await pause({})).status).toBe(403);
    expect(await queue.isPaused()).toBe(false);
    expect((await pause({ origin: base })).status).toBe(200);
    expect(await queue.isPaused()).toBe(true);
  });
});
