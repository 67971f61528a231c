import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectionConfig } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { ADMIN_DATABASE_URL, TEST_REDIS_URL, databaseUrl, testDatabasePrefix, testRedisPrefix } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
    templateDatabase: string;
  }
}

// Every run makes its own throwaway databases (cloned from one migrated template) and its own Redis
// key prefix, and removes them at the end, so runs never collide and leave nothing behind.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const template = `${testDatabasePrefix(runId)}template`;

  const admin = new pg.Client(connectionConfig(ADMIN_DATABASE_URL));
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
  await admin.end();
  await migrate(databaseUrl(template));

  project.provide('testRunId', runId);
  project.provide('templateDatabase', template);

  return async () => {
    const client = new pg.Client(connectionConfig(ADMIN_DATABASE_URL));
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [testDatabasePrefix(runId)]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
    await client.end();

    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${testRedisPrefix(runId)}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  };
}
