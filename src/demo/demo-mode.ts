import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigError, Secret, type AppConfig } from '../config/index.js';
import type { Logger } from '../observability/logger.js';
import { packageRoot } from '../runtime/package-root.js';
import { runPass } from '../ingestion/run-pass.js';
import { planSourceBackfill } from '../sources/index.js';
import { deleteRedisKeys } from '../runtime/redis.js';
import { claimDatabase, dropDatabaseIfExists, type DatabaseClaim, type Pool } from '../store/db.js';
import { listSources } from '../store/sources.js';
import { createUser } from '../store/users.js';
import { hashPassword } from '../http/auth/passwords.js';
import { startSimulatedWorld, type SimulatedWorld } from './simulated-world.js';

// Demo mode: the whole system against simulated X and blog servers, so a newcomer without
// credentials sees it working. Simulated data lives in its own database and Redis prefix, and starts
// afresh on every demo start, so it can never mix with a real campaign's data.

/** The example config with no X token means a newcomer trying Groundswell out: run the demo. */
export function wantsDemo(config: AppConfig): boolean {
  return config.env.X_BEARER_TOKEN === undefined && resolve(config.configPath) === resolve(packageRoot(), 'examples', 'rsahealth.yaml');
}

/** postgres://…/groundswell → postgres://…/groundswell_demo */
export function demoDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'groundswell';
  url.pathname = `/${name.endsWith('_demo') ? name : `${name}_demo`}`;
  return url.toString();
}

export interface Demo {
  config: AppConfig;
  world: SimulatedWorld;
  /** The demo database is this demo's until released (at shutdown): no other demo start resets it meanwhile. */
  databaseClaim: DatabaseClaim;
}

/** Starts the simulators and returns the config that points every source at them. */
export async function startDemo(config: AppConfig, logger: Logger): Promise<Demo> {
  const campaign = config.campaigns[0];
  if (!campaign) throw new Error('the demo needs a campaign in the config');
  const world = await startSimulatedWorld({ campaign, logger });
  let databaseClaim: DatabaseClaim | undefined;
  try {
    const databaseUrl = demoDatabaseUrl(config.env.DATABASE_URL);
    // Dropping ends every session on it, and a demo running already (started with another PORT,
    // which the port check cannot see) would lose its database under it. A running demo holds this
    // claim until it stops; its pool may well have no session open at the moment.
    databaseClaim = await claimDatabase(databaseUrl);
    if (!databaseClaim) {
      const { pathname } = new URL(databaseUrl);
      throw new ConfigError('the environment', [
        `DATABASE_URL: the demo database "${decodeURIComponent(pathname.slice(1))}" belongs to another Groundswell demo that is still running (perhaps started with another PORT); stop it first, or give this demo a DATABASE_URL of its own`,
      ]);
    }
    // Its queues and schedules go too: a schedule left from an earlier demo would wait out its old
    // interval before reading the new simulated blog. First, so that with Redis down the start stops
    // before anything of the earlier demo is gone.
    await deleteRedisKeys(config.env.REDIS_URL, `${config.env.REDIS_PREFIX}-demo:`);
    await dropDatabaseIfExists(databaseUrl);
    const demoConfig: AppConfig = {
      ...config,
      demo: true,
      env: {
        ...config.env,
        DATABASE_URL: databaseUrl,
        REDIS_PREFIX: `${config.env.REDIS_PREFIX}-demo`,
        X_BEARER_TOKEN: new Secret(world.xBearerToken),
        X_API_BASE_URL: world.xApiUrl,
      },
      campaigns: config.campaigns.map((c) => ({
        ...c,
        sources: c.sources.map((source) => {
          if (source.kind === 'wordpress') return { ...source, url: world.siteUrl };
          if (source.kind === 'feed') return { ...source, url: `${world.siteUrl}/comments/feed/` };
          return source;
        }),
      })),
    };
    logger.info({ xApi: world.xApiUrl, blog: world.siteUrl, database: databaseUrl.replace(/\/\/[^@]*@/, '//') }, 'demo mode: simulated X API and campaign blog started; the data is simulated');
    return { config: demoConfig, world, databaseClaim };
  } catch (error) {
    await world.close();
    await databaseClaim?.release();
    throw error;
  }
}

/**
 * Recent search only reaches back 7 days, but a launch's baseline needs the weeks before it: the
 * demo backfills the simulated X archive in the background, as an operator would with `backfill`.
 */
export async function backfillDemoHistory(demo: Demo, pool: Pool, logger: Logger, signal: AbortSignal): Promise<void> {
  const { config } = demo;
  // Everything the simulated archive holds: it starts at the world's first post.
  const since = demo.world.historyStart;
  for (const source of await listSources(pool, { enabledOnly: true })) {
    if (source.kind !== 'x-search' || signal.aborted) continue;
    try {
      const plan = await planSourceBackfill(config, source, { since, until: new Date() });
      logger.info({ source: source.slug, expectedPosts: plan.expectedPosts }, 'demo: backfilling the simulated X archive for the launch baselines');
      const outcome = await runPass(pool, source, plan.collector, { kind: 'backfill', trigger: 'demo', signal, waitOnRateLimit: true, logger });
      logger.info({ source: source.slug, status: outcome.status, ...('counts' in outcome ? outcome.counts : {}) }, 'demo: backfill finished');
    } catch (error) {
      if (!signal.aborted) logger.warn({ source: source.slug, err: error instanceof Error ? error.message : String(error) }, 'demo: backfill failed');
    }
  }
}

export const DEMO_LOGIN_EMAIL = 'demo@groundswell.local';

/**
 * The demo's staff account: an admin with a password made up for this run, so a newcomer can sign
 * in at once. Its database is recreated on every demo start, so the account is always new.
 */
export async function createDemoLogin(pool: Pool): Promise<{ email: string; password: string }> {
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  await createUser(pool, { email: DEMO_LOGIN_EMAIL, role: 'admin', passwordHash: await hashPassword(password) });
  return { email: DEMO_LOGIN_EMAIL, password };
}
