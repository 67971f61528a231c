import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../src/http/auth/passwords.js';
import { hashToken } from '../../src/http/auth/tokens.js';
import { apiRoutes } from '../../src/http/routes/index.js';
import { createLogger } from '../../src/observability/logger.js';
import type { User } from '../../src/store/users.js';
import { PASSWORD, addUser, changing, issueApiToken, seedCampaign, signIn, startApi, type ApiHarness } from './helpers.js';

let api: ApiHarness;
let admin: User;
let viewer: User;

beforeAll(async () => {
  api = await startApi({ auth: { loginAttempts: { max: 10, windowMs: 15 * 60_000 }, loginAttemptsPerEmail: { max: 25, windowMs: 15 * 60_000 } } });
  await seedCampaign(api.db.pool);
  admin = await addUser(api.db.pool, 'admin@example.org', 'admin');
  viewer = await addUser(api.db.pool, 'Viewer@Example.org', 'viewer');
});
afterAll(async () => api.close());

/** A concrete URL for a route path (every parameter filled with something plausible). */
const concrete = (path: string) => path.replace(':campaign', 'hsm').replace(':launch', 'primer').replace(':source', 'rsahealth-x').replace(':id', '1');

describe('passwords', () => {
  it('are hashed with salted scrypt, parameters in the string, and verified only by the right password', async () => {
    const first = await hashPassword('a long enough password');
    const second = await hashPassword('a long enough password');
    expect(first).toMatch(/^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('a long enough password', first)).toBe(true);
    expect(await verifyPassword('a long enough passworD', first)).toBe(false);
    expect(await verifyPassword('a long enough password', 'not-a-hash')).toBe(false);
    expect(needsRehash(first)).toBe(false);
    expect(needsRehash(first.replace('ln=15', 'ln=14'))).toBe(true);
  });
});

describe('signing in', () => {
  it('sets an httpOnly, SameSite=Lax session cookie and stores only a hash of its token', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'ADMIN@example.org ', password: PASSWORD } });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'gs_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    const body = response.json();
    expect(body).toMatchObject({ user: { id: admin.id, email: 'admin@example.org', role: 'admin' }, via: 'session' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { rows } = await api.db.pool.query<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = $1', [admin.id]);
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(cookie.value));
    expect(rows.map((r) => r.token_hash)).not.toContain(cookie.value);
  });

  it('marks the cookie Secure when the request came over TLS through the proxy', async () => {
    const response = await api.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'admin@example.org', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
    expect(response.cookies.find((c) => c.name === 'gs_session')!.secure).toBe(true);
  });

  it('refuses a wrong password and an unknown email with the same answer', async () => {
    const wrong = await api.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'viewer@example.org', password: 'not the password' } });
    const unknown = await api.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'nobody@example.org', password: PASSWORD } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.cookies).toEqual([]);
  });

  it('refuses a disabled user', async () => {
    const user = await addUser(api.db.pool, 'gone@example.org', 'viewer');
    await api.db.pool.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]);
    const response = await api.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'gone@example.org', password: PASSWORD } });
    expect(response.statusCode).toBe(401);
  });

  it('names a missing field and refuses a form-encoded body', async () => {
    const missing = await api.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'admin@example.org' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'BAD_PARAMETER', parameter: 'password', in: 'body', message: 'password is required' });
    const form = await api.app.inject({ method: 'POST', url: '/api/session', payload: 'email=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(415);
  });

  it('GET /api/session tells who is signed in and the CSRF token', async () => {
    const session = await signIn(api.app, 'viewer@example.org');
    const response = await api.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { id: viewer.id, role: 'viewer' }, csrfToken: session.csrfToken, via: 'session' });
  });

  it('signing in again ends the session the browser had', async () => {
    const first = await signIn(api.app, 'viewer@example.org');
    await signIn(api.app, 'viewer@example.org', PASSWORD, { cookie: first.cookie });
    const response = await api.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: first.cookie } });
    expect(response.statusCode).toBe(401);
  });
});

