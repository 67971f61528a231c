import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RawServerDefault } from 'fastify';
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
  // Annotated with Fastify's default logger type so pino's richer Logger does not leak into every route's generics.
  const app: FastifyInstance = deps.logger
    ? Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({ ...options, loggerInstance: deps.logger })
    : Fastify({ ...options, logger: false });
  registerErrorHandler(app);
  registerHealthRoutes(app, { db: deps.db, redis: deps.redis });
  await app.ready();
  return app;
}
