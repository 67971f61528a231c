import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../src/config/env.js';
import { startWebServer } from '../../src/http/server.js';
import { createLogger } from '../../src/observability/logger.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { freePort } from '../support/private-services.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('closing the web server', () => {
  it('cuts a connection that never finishes its request once the drain timeout is up, and says so', async () => {
    let output = '';
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          output += chunk.toString();
          done();
        },
      }),
    });
    const port = await freePort();
    const env = parseEnvironment({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix('web-close'), PORT: String(port) });
    const web = await startWebServer({ env, campaigns: [], configPath: 'server-close.test' }, db.pool, logger, { drainTimeoutMs: 300 });

    // A client that sends half a request and stalls: Node's own request timeout would hold close() for 30 s or more.
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const cut = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = performance.now();
    expect(await web.close()).toEqual([]);
    const tookMs = performance.now() - started;
    await cut;
    expect(tookMs).toBeGreaterThanOrEqual(250);
    expect(tookMs).toBeLessThan(5_000);
    expect(output).toContain('requests still in flight after the drain timeout; closing their connections');
    expect(output).toContain('shutdown: closed http');
  });
});
