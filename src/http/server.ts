import { createServer } from 'node:net';
import { ConfigError } from '../config/errors.js';
import type { AppConfig } from '../config/index.js';
import type { Logger } from '../observability/logger.js';
import { RateBudget, rateBudgetPrefix } from '../ingestion/rate-budget.js';
import { createMetrics } from '../observability/metrics.js';
import { Closer } from '../runtime/closer.js';
import { settlesWithin } from '../runtime/deadline.js';
import { createRedis } from '../runtime/redis.js';
import type { Pool } from '../store/db.js';
import { createIngestQueue } from '../../workers/queues.js';
import { buildApp } from './app.js';

export interface RunningWebServer {
  /** The address it listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  close(): Promise<Error[]>;
}

const LISTEN_PROBLEMS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'another program (perhaps another Groundswell) already listens there',
  EACCES: 'this user may not listen there',
  EADDRNOTAVAIL: 'this machine has no such address',
};

/** A listen failure an operator can fix, as a configuration error naming HOST and PORT; anything else as it is. */
function asAddressProblem(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = code === undefined ? undefined : LISTEN_PROBLEMS[code];
  return problem === undefined ? error : new ConfigError('the environment', [`HOST ${host}, PORT ${port}: ${problem}; set PORT (or HOST) to an address that is free`]);
}

/**
 * Fails with a ConfigError when the web server could not listen on HOST:PORT, before anything is
 * changed: the demo checks this before it recreates its database, which a running demo is using.
 */
export async function checkListenAddress(host: string, port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw asAddressProblem(error, host, port);
  } finally {
    await new Promise<void>((resolve) => (probe.listening ? probe.close(() => resolve()) : resolve()));
  }
}

export interface WebServerOptions {
  /**
   * How long closing waits for requests in flight before it cuts their connections (default 10 s):
   * a client that stops reading, or never finishes sending, must not hold a shutdown forever.
   */
  drainTimeoutMs?: number;
}

/** Serves the app: builds it over the given pool and listens on HOST:PORT. */
export async function startWebServer(config: AppConfig, pool: Pool, logger: Logger, options: WebServerOptions = {}): Promise<RunningWebServer> {
  const log = logger.child({ component: 'web' });
  const closer = new Closer({ logger: log });
  const redis = createRedis(config.env.REDIS_URL, { name: 'groundswell-web' });
  closer.add('redis', () => redis.disconnect());
  try {
    await redis.connect();
    // The web process only reads the queue (Bull Board, next-run times); workers process it.
    const ingestQueue = createIngestQueue(config.env.REDIS_URL, config.env.REDIS_PREFIX);
    ingestQueue.on('error', (error) => log.warn({ err: error.message }, 'ingest queue: Redis error'));
    closer.add('ingest queue', async () => {
      await ingestQueue.close();
      // close() leaves a connection handed in by createIngestQueue open; this ends it.
      await ingestQueue.disconnect();
    });
    const metrics = createMetrics({ db: pool, queue: ingestQueue, rateBudget: new RateBudget(redis, { keyPrefix: rateBudgetPrefix(config.env.REDIS_PREFIX) }) });
    const app = await buildApp({ db: pool, redis, redisPrefix: config.env.REDIS_PREFIX, trustProxy: config.env.TRUST_PROXY, ingestQueue, metrics, demo: config.demo ?? false, logger: log });
    closer.add('http', async () => {
      const closing = app.close();
      const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
      if (await settlesWithin(closing, drainTimeoutMs)) return;
      log.warn({ drainTimeoutMs }, 'requests still in flight after the drain timeout; closing their connections');
      app.server.closeAllConnections();
      await closing;
    });
    const address = await app.listen({ host: config.env.HOST, port: config.env.PORT }).catch((error: unknown) => {
      throw asAddressProblem(error, config.env.HOST, config.env.PORT);
    });
    const url = address.replace('[::1]', 'localhost').replace('0.0.0.0', '127.0.0.1');
    log.info({ url }, `web server listening on ${url}`);
    return { url, close: () => closer.close() };
  } catch (error) {
    await closer.close();
    throw error;
  }
}
