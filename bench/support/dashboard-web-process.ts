import Fastify from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { createRedis } from '../../src/runtime/redis.js';
import { createPool } from '../../src/store/db.js';

// The web process for bench/dashboard.ts, apart from the load generator: the real app (dashboard and
// API), the same app with its analytics answer cache off, and a route that only runs SELECT 1, all
// over one pool of 10. Prints one JSON line {url, uncachedUrl, selectOneUrl}, then serves until
// stdin closes.

const databaseUrl = process.env.BENCH_WEB_DATABASE_URL!;
const pool = createPool(databaseUrl, { max: 10, applicationName: 'groundswell-bench-web' });
const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
await redis.connect();
const app = await buildApp({ db: pool, redis, redisPrefix: `gs-bench-${process.pid}`, dashboardDir: process.env.BENCH_DASHBOARD_DIR! });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const uncached = await buildApp({ db: pool, redis, redisPrefix: `gs-bench-${process.pid}-uncached`, dashboardDir: process.env.BENCH_DASHBOARD_DIR!, analyticsCacheMs: 0 });
const uncachedUrl = await uncached.listen({ host: '127.0.0.1', port: 0 });

const baseline = Fastify({ logger: false });
baseline.get('/select-1', async () => {
  const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
  return { one: rows[0]!.one };
});
const selectOneUrl = `${await baseline.listen({ host: '127.0.0.1', port: 0 })}/select-1`;

process.stdout.write(`${JSON.stringify({ url, uncachedUrl, selectOneUrl })}\n`);
const stop = async () => {
  await Promise.allSettled([app.close(), uncached.close(), baseline.close()]);
  redis.disconnect();
  await pool.end();
  process.exit(0);
};
process.stdin.resume();
process.stdin.on('end', () => void stop());
process.on('SIGTERM', () => void stop());
