import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyApiRoute } from '../../src/http/api-route.js';
import { BODY_LIMIT_BYTES } from '../../src/http/app.js';
import { hashToken, newSessionToken } from '../../src/http/auth/tokens.js';
import { apiRoutes } from '../../src/http/routes/index.js';
import { createIngestQueue, type IngestQueue } from '../../workers/queues.js';
import { addUser, changing, seedCampaign, signIn, startApi, type ApiHarness, type SignedIn } from '../http/helpers.js';
import { runCli } from '../support/cli.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { freePort } from '../support/private-services.js';
import { CampaignFakes } from './campaign-fakes.js';
import { CliProcess, type LogLine } from './cli-process.js';

// Hostile input at the HTTP API, and secrets in the logs. The first part drives buildApp() with
// inject(): every parameter of every route (path, query and body, enumerated from the route
// objects, so a new route is covered when it is added) receives SQL-injection strings; sessions are
// forged, tampered with and expired; a viewer knocks on every admin route; bodies are too big. The
// second part runs the whole system (`groundswell start` against the fakes, staff commands, a
// browser's sign-in and requests over a real socket) and reads every line it logged.

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE posts; --",
  '1; DELETE FROM users; --',
  "' UNION SELECT email, password_hash FROM users --",
  "'; SELECT pg_sleep(5); --",
  '" OR ""="',
  "1' AND 1=CAST((SELECT password_hash FROM users LIMIT 1) AS int) --",
  '$1) OR true; --',
  "\\'; TRUNCATE sessions CASCADE; --",
  "%' OR 1=1 --",
  '%',
];

/** The keys of an object schema (through refinements and pipes), for enumerating a route's parameters. */
function keysOf(schema: z.ZodType | undefined): string[] {
  if (!schema) return [];
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return keysOf(schema.in as z.ZodType);
  return [];
}

const pathParams = (route: AnyApiRoute) => [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);