describe('without a session or token', () => {
  it('every API route answers 401 in JSON, and so does an unknown path', async () => {
    const privateRoutes = apiRoutes.filter((route) => route.access !== 'public');
    expect(privateRoutes.length).toBeGreaterThan(10);
    for (const route of privateRoutes) {
      const response = await api.app.inject({ method: route.method, url: concrete(route.path), payload: route.body ? {} : undefined });
      expect(response.statusCode, `${route.method} ${route.path}`).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    // The dashboard's page and files at / are public (they hold no data); tests/dashboard checks them.
    for (const url of ['/api/openapi.json', '/api/campaigns.csv', '/api/nothing-here', '/admin/queues', '/nothing-here.js']) {
      expect((await api.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
  });

  it('health checks stay open', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('roles', () => {
  it('a viewer gets 403 on every admin route, even with a valid CSRF token', async () => {
    const session = await signIn(api.app, 'viewer@example.org');
    const adminRoutes = apiRoutes.filter((route) => route.access === 'admin');
    expect(adminRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['POST /api/campaigns/:campaign/launches', 'PUT /api/campaigns/:campaign/posts/:id/localities', 'GET /api/users', 'PATCH /api/users/:id']),
    );
    for (const route of adminRoutes) {
      const response = await api.app.inject({ method: route.method, url: concrete(route.path), headers: changing(session), payload: route.body ? {} : undefined });
      expect(response.statusCode, `${route.method} ${route.path}`).toBe(403);
      expect(response.json().error.code).toBe('FORBIDDEN');
    }
  });
});

describe('CSRF protection', () => {
  const launch = { slug: 'csrf-check', title: 'A launch', at: '2026-12-01T10:00:00Z' };

  it('refuses a change with the session cookie but no X-CSRF-Token, or a wrong one', async () => {
    const session = await signIn(api.app, 'admin@example.org');
    const missing = await api.app.inject({ method: 'POST', url: '/api/campaigns/hsm/launches', headers: { cookie: session.cookie }, payload: launch });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('CSRF_TOKEN_MISSING');
    const wrong = await api.app.inject({ method: 'POST', url: '/api/campaigns/hsm/launches', headers: { cookie: session.cookie, 'x-csrf-token': 'x'.repeat(43) }, payload: launch });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('CSRF_TOKEN_INVALID');
    const other = await signIn(api.app, 'admin@example.org');
    const crossed = await api.app.inject({ method: 'POST', url: '/api/campaigns/hsm/launches', headers: { cookie: session.cookie, 'x-csrf-token': other.csrfToken }, payload: launch });
    expect(crossed.statusCode).toBe(403);
    expect((await api.db.pool.query(`SELECT 1 FROM launches WHERE slug = 'csrf-check'`)).rowCount).toBe(0);

    const allowed = await api.app.inject({ method: 'POST', url: '/api/campaigns/hsm/launches', headers: changing(session), payload: launch });
    expect(allowed.statusCode).toBe(201);
  });
});

describe('signing out and expiry', () => {
  it('DELETE /api/session needs the CSRF token, ends the session and clears the cookie', async () => {
    const session = await signIn(api.app, 'viewer@example.org');
    expect((await api.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: session.cookie } })).statusCode).toBe(403);
    const out = await api.app.inject({ method: 'DELETE', url: '/api/session', headers: changing(session) });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'gs_session')).toMatchObject({ value: '' });
    expect((await api.db.pool.query('SELECT 1 FROM sessions WHERE token_hash = $1', [hashToken(session.token)])).rowCount).toBe(0);
    expect((await api.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });

  it('an expired session gets 401 and its cookie is cleared', async () => {
    const session = await signIn(api.app, 'viewer@example.org');
    await api.db.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hashToken(session.token)]);
    const response = await api.app.inject({ method: 'GET', url: '/api/campaigns', headers: { cookie: session.cookie } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toMatch(/expired/);
    expect(response.cookies.find((c) => c.name === 'gs_session')?.value).toBe('');
  });

  it('use pushes the idle expiry forward, but never past the session’s maximum age', async () => {
    const session = await signIn(api.app, 'viewer@example.org');
    const tokenHash = hashToken(session.token);
    await api.db.pool.query(`UPDATE sessions SET last_seen_at = now() - interval '2 hours', expires_at = now() + interval '10 hours' WHERE token_hash = $1`, [tokenHash]);
    await api.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } });
    const extended = await api.db.pool.query(`SELECT expires_at > now() + interval '11 hours 59 minutes' AS extended FROM sessions WHERE token_hash = $1`, [tokenHash]);
    expect(extended.rows[0].extended).toBe(true);

    await api.db.pool.query(`UPDATE sessions SET created_at = now() - interval '7 days' + interval '1 hour', last_seen_at = now() - interval '2 hours' WHERE token_hash = $1`, [tokenHash]);
    await api.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } });
    const capped = await api.db.pool.query(`SELECT expires_at < now() + interval '61 minutes' AS capped FROM sessions WHERE token_hash = $1`, [tokenHash]);
    expect(capped.rows[0].capped).toBe(true);
  });

  it('a garbage cookie is 401, not an error', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/campaigns', headers: { cookie: "gs_session=' OR 1=1 --" } });
    expect(response.statusCode).toBe(401);
  });
});

