import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { hashToken, newApiToken } from '../../src/http/auth/tokens.js';
import { createApiToken } from '../../src/store/api-tokens.js';
import { createUser } from '../../src/store/users.js';
import { createRedis, type Redis } from '../../src/runtime/redis.js';
import { emptyDatabase, migratedDatabase, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let redis: Redis;
let app: FastifyInstance;

beforeAll(async () => {
  db = await migratedDatabase();
  redis = createRedis(TEST_REDIS_URL);
  await redis.connect();
  app = await buildApp({ db: db.pool, redis });
});
afterAll(async () => {
  await app.close();
  redis.disconnect();
  await db.close();
});

describe('health endpoints', () => {
  it('/healthz answers while the process is up', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when PostgreSQL and Redis are reachable and migrations applied, also over a real socket', async () => {
    const injected = await app.inject({ method: 'GET', url: '/readyz' });
    expect(injected.statusCode).toBe(200);
    expect(injected.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });

    const listening = await buildApp({ db: db.pool, redis });
    try {
      const address = await listening.listen({ host: '127.0.0.1', port: 0 });
      const response = await fetch(`${address}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ready' });
    } finally {
      await listening.close();
    }
  });

  it('/readyz is 503 naming Redis when Redis is unreachable', async () => {
    const deadRedis = createRedis('redis://127.0.0.1:1');
    const degraded = await buildApp({ db: db.pool, redis: deadRedis });
    try {
      const response = await degraded.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'not-ready', checks: { postgres: 'ok', redis: 'unreachable' } });
      expect((await degraded.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await degraded.close();
      deadRedis.disconnect();
    }
  });

  it('/readyz is 503 while migrations are pending', async () => {
    const bare = await emptyDatabase();
    const unmigrated = await buildApp({ db: bare.pool, redis });
    try {
      const response = await unmigrated.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks.postgres).toMatch(/^migrations pending: 0001_initial/);
    } finally {
      await unmigrated.close();
      await bare.close();
    }
  });

  it('unknown routes are 401 without credentials and a JSON 404 with them', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(anonymous.statusCode).toBe(401);
    const user = await createUser(db.pool, { email: 'health@example.org', role: 'viewer', passwordHash: 'unused' });
    const token = newApiToken();
    await createApiToken(db.pool, { userId: user!.id, name: 'health', tokenHash: hashToken(token) });
    const response = await app.inject({ method: 'GET', url: '/nope?x=1', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /nope' } });
  });
});
