import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RawServerDefault } from 'fastify';
import { DEFAULT_TRUSTED_PROXIES } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Redis } from '../runtime/redis.js';
import type { Pool } from '../store/db.js';
import { registerQueueBoard } from './admin-queues.js';
import type { ApiServices, AuthSettings } from './api-route.js';
import { AnalyticsCache } from './analytics-cache.js';
import { registerAuthentication, registerWithAccess } from './auth/authenticate.js';
import { defaultDashboardDir, registerDashboard } from './dashboard-static.js';
import { registerErrorHandler } from './errors.js';
import { registerHealthRoutes } from './health.js';
import { registerMetrics } from './metrics-route.js';
import { nextRunsFromQueue } from './next-runs.js';
import { openApiRoute } from './openapi.js';
import { registerApiRoutes } from './register-routes.js';
import { apiRoutes } from './routes/index.js';
import { registerSecurityHeaders } from './security-headers.js';

export interface AppDependencies {
  db: Pool;
  redis: Redis;
  logger?: Logger;
  /** Prefix of the web process's own Redis keys (login rate limits); REDIS_PREFIX. Default "groundswell". */
  redisPrefix?: string;
  /** The ingest queue: serves Bull Board at /admin/queues and the next-run times in source health. */
  ingestQueue?: Queue;
  /** Session lifetime and login rate limits; defaults in DEFAULT_AUTH_SETTINGS. */
  auth?: Partial<AuthSettings>;
  /** Prometheus metrics served at /metrics (to a session or API token), with API latency. */
  metrics?: Metrics;
  /** Which proxies may set X-Forwarded-For/-Proto (Fastify's trustProxy; TRUST_PROXY). Default: loopback and private networks. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Demo mode: the data is simulated; GET /api/instance says so and the dashboard shows a banner. */
  demo?: boolean;
  /** The built dashboard (dashboard/build.mjs). Default dist/dashboard under the package root. */
  dashboardDir?: string;
  /** How long a launch-analytics answer is reused for the same question; 0 turns that off. Default 10 s. */
  analyticsCacheMs?: number;
  /** The time launch analytics answer as of (how much of a window has happened). Default: the system clock; tests fix it. */
  now?: () => Date;
}

const MINUTE = 60_000;

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  session: { idleMs: 12 * 60 * MINUTE, maxMs: 7 * 24 * 60 * MINUTE },
  loginAttempts: { max: 10, windowMs: 15 * MINUTE },
  loginAttemptsPerEmail: { max: 50, windowMs: 15 * MINUTE },
};

/** Dashboards refresh every minute; an answer at most this old is as good as a new one. */
export const DEFAULT_ANALYTICS_CACHE_MS = 10_000;

/** JSON bodies here are small (a launch, a user, a list of localities); anything bigger is refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the HTTP app without listening: tests drive it with inject(), server.ts listens. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    trustProxy: deps.trustProxy ?? DEFAULT_TRUSTED_PROXIES,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 30_000,
  };
  // Annotated with Fastify's default logger type so pino's richer Logger does not leak into every route's generics.
  const app: FastifyInstance = deps.logger
    ? Fastify<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger>({ ...options, loggerInstance: deps.logger })
    : Fastify({ ...options, logger: false });
  const auth = { ...DEFAULT_AUTH_SETTINGS, ...deps.auth };

  registerErrorHandler(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false, redis: deps.redis, nameSpace: `${deps.redisPrefix ?? 'groundswell'}:rate-limit:` });
  registerSecurityHeaders(app);
  registerAuthentication(app, { db: deps.db, session: auth.session });

  await registerWithAccess(app, 'public', (scope) => registerHealthRoutes(scope, { db: deps.db, redis: deps.redis }));
  if (deps.metrics) await registerMetrics(app, deps.metrics);

  const services: ApiServices = {
    db: deps.db,
    redis: deps.redis,
    auth,
    demo: deps.demo ?? false,
    analyticsCache: new AnalyticsCache(deps.analyticsCacheMs ?? DEFAULT_ANALYTICS_CACHE_MS),
    now: deps.now ?? (() => new Date()),
    ...(deps.ingestQueue ? { nextRuns: nextRunsFromQueue(deps.ingestQueue) } : {}),
  };
  registerApiRoutes(app, [...apiRoutes, openApiRoute(apiRoutes, { title: 'Groundswell API', version: '1' })], services);
  if (deps.ingestQueue) await registerQueueBoard(app, [deps.ingestQueue]);
  await registerDashboard(app, deps.dashboardDir ?? defaultDashboardDir());

  await app.ready();
  return app;
}
