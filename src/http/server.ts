import type { AppConfig } from '../config/index.js';
import type { Logger } from '../observability/logger.js';
import { Closer } from '../runtime/closer.js';
import { createRedis } from '../runtime/redis.js';
import type { Pool } from '../store/db.js';
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
    const app = await buildApp({ db: pool, redis, logger: logger.child({ component: 'web' }) });
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
