import type { AppConfig } from '../config/index.js';
import { redactUrl } from '../config/secret.js';
import type { Logger } from '../observability/logger.js';
import { describeSync, syncConfig } from '../store/campaigns.js';
import { checkDatabaseReachable, createPool, ensureDatabaseExists, type Pool } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { checkRedisReachable } from './redis.js';

/** Creates the database when it is missing (first run), then applies pending migrations. */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<void> {
  const url = config.env.DATABASE_URL;
  if (await ensureDatabaseExists(url)) logger.info({ database: redactUrl(url) }, 'created the database (first run)');
  const applied = await migrate(url);
  logger.info({ applied }, applied.length > 0 ? `applied ${applied.length} migration(s)` : 'database schema is up to date');
}

export interface ServiceOptions {
  /** Run migrations (and create the database) before anything else. */
  migrate: boolean;
  /** Check Redis is there first (default true); commands that never use it skip the check. */
  redis?: boolean;
  /** Pool size for this process. */
  poolSize?: number;
  applicationName: string;
}

/**
 * The start-up every long-running command shares: both services reachable (or a clear message
 * naming the one that is not), schema current, config synced into PostgreSQL.
 */
export async function connectServices(config: AppConfig, logger: Logger, options: ServiceOptions): Promise<Pool> {
  if (options.redis !== false) await checkRedisReachable(config.env.REDIS_URL);
  if (options.migrate) await prepareDatabase(config, logger);
  const pool = createPool(config.env.DATABASE_URL, { max: options.poolSize ?? 10, applicationName: options.applicationName });
  try {
    await checkDatabaseReachable(pool, config.env.DATABASE_URL);
    const summary = await syncConfig(pool, config.campaigns);
    logger.info({ config: config.configPath, sync: summary }, `config synced: ${describeSync(summary)}`);
    return pool;
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}