describe('read-only API tokens', () => {
  it('read with GET, are refused any change, and are stored hashed', async () => {
    const token = await issueApiToken(api.db.pool, admin.id);
    expect(token).toMatch(/^gs_[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${token}` };
    const read = await api.app.inject({ method: 'GET', url: '/api/campaigns', headers: bearer });
    expect(read.statusCode).toBe(200);
    const who = await api.app.inject({ method: 'GET', url: '/api/session', headers: bearer });
    expect(who.json()).toMatchObject({ via: 'token', csrfToken: null, user: { id: admin.id } });
    const write = await api.app.inject({ method: 'POST', url: '/api/campaigns/hsm/launches', headers: bearer, payload: { slug: 'by-token', title: 't', at: '2026-12-01T10:00:00Z' } });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('READ_ONLY_TOKEN');
    expect((await api.app.inject({ method: 'DELETE', url: '/api/session', headers: bearer })).statusCode).toBe(403);

    const { rows } = await api.db.pool.query('SELECT token_hash, last_used_at FROM api_tokens WHERE user_id = $1', [admin.id]);
    expect(rows[0].token_hash).toBe(hashToken(token));
    expect(rows[0].last_used_at).not.toBeNull();
  });

  it('a revoked token, a disabled user’s token, a malformed or unknown token are 401', async () => {
    const user = await addUser(api.db.pool, 'script-owner@example.org', 'viewer');
    const revoked = await issueApiToken(api.db.pool, user.id, 'old');
    await api.db.pool.query('UPDATE api_tokens SET revoked_at = now() WHERE token_hash = $1', [hashToken(revoked)]);
    const live = await issueApiToken(api.db.pool, user.id, 'live');
    expect((await api.app.inject({ method: 'GET', url: '/api/campaigns', headers: { authorization: `Bearer ${live}` } })).statusCode).toBe(200);
    await api.db.pool.query('UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]);

    for (const authorization of [`Bearer ${revoked}`, `Bearer ${live}`, 'Bearer gs_short', `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer gs_${'A'.repeat(43)}`]) {
      const response = await api.app.inject({ method: 'GET', url: '/api/campaigns', headers: { authorization } });
      expect(response.statusCode, authorization).toBe(401);
    }
  });
});

describe('login rate limiting', () => {
  it('answers 429 with Retry-After after 10 attempts for one address and email, even with the right password', async () => {
    await addUser(api.db.pool, 'limited@example.org', 'viewer');
    const attempt = (password: string, ip = '203.0.113.7', email = 'limited@example.org') =>
      api.app.inject({ method: 'POST', url: '/api/session', payload: { email, password }, headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 10; i += 1) expect((await attempt('wrong password')).statusCode).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Another address for the same account, and the same address for another account, still get through.
    expect((await attempt(PASSWORD, '198.51.100.1')).statusCode).toBe(200);
    expect((await attempt(PASSWORD, '203.0.113.7', 'admin@example.org')).statusCode).toBe(200);
  });

  it('does not let a client on the internet pick its own address with X-Forwarded-For', async () => {
    await addUser(api.db.pool, 'forger@example.org', 'viewer');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: 'forger@example.org', password: 'guess' },
        remoteAddress: '203.0.113.99',
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('caps attempts on one email from many addresses', async () => {
    await addUser(api.db.pool, 'sprayed@example.org', 'viewer');
    const statuses: number[] = [];
    for (let i = 0; i < 26; i += 1) {
      const response = await api.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'sprayed@example.org', password: 'guess' }, headers: { 'x-forwarded-for': `192.0.2.${i + 1}` } });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 25).every((status) => status === 401)).toBe(true);
    expect(statuses[25]).toBe(429);
  });
});

describe('secrets in logs', () => {
  it('the logger redacts cookies, authorization, CSRF tokens and passwords', () => {
    let output = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    logger.info({
      req: { headers: { cookie: 'gs_session=SECRET1', authorization: 'Bearer gs_SECRET2', 'x-csrf-token': 'SECRET3' } },
      body: { password: 'SECRET4' },
      user: { passwordHash: 'SECRET5', csrfToken: 'SECRET6' },
    });
    expect(output).toContain('[redacted]');
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'SECRET6']) expect(output).not.toContain(secret);
  });

  it('a request log of a sign-in holds neither the password nor the session token', async () => {
    let output = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const logged = await startApi({ logger: createLogger({ level: 'trace', destination }) });
    try {
      await addUser(logged.db.pool, 'logged@example.org', 'admin');
      const session = await signIn(logged.app, 'logged@example.org');
      await logged.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } });
      expect(output).toContain('signed in');
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain(session.token);
      expect(output).not.toContain(session.csrfToken);
    } finally {
      await logged.close();
    }
  });
});
