// Where the test run finds PostgreSQL and Redis. Tests never touch the databases they did not make.
export const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const testDatabasePrefix = (runId: string) => `gs_test_${runId}_`;
export const testRedisPrefix = (runId: string) => `gs-test:${runId}`;