describe('the HTTP API under hostile input', () => {
  let api: ApiHarness;
  let queue: IngestQueue;
  let admin: SignedIn;
  let viewer: SignedIn;
  let targetUserId: number;
  let postId: number;
  let created = 0;

  beforeAll(async () => {
    queue = createIngestQueue(TEST_REDIS_URL, redisPrefix('security'));
    api = await startApi({ ingestQueue: queue });
    const seeded = await seedCampaign(api.db.pool);
    postId = seeded.posts.get(1)!;
    await addUser(api.db.pool, 'admin@example.org', 'admin');
    await addUser(api.db.pool, 'viewer@example.org', 'viewer');
    targetUserId = (await addUser(api.db.pool, 'target@example.org', 'viewer')).id;
    admin = await signIn(api.app, 'admin@example.org');
    viewer = await signIn(api.app, 'viewer@example.org');
    const launch = await api.app.inject({ method: 'POST', url: '/api/campaigns/hsm/launches', headers: changing(admin), payload: { slug: 'dash', title: 'A dashboard launch', at: '2026-12-01T10:00:00Z' } });
    expect(launch.statusCode, launch.body).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
    await queue?.close();
  });

  const baselinePath = (name: string, route: AnyApiRoute): string =>
    ({ campaign: 'hsm', launch: 'dash', source: 'rsahealth-x', id: String(route.path.startsWith('/api/users') ? targetUserId : postId) })[name] ?? 'x';

  /** A request the route would accept, so the one injected parameter is what decides the answer. */
  function baselineBody(route: AnyApiRoute): Record<string, unknown> | undefined {
    if (!route.body) return undefined;
    created += 1;
    const bodies: Record<string, Record<string, unknown>> = {
      'POST /api/session': { email: 'nobody@example.org', password: 'not the password at all' },
      'POST /api/campaigns/:campaign/launches': { slug: `injected-${created}`, title: 'An injected launch', at: '2026-12-02T10:00:00Z' },
      'PATCH /api/campaigns/:campaign/launches/:launch': { title: 'A renamed launch' },
      'PUT /api/campaigns/:campaign/posts/:id/localities': { localities: ['stockport'], note: 'checked by hand' },
      'POST /api/users': { email: `injected-${created}@example.org`, role: 'viewer', password: 'a long enough password' },
      'PATCH /api/users/:id': { role: 'viewer' },
    };
    return bodies[`${route.method} ${route.path}`] ?? {};
  }

  function send(route: AnyApiRoute, as: SignedIn | undefined, inject?: { in: 'path' | 'query' | 'body'; name: string; value: unknown }): Promise<LightMyRequestResponse> {
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(inject?.in === 'path' && inject.name === name ? String(inject.value) : baselinePath(name, route)));
    const query = inject?.in === 'query' ? `?${new URLSearchParams({ [inject.name]: String(inject.value) }).toString()}` : '';
    const body = baselineBody(route);
    if (body && inject?.in === 'body') body[inject.name] = inject.value;
    const headers = as && route.access !== 'public' ? (route.method === 'GET' ? { cookie: as.cookie } : changing(as)) : {};
    return api.app.inject({ method: route.method, url: `${path}${query}`, headers, ...(body ? { payload: body } : {}) });
  }

  it('refuses SQL injection in every path, query and body parameter of every route (400), or keeps it as plain data', async () => {
    const postsBefore = (await api.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM posts')).rows[0]!.n;
    const outcomes = new Map<number, number>();
    const problems: string[] = [];
    let requests = 0;
    for (const route of apiRoutes) {
      const targets = [
        ...pathParams(route).map((name) => ({ in: 'path' as const, name })),
        ...keysOf(route.query).map((name) => ({ in: 'query' as const, name })),
        ...keysOf(route.body).map((name) => ({ in: 'body' as const, name })),
      ];
      for (const target of targets) {
        const baseline = target.in === 'body' ? baselineBody(route)?.[target.name] : undefined;
        const values: unknown[] = Array.isArray(baseline) ? [...INJECTIONS, ...INJECTIONS.map((text) => [text])] : INJECTIONS;
        for (const value of values) {
          const started = Date.now();
          const response = await send(route, admin, { ...target, value });
          requests += 1;
          const took = Date.now() - started;
          outcomes.set(response.statusCode, (outcomes.get(response.statusCode) ?? 0) + 1);
          const where = `${route.method} ${route.path} ${target.in} ${target.name}=${JSON.stringify(value)}`;
          // 401 and 429 are the sign-in route's answers to a wrong password and to too many of them.
          const allowed = route.path === '/api/session' && route.method === 'POST' ? [400, 401, 429] : [200, 201, 204, 400, 404, 409];
          if (!allowed.includes(response.statusCode)) problems.push(`${where}: ${response.statusCode} ${response.body.slice(0, 200)}`);
          if (took > 4_000) problems.push(`${where}: took ${took} ms (was SQL executed?)`);
          if (response.statusCode < 300 && response.statusCode !== 204) {
            const json: unknown = response.json();
            // Accepted as data: a search for it finds nothing (no post contains it), anything stored says it back verbatim.
            if (target.name === 'q') {
              if ((json as { items: unknown[] }).items.length !== 0) problems.push(`${where}: the search matched ${(json as { items: unknown[] }).items.length} post(s)`);
            } else if (target.in === 'body' && target.name !== 'password' && typeof value === 'string' && !JSON.stringify(json).includes(JSON.stringify(value).slice(1, -1))) {
              problems.push(`${where}: accepted, but not stored as the text it is: ${response.body.slice(0, 200)}`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // Nothing was dropped, deleted or truncated, and the admin's session still works.
    const counts = await api.db.pool.query<{ posts: number; users: number; sessions: number }>(
      `SELECT (SELECT count(*)::int FROM posts) AS posts,
              (SELECT count(*)::int FROM users WHERE email IN ('admin@example.org', 'viewer@example.org', 'target@example.org')) AS users,
              (SELECT count(*)::int FROM sessions) AS sessions`,
    );
    expect(counts.rows[0]).toMatchObject({ posts: postsBefore, users: 3 });
    expect(counts.rows[0]!.sessions).toBeGreaterThanOrEqual(2);
    expect((await api.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
    expect(requests).toBeGreaterThan(500);
    console.info(`[faults] security: ${requests} injected requests over ${apiRoutes.length} routes: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`);
  }, 120_000);

  it('refuses forged, tampered, expired, signed-out and disabled-user session cookies with 401, and clears them', async () => {
    const flip = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const expired = await signIn(api.app, 'viewer@example.org');
    await api.db.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, [hashToken(expired.token)]);
    const signedOut = await signIn(api.app, 'viewer@example.org');
    expect((await api.app.inject({ method: 'DELETE', url: '/api/session', headers: changing(signedOut) })).statusCode).toBe(204);
    const toDisable = await addUser(api.db.pool, 'leaver@example.org', 'viewer');
    const disabledUser = await signIn(api.app, 'leaver@example.org');
    const disable = await api.app.inject({ method: 'PATCH', url: `/api/users/${toDisable.id}`, headers: changing(admin), payload: { disabled: true } });
    expect(disable.statusCode, disable.body).toBe(200);

    const cookies: Record<string, string> = {
      'never issued': newSessionToken(),
      'one character changed': flip(admin.token),
      'SQL instead of a token': "' OR '1'='1",
      'too long': `${admin.token}${admin.token}`,
      expired: expired.token,
      'signed out': signedOut.token,
      "a disabled user's": disabledUser.token,
    };
    for (const [what, token] of Object.entries(cookies)) {
      for (const request of [
        { method: 'GET' as const, url: '/api/campaigns/hsm/posts' },
        { method: 'POST' as const, url: '/api/campaigns/hsm/launches', payload: { slug: 'forged', title: 'Forged', at: '2026-12-03T10:00:00Z' } },
      ]) {
        const response = await api.app.inject({ ...request, headers: { cookie: `gs_session=${token}`, 'x-csrf-token': admin.csrfToken } });
        expect(response.statusCode, `${what} cookie on ${request.method} ${request.url}`).toBe(401);
        expect(response.cookies.find((c) => c.name === 'gs_session')?.value ?? 'not cleared', `${what} cookie is cleared`).toBe('');
      }
    }
  });

  it('answers a viewer 403 on every admin route, with a valid CSRF token, and changes nothing', async () => {
    const adminRoutes = apiRoutes.filter((route) => route.access === 'admin');
    expect(adminRoutes.length).toBeGreaterThan(3);
    const before = await api.db.pool.query(`SELECT (SELECT count(*) FROM launches) AS launches, (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM attribution_overrides) AS overrides`);
    for (const route of adminRoutes) {
      const response = await send(route, viewer);
      expect(response.statusCode, `${route.method} ${route.path}: ${response.body}`).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    const board = await api.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: viewer.cookie } });
    expect(board.statusCode, 'Bull Board').toBe(403);
    const after = await api.db.pool.query(`SELECT (SELECT count(*) FROM launches) AS launches, (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM attribution_overrides) AS overrides`);
    expect(after.rows).toEqual(before.rows);
  });

  it('refuses a body over the limit with 413 on every route that takes one, signed in or not', async () => {
    const bodyRoutes = apiRoutes.filter((route) => route.body);
    expect(bodyRoutes.length).toBeGreaterThan(3);
    const oversized = JSON.stringify({ padding: 'x'.repeat(BODY_LIMIT_BYTES + 1) });
    const huge = JSON.stringify({ padding: 'x'.repeat(8 * 1024 * 1024) });
    for (const route of bodyRoutes) {
      for (const payload of [oversized, huge]) {
        const path = route.path.replace(/:(\w+)/g, (_, name: string) => baselinePath(name, route));
        const headers = { 'content-type': 'application/json', ...(route.access === 'public' ? {} : changing(admin)) };
        const response = await api.app.inject({ method: route.method, url: path, headers, payload });
        expect(response.statusCode, `${route.method} ${route.path} with ${payload.length} bytes`).toBe(413);
        expect(response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
      }
    }
  });
});

describe('the logs of a full run', () => {
  let db: TestDatabase;
  let fakes: CampaignFakes;
  let server: CliProcess | undefined;
  beforeAll(async () => {
    db = await migratedDatabase();
    fakes = await CampaignFakes.start({ seed: 'security-logs', tweets: 300, comments: 120 });
  });
  afterAll(async () => {
    await server?.kill();
    await fakes?.close();
    await db?.close();
  });

  it('hold no X bearer token, database password, staff password, session cookie, CSRF or API token: not one line', async () => {
    const PASSWORD = 'Marple-Bramhall-4711-correct-horse';
    const SECOND_PASSWORD = 'Oldham-Chadderton-0815-battery-staple';
    const DB_PASSWORD = 'pg-secret-7c1f9a2e';
    const port = await freePort();
    // A password in the database URL: the server trusts local connections and ignores it, the logs must not show it.
    const databaseUrl = new URL(db.url);
    databaseUrl.username = userInfo().username;
    databaseUrl.password = DB_PASSWORD;
    const env = {
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix('security-logs'),
      PORT: String(port),
      LOG_LEVEL: 'debug',
      ...fakes.xEnvironment(),
    };
    const config = fakes.writeConfig({ every: '2s' });
    const logs: LogLine[] = [];
    const keep = (output: string) => logs.push(...output.split('\n').map((text) => ({ text, json: undefined })));

    const added = await runCli(['--config', config, 'user', 'add', '--email', 'lead@example.org', '--role', 'admin'], env, `${PASSWORD}\n`);
    expect(added.code, added.stderr).toBe(0);
    keep(added.stdout + added.stderr);
    const tokenCreated = await runCli(['--config', config, 'token', 'create', '--email', 'lead@example.org', '--name', 'weekly export'], env);
    expect(tokenCreated.code, tokenCreated.stderr).toBe(0);
    const apiToken = tokenCreated.stdout.trim();
    expect(apiToken).toMatch(/^gs_/);
    keep(tokenCreated.stderr); // its stdout is the token itself, shown once on purpose

    server = new CliProcess(['--config', config, 'start'], env, logs);
    await server.waitForLog('Groundswell is running', 60_000);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM posts')).rows[0]!.n > 100, 30_000);

    // A browser's session: a wrong password first, then the right one, some reading, a change, a new user, sign-out.
    const wrong = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'lead@example.org', password: `${PASSWORD}-wrong` }) });
    expect(wrong.status).toBe(401);
    const extra = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'lead@example.org', password: PASSWORD, remember: true }) });
    expect(extra.status).toBe(400);
    expect(await extra.text()).not.toContain(PASSWORD);
    const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'fault-suite' }, body: JSON.stringify({ email: 'lead@example.org', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const sessionToken = /gs_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
    expect(sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = `gs_session=${sessionToken}`;
    for (const path of ['/api/session', '/api/campaigns/hsm/posts?limit=5', '/api/campaigns/hsm/sources', '/api/campaigns/hsm/posts.csv', '/api/users', '/readyz', '/metrics']) {
      const response = await fetch(`${base}${path}`, { headers: { cookie, 'x-csrf-token': csrfToken } });
      expect(response.status, path).toBeLessThan(500);
    }
    const byToken = await fetch(`${base}/api/campaigns/hsm/posts?limit=5`, { headers: { authorization: `Bearer ${apiToken}` } });
    expect(byToken.status).toBe(200);
    const refusedByToken = await fetch(`${base}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@example.org', role: 'viewer', password: SECOND_PASSWORD }) });
    expect(refusedByToken.status).toBe(403);
    const newUser = await fetch(`${base}/api/users`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'second@example.org', role: 'viewer', password: SECOND_PASSWORD }) });
    expect(newUser.status).toBe(201);
    const second = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'second@example.org', password: SECOND_PASSWORD }) });
    expect(second.status).toBe(200);
    const secondToken = /gs_session=([^;]+)/.exec(second.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const signOut = await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(signOut.status).toBe(204);
    const afterSignOut = await fetch(`${base}/api/session`, { headers: { cookie } });
    expect(afterSignOut.status).toBe(401);

    await sleep(500);
    expect(await server.stop(), server.tail()).toEqual({ code: 0, signal: null });

    const secrets: Record<string, string> = {
      'the X bearer token': fakes.token,
      'the database password': DB_PASSWORD,
      "the first admin's password": PASSWORD,
      "the second user's password": SECOND_PASSWORD,
      'the session cookie': sessionToken,
      "the second user's session cookie": secondToken,
      'the CSRF token': csrfToken,
      'the API token': apiToken,
    };
    const leaks = Object.entries(secrets).flatMap(([what, secret]) => logs.filter((line) => line.text.includes(secret)).map((line) => `${what} in: ${line.text.slice(0, 300)}`));
    expect(leaks).toEqual([]);
    // The run did log what an operator needs: requests, sign-ins and ingestion.
    expect(logs.length).toBeGreaterThan(50);
    expect(logs.some((l) => l.json?.msg === 'signed in')).toBe(true);
    const requestLines = logs.filter((l) => l.json?.msg === 'incoming request' || l.json?.msg === 'request completed').length;
    expect(requestLines).toBeGreaterThan(20);
    expect(logs.some((l) => l.json?.msg === 'pass finished')).toBe(true);
    console.info(`[faults] security: ${logs.length} log lines of a full run (start, user add, token create, sign-ins, reads, a new user, sign-out) (${requestLines} of them request logs) scanned for ${Object.keys(secrets).length} secrets: none found`);
  }, 120_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(200);
  }
}
