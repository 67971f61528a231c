import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { verifyPassword } from '../../src/http/auth/passwords.js';
import { hashToken } from '../../src/http/auth/tokens.js';
import { createRedis, type Redis } from '../../src/runtime/redis.js';
import { runCli, type CliResult } from '../support/cli.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await migratedDatabase();
});
afterAll(async () => db.close());

/** Runs the command with `stdin` piped in (so not a terminal: the password is read from it). */
const run = (args: string[], stdin = ''): Promise<CliResult> => runCli(args, { DATABASE_URL: db.url }, stdin);

/** The HTTP app over the test database, to try a token against. */
async function withApp(work: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<void>): Promise<void> {
  const redis: Redis = createRedis(TEST_REDIS_URL);
  await redis.connect();
  const app = await buildApp({ db: db.pool, redis, redisPrefix: redisPrefix() });
  try {
    await work(app);
  } finally {
    await app.close();
    redis.disconnect();
  }
}

describe('groundswell user add', () => {
  it('adds a user with the password from stdin, stored as a scrypt hash', async () => {
    const result = await run(['user', 'add', '--email', 'Lead@Example.org', '--role', 'admin'], 'a very long password\n');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^added admin Lead@Example\.org \(user \d+\)\n$/);
    const { rows } = await db.pool.query(`SELECT role, password_hash FROM users WHERE lower(email) = 'lead@example.org'`);
    expect(rows[0].role).toBe('admin');
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('a very long password', rows[0].password_hash)).toBe(true);
  });

  it.each([
    [['user', 'add', '--email', 'not-an-email', '--role', 'viewer'], 'long enough password', /--email "not-an-email" must be an email address/],
    [['user', 'add', '--email', 'a@example.org', '--role', 'owner'], 'long enough password', /--role "owner" must be one of: viewer, admin/],
    [['user', 'add', '--email', 'a@example.org', '--role', 'viewer'], 'eleven char', /^groundswell: the password must be at least 12 characters\n$/],
    [['user', 'add', '--role', 'viewer'], 'long enough password', /required option '--email <email>' not specified/],
  ])('exits 2 and says what is wrong: %j', async (args, stdin, message) => {
    const result = await run(args, `${stdin}\n`);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(stdin);
  });

  it('refuses an email that exists in any case, with exit 2', async () => {
    const result = await run(['user', 'add', '--email', 'LEAD@example.org', '--role', 'viewer'], 'another long password\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/already exists/);
  });
});

describe('groundswell token create', () => {
  it('prints a read-only token once, stores only its hash, and the token reads the API', async () => {
    const result = await run(['token', 'create', '--email', 'lead@example.org', '--name', 'weekly export']);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(token).toMatch(/^gs_[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toMatch(/shown only this once/);
    const { rows } = await db.pool.query(`SELECT name, token_hash FROM api_tokens`);
    expect(rows).toEqual([{ name: 'weekly export', token_hash: hashToken(token) }]);

    await withApp(async (app) => {
      const headers = { authorization: `Bearer ${token}` };
      expect((await app.inject({ method: 'GET', url: '/api/campaigns', headers })).statusCode).toBe(200);
      expect((await app.inject({ method: 'POST', url: '/api/users', headers, payload: {} })).statusCode).toBe(403);
    });
  });

  it('exits 2 for an unknown user or an empty name', async () => {
    const unknown = await run(['token', 'create', '--email', 'nobody@example.org', '--name', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no enabled user with the email nobody@example.org/);
    const empty = await run(['token', 'create', '--email', 'lead@example.org', '--name', '  ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--name " {2}" must not be empty/);
  });
});

describe('groundswell token list and revoke', () => {
  it('lists tokens without the secret, and a revoked token stops working at once', async () => {
    const created = await run(['token', 'create', '--email', 'lead@example.org', '--name', 'leaky script']);
    const token = created.stdout.trim();
    const listed = await run(['token', 'list', '--email', 'lead@example.org']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(token);
    const line = listed.stdout.split('\n').find((l) => l.includes('"leaky script"'))!;
    expect(line).toMatch(/^\d+\tlead@example\.org\t"leaky script"\tcreated \d{4}-\d\d-\d\d \d\d:\d\d\tlast used -\tlive$/i);
    const id = line.split('\t')[0]!;

    await withApp(async (app) => {
      const headers = { authorization: `Bearer ${token}` };
      expect((await app.inject({ method: 'GET', url: '/api/campaigns', headers })).statusCode).toBe(200);
      const revoked = await run(['token', 'revoke', '--id', id]);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout.toLowerCase()).toContain(`revoked token ${id} "leaky script" of lead@example.org`);
      expect((await app.inject({ method: 'GET', url: '/api/campaigns', headers })).statusCode).toBe(401);
    });
    const after = await run(['token', 'list']);
    expect(after.stdout).toMatch(new RegExp(`^${id}\\t.*\\tlast used \\d{4}-.*\\trevoked \\d{4}-`, 'm'));
  });

  it('exits 2 for a token id that is not a number or does not exist, and for an unknown user', async () => {
    const bad = await run(['token', 'revoke', '--id', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--id "abc" is not a token id/);
    const missing = await run(['token', 'revoke', '--id', '999999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/there is no API token 999999/);
    const nobody = await run(['token', 'list', '--email', 'nobody@example.org']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/there is no user with the email nobody@example.org/);
  });
});
