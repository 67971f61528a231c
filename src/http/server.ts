import type { AppConfig } from '../config/index.js';
import type { Logger } from '../observability/logger.js';
import { RateBudget, rateBudgetPrefix } from '../ingestion/rate-budget.js';
import { createMetrics } from '../observability/metrics.js';
import { Closer } from '../runtime/closer.js';
import { createRedis } from '../runtime/redis.js';
import type { Pool } from '../store/db.js';
import { createIngestQueue } from '../../workers/queues.js';
import { buildApp } from './app.js';

export interface RunningWebServer {
  /** The address it listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  close(): Promise<Error[]>;
}

/** The only place that listens: builds the app over the shared pool and serves it on HOST:PORT. */
export async function startWebServer(config: AppConfig, pool: Pool, logger: Logger): Promise<RunningWebServer> {
  const closer = new Closer();
  const redis = createRedis(config.env.REDIS_URL, { name: 'groundswell-web' });
  closer.add('redis', () => redis.disconnect());
  try {
    await redis.connect();
    // The web process only reads the queue (Bull Board, next-run times); workers process it.
    const ingestQueue = createIngestQueue(config.env.REDIS_URL, config.env.REDIS_PREFIX);
    ingestQueue.on('error', (error) => logger.warn({ err: error.message }, 'ingest queue: Redis error'));
    closer.add('ingest queue', async () => {
      await ingestQueue.close();
      // close() leaves a connection handed in by createIngestQueue open; this ends it.
      await ingestQueue.disconnect();
    });
    const metrics = createMetrics({ db: pool, queue: ingestQueue, rateBudget: new RateBudget(redis, { keyPrefix: rateBudgetPrefix(config.env.REDIS_PREFIX) }) });
    const app = await buildApp({ db: pool, redis, redisPrefix: config.env.REDIS_PREFIX, trustProxy: config.env.TRUST_PROXY, ingestQueue, metrics, demo: config.demo ?? false, logger: logger.child({ component: 'web' }) });
    closer.add('http', () => app.close());
    const address = await app.listen({ host: config.env.HOST, port: config.env.PORT });
    const url = address.replace('[::1]', 'localhost').replace('0.0.0.0', '127.0.0.1');
    logger.info({ url }, `web server listening on ${url}`);
    return { url, close: () => closer.close() };
  } catch (error) {
    await closer.close();
    throw error;
  }
}
