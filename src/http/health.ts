import type { FastifyInstance } from 'fastify';
import type { Pool } from '../store/db.js';
import { pendingMigrations } from '../store/migrate.js';
import { pingRedis, type Redis } from '../runtime/redis.js';

/** 'ok', or a short reason that is safe to show. */
type Check = string;

async function check(run: () => Promise<string | undefined>): Promise<Check> {
  try {
    return (await run()) ?? 'ok';
  } catch {
    // Internal error text could carry addresses or credentials: readiness only says what failed.
    return 'unreachable';
  }
}

export function registerHealthRoutes(app: FastifyInstance, deps: { db: Pool; redis: Redis }): void {
  // Liveness: the process is up and serving. Never touches PostgreSQL or Redis.
  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));

  // Readiness: PostgreSQL and Redis reachable and every shipped migration applied.
  app.get('/readyz', async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      check(async () => {
        const pending = await pendingMigrations(deps.db);
        return pending.length > 0 ? `migrations pending: ${pending.join(', ')}` : undefined;
      }),
      check(async () => {
        await pingRedis(deps.redis);
        return undefined;
      }),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: { postgres, redis } });
  });
}
