import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { Pool } from '../store/db.js';
import type { Redis } from '../runtime/redis.js';
import { registerErrorHandler } from './errors.js';
import { registerHealthRoutes } from './health.js';

export interface AppDependencies {
  db: Pool;
  redis: Redis;
  logger?: Logger;
}

/** Builds the HTTP app without listening: tests drive it with inject(), server.ts listens. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    trustProxy: true,
    bodyLimit: 1_048_576,
    requestTimeout: 30_000,
  };
  // pino's Logger is a FastifyBaseLogger; naming the wider type keeps Fastify's generics at their defaults.
  const app: FastifyInstance = deps.logger
    ? Fastify({ ...options, loggerInstance: deps.logger as FastifyBaseLogger })
    : Fastify({ ...options, logger: false });
  registerErrorHandler(app);
  await app.register(registerHealthRoutes, { db: deps.db, redis: deps.redis });
  await app.ready();
  return app;
}
