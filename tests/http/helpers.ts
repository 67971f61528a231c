import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildApp, type AppDependencies } from '../../src/http/app.js';
import { hashPassword } from '../../src/http/auth/passwords.js';
import { hashToken, newApiToken } from '../../src/http/auth/tokens.js';
import { createRedis, type Redis } from '../../src/runtime/redis.js';
import { createApiToken } from '../../src/store/api-tokens.js';
import { syncConfig } from '../../src/store/campaigns.js';
import type { Pool } from '../../src/store/db.js';
import { upsertPosts } from '../../src/store/posts.js';
import { findSourceBySlug } from '../../src/store/sources.js';
import { createUser, type Role, type User } from '../../src/store/users.js';
import { authorsFor, campaignConfig, xPost } from '../support/fixtures.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';

export const PASSWORD = 'correct horse battery staple';

export interface ApiHarness {
  db: TestDatabase;
  redis: Redis;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A migrated database, a Redis connection with this file's own key prefix, and the app over them. */
export async function startApi(options: Partial<AppDependencies> = {}): Promise<ApiHarness> {
  const db = await migratedDatabase();
  const redis = createRedis(TEST_REDIS_URL);
  await redis.connect();
  const app = await buildApp({ db: db.pool, redis, redisPrefix: redisPrefix(), ...options });
  return {
    db,
    redis,
    app,
    close: async () => {
      await app.close();
      redis.disconnect();
      await db.close();
    },
  };
}

export async function addUser(pool: Pool, email: string, role: Role, password = PASSWORD): Promise<User> {
  const user = await createUser(pool, { email, role, passwordHash: await hashPassword(password) });
  if (!user) throw new Error(`test user ${email} exists already`);
  return user;
}

export interface SignedIn {
  /** The Cookie header value to send back. */
  cookie: string;
  token: string;
  csrfToken: string;
}

export async function signIn(app: FastifyInstance, email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<SignedIn> {
  const response = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password }, headers });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === 'gs_session')!;
  return { cookie: `gs_session=${cookie.value}`, token: cookie.value, csrfToken: response.json<{ csrfToken: string }>().csrfToken };
}

/** Headers for a state-changing request in a signed-in browser. */
export const changing = (session: SignedIn) => ({ cookie: session.cookie, 'x-csrf-token': session.csrfToken });

export async function issueApiToken(pool: Pool, userId: number, name = 'script'): Promise<string> {
  const token = newApiToken();
  await createApiToken(pool, { userId, name, tokenHash: hashToken(token) });
  return token;
}

export interface SeededCampaign {
  campaignId: number;
  xSourceId: number;
  blogSourceId: number;
  localities: Record<string, number>;
  /** Post ids by fixture number. */
  posts: Map<number, number>;
}

/**
 * The fixture campaign (hsm: localities stockport and oldham, launch primer from config, sources
 * rsahealth-x and hsm-blog) with `count` X posts a minute apart through rsahealth-x.
 */
export async function seedCampaign(pool: Pool, count = 6): Promise<SeededCampaign> {
  await syncConfig(pool, campaignConfig());
  const x = (await findSourceBySlug(pool, 'rsahealth-x'))!;
  const blog = (await findSourceBySlug(pool, 'hsm-blog'))!;
  const posts = Array.from({ length: count }, (_, i) => xPost(i + 1, { createdAt: new Date(Date.UTC(2026, 10, 20, 10, i + 1)) }));
  await upsertPosts(pool, posts, authorsFor(posts), { sourceId: x.id, campaignId: x.campaignId });
  const { rows } = await pool.query<{ id: number; external_id: string }>('SELECT id, external_id FROM posts');
  const ids = new Map(rows.map((row) => [Number(BigInt(row.external_id) - 1_800_000_000_000_000_000n), row.id]));
  const localities = await pool.query<{ id: number; slug: string }>('SELECT id, slug FROM localities WHERE campaign_id = $1', [x.campaignId]);
  return {
    campaignId: x.campaignId,
    xSourceId: x.id,
    blogSourceId: blog.id,
    localities: Object.fromEntries(localities.rows.map((l) => [l.slug, l.id])),
    posts: ids,
  };
}

export async function attribute(pool: Pool, campaignId: number, postId: number, localityId: number): Promise<void> {
  await pool.query(
    `INSERT INTO locality_attributions (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence)
     SELECT id, $3, $2, created_at, 'hashtag', 'Stockport', 0.9 FROM posts WHERE id = $1`,
    [postId, campaignId, localityId],
  );
}
