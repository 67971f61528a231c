import { Redis, type RedisOptions } from 'ioredis';
import { ServiceUnreachableError, describeConnectionError } from './service-errors.js';

export type { Redis } from 'ioredis';

/**
 * A Redis connection. BullMQ workers block on Redis and need `maxRetriesPerRequest: null`; other
 * users (health checks, the rate-limit budget) want commands to fail fast when Redis is away.
 */
export function createRedis(url: string, options: { forBlockingClient?: boolean; name?: string } = {}): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name ?? 'groundswell',
    lazyConnect: true,
    enableOfflineQueue: options.forBlockingClient ?? false,
    maxRetriesPerRequest: options.forBlockingClient ? null : 1,
    connectTimeout: 5_000,
    // Keep reconnecting with a capped backoff: Redis restarting must not take the process down.
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  };
  const redis = new Redis(url, redisOptions);
  // Connection errors are reported through commands and health checks; an unhandled 'error' event would crash.
  redis.on('error', () => {});
  return redis;
}

/** Connects once, without retrying, and fails with a message naming the address when Redis is not there. */
export async function checkRedisReachable(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket error (ECONNREFUSED …) arrives as an event; the rejected promise only says "Connection is closed".
  let socketError: unknown;
  probe.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new ServiceUnreachableError('Redis', url, 'REDIS_URL', describeConnectionError(socketError ?? error));
  } finally {
    probe.disconnect();
  }
}

/** PING with a deadline, for readiness checks. */
export async function pingRedis(redis: Redis, timeoutMs = 1_000): Promise<void> {
  if (redis.status === 'wait') await redis.connect().catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('Redis did not answer PING in time')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes every key under a prefix (the demo's fresh start), in batches, without blocking Redis. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  // Without this, Redis being away surfaces as ioredis's bare "Connection is closed".
  await checkRedisReachable(url);
  const redis = createRedis(url, { name: 'groundswell-reset' });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
