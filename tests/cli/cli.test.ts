import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { claimDatabase, connectionConfig } from '../../src/store/db.js';
import { runCli, spawnCli } from '../support/cli.js';
import { redisPrefix, unusedDatabaseUrl } from '../support/db.js';
import { ADMIN_DATABASE_URL } from '../support/services.js';

describe('groundswell command line', () => {
  it('prints usage and exits 2 for an unknown command', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(result.stderr).toMatch(/Usage: groundswell/);
  });

  it('prints usage and exits 2 for a bad flag, or for no command at all', async () => {
    const bad = await runCli(['migrate', '--frob']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--frob'/);
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: groundswell/);
  });

  it('names Redis, its address and how to start it when Redis is down, without a stack trace', async () => {
    const result = await runCli(['start'], { REDIS_URL: 'redis://127.0.0.1:1', X_BEARER_TOKEN: 'not-a-real-token' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Redis is not reachable at redis://127.0.0.1:1 (REDIS_URL)');
    expect(result.stderr).toContain('docker compose up -d postgres redis');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the service that is down on a demo start too, before resetting the demo data', async () => {
    // Any free port (3000 may be in use on this machine), and a demo database of the test's own.
    const kept = await withRunningDemoDatabase(async ({ url }) => {
      const redisDown = await runCli(['start'], { DATABASE_URL: url, REDIS_URL: 'redis://127.0.0.1:1', X_BEARER_TOKEN: '', PORT: '0' });
      expect(redisDown.code).toBe(1);
      expect(redisDown.stderr).toContain('Redis is not reachable at redis://127.0.0.1:1 (REDIS_URL)');
      expect(redisDown.stderr).not.toMatch(/\n\s+at /);
    });
    expect(kept).toBe(true);
    const postgresDown = await runCli(['start'], { DATABASE_URL: 'postgres://gs:hunter2@127.0.0.1:1/groundswell', X_BEARER_TOKEN: '', PORT: '0' });
    expect(postgresDown.code).toBe(1);
    expect(postgresDown.stderr).toContain('PostgreSQL is not reachable at postgres://gs:[redacted]@127.0.0.1:1/groundswell_demo (DATABASE_URL)');
    expect(postgresDown.stderr).not.toContain('hunter2');
    expect(postgresDown.stderr).not.toMatch(/\n\s+at /);
  });

  /**
   * A demo already running: its database (DATABASE_URL's name + _demo) with something in it and its
   * session open, while `check` runs; then whether that something is still there.
   */
  async function withRunningDemoDatabase(check: (demo: { url: string; name: string }) => Promise<void>): Promise<boolean> {
    const url = unusedDatabaseUrl();
    const name = `${new URL(url).pathname.slice(1)}_demo`;
    const admin = new pg.Client(connectionConfig(ADMIN_DATABASE_URL));
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      const running = new pg.Client(connectionConfig(Object.assign(new URL(url), { pathname: `/${name}` }).toString()));
      // A dropped database shows as the query below failing, not as an unhandled error event.
      running.on('error', () => {});
      await running.connect();
      try {
        await running.query('CREATE TABLE still_here (n integer)');
        await check({ url, name });
        return (await running.query<{ kept: boolean }>(`SELECT to_regclass('still_here') IS NOT NULL AS kept`)).rows[0]?.kept ?? false;
      } finally {
        await running.end().catch(() => {});
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  }

  it('refuses a port another program listens on, naming HOST and PORT, before a demo resets its data', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const kept = await withRunningDemoDatabase(async ({ url }) => {
        const demo = await runCli(['start'], { DATABASE_URL: url, PORT: String(port), REDIS_PREFIX: redisPrefix('cli-port'), X_BEARER_TOKEN: '' });
        expect(demo.code).toBe(78);
        expect(demo.stderr).toContain(`HOST 127.0.0.1, PORT ${port}: another program (perhaps another Groundswell) already listens there`);
        expect(demo.stderr).not.toMatch(/\n\s+at /);
      });
      expect(kept).toBe(true);

      // Tracking for real, the web server's own listen reports it the same way.
      const tracking = await runCli(['start'], { DATABASE_URL: unusedDatabaseUrl(), PORT: String(port), REDIS_PREFIX: redisPrefix('cli-port'), X_BEARER_TOKEN: 'not-a-real-token', X_API_BASE_URL: 'http://127.0.0.1:1' });
      expect(tracking.code).toBe(78);
      expect(tracking.stderr).toContain(`PORT ${port}: another program`);
      expect(tracking.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it('refuses to reset a demo database another demo is using (one started on another PORT), and leaves it as it was', async () => {
    // The other demo listens on a port of its own, so the port check cannot see it; it holds the
    // database's claim as a running demo does, whether or not its pool has a session open.
    const kept = await withRunningDemoDatabase(async ({ url, name }) => {
      const claim = await claimDatabase(Object.assign(new URL(url), { pathname: `/${name}` }).toString());
      expect(claim).toBeDefined();
      try {
        const demo = await runCli(['start'], { DATABASE_URL: url, PORT: '0', REDIS_PREFIX: redisPrefix('cli-demo-db'), X_BEARER_TOKEN: '' });
        expect(demo.code).toBe(78);
        expect(demo.stderr).toContain(`DATABASE_URL: the demo database "${name}" belongs to another Groundswell demo that is still running`);
        expect(demo.stderr).not.toMatch(/\n\s+at /);
      } finally {
        await claim?.release();
      }
    });
    expect(kept).toBe(true);
  });

  it('names PostgreSQL without printing its password when it is down', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: 'postgres://gs:hunter2@127.0.0.1:1/groundswell' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PostgreSQL is not reachable at postgres://gs:[redacted]@127.0.0.1:1/groundswell (DATABASE_URL)');
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops start-up on a bad config file with the key that is wrong', async () => {
    const result = await runCli(['migrate', '--config', 'tests/cli/fixtures/bad-every.yaml']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('campaigns[0].sources[0].every: "15" is not a duration like 15m or 1h');
  });

  it('start creates a missing database, migrates, serves /readyz 200 and stops cleanly on SIGTERM', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // With a token the example config is tracked for real (no demo); nothing is reachable, which is fine for start-up.
    const child = spawnCli(['start'], { DATABASE_URL: unusedDatabaseUrl(), PORT: String(port), REDIS_PREFIX: redisPrefix('cli-start'), X_BEARER_TOKEN: 'not-a-real-token', X_API_BASE_URL: 'http://127.0.0.1:1' });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await vi.waitFor(() => expect(stdout).toContain('Groundswell is running'), { timeout: 20_000, interval: 100 });
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(response.status).toBe(200);
      expect(stdout).toContain('created the database (first run)');
      expect(stdout).toMatch(/applied \d+ migration\(s\)/);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
