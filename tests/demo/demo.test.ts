import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { demoDatabaseUrl } from '../../src/demo/demo-mode.js';
import { connectionConfig } from '../../src/store/db.js';
import { spawnCli } from '../support/cli.js';
import { createRedis } from '../../src/runtime/redis.js';
import { redisPrefix, TEST_REDIS_URL, unusedDatabaseUrl } from '../support/db.js';

// A newcomer's first command: the example config, no credentials. The simulators start, the real
// workers ingest their activity through the real pipeline, and the data lands in a database of its own.

describe('demo mode', () => {
  it('starts the simulators on `start` without an X token and ingests simulated X posts and blog comments into its own database', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const databaseUrl = unusedDatabaseUrl();
    const prefix = redisPrefix('demo');
    // Left by an earlier demo (its schedules would otherwise wait out their old intervals): the new demo starts without it.
    const redis = createRedis(TEST_REDIS_URL);
    await redis.connect();
    await redis.set(`${prefix}-demo:stale-schedule`, 'from an earlier demo');
    const child = spawnCli(['start'], { DATABASE_URL: databaseUrl, PORT: String(port), REDIS_PREFIX: prefix, X_BEARER_TOKEN: '' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const demoDb = new pg.Client(connectionConfig(demoDatabaseUrl(databaseUrl)));
    try {
      await vi.waitFor(() => expect(output).toContain('Groundswell is running'), { timeout: 30_000, interval: 200 });
      expect(output).toContain('the data is simulated');
      expect(await redis.exists(`${prefix}-demo:stale-schedule`)).toBe(0);
      // The console names the dashboard and a login that works.
      await vi.waitFor(() => expect(output).toMatch(/Demo login: demo@groundswell\.local \/ \S+/), { timeout: 10_000, interval: 100 });
      expect(output).toContain(`Dashboard: http://127.0.0.1:${port}/`);
      const password = /Demo login: demo@groundswell\.local \/ (\S+)/.exec(output)![1]!;
      const login = await fetch(`http://127.0.0.1:${port}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'demo@groundswell.local', password }) });
      expect(login.status).toBe(200);
      // Passwords go to the console for the newcomer, never into a log line.
      for (const line of output.split('\n').filter((l) => l.startsWith('{'))) expect(line).not.toContain(password);
      await demoDb.connect();
      await vi.waitFor(
        async () => {
          const { rows } = await demoDb.query<{ platform: string; n: number }>(`SELECT platform, count(*)::int AS n FROM posts GROUP BY platform`);
          const counts = Object.fromEntries(rows.map((r) => [r.platform, r.n]));
          expect(counts.x ?? 0).toBeGreaterThan(100);
          expect(counts.site ?? 0).toBeGreaterThan(10);
        },
        { timeout: 60_000, interval: 500 },
      );
      // The real database named by DATABASE_URL is never touched by simulated data.
      const admin = new pg.Client(connectionConfig(new URL('/postgres', databaseUrl).toString()));
      await admin.connect();
      const real = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [new URL(databaseUrl).pathname.slice(1)]);
      await admin.end();
      expect(real.rowCount).toBe(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await demoDb.end().catch(() => {});
      redis.disconnect();
      child.kill('SIGKILL');
    }
  }, 120_000);
});
