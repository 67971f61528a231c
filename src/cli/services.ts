import { loadConfig, type AppConfig } from '../config/index.js';
import { checkListenAddress, startWebServer } from '../http/server.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { connectServices, prepareDatabase } from '../runtime/boot.js';
import { Closer } from '../runtime/closer.js';
import { backfillDemoHistory, createDemoLogin, startDemo, wantsDemo } from '../demo/demo-mode.js';
import { createRedis } from '../runtime/redis.js';
import { connectX, createCollectorRegistry } from '../sources/index.js';
import { createPool } from '../store/db.js';
import { startWorker } from '../../workers/worker.js';

export interface GlobalOptions {
  config?: string;
}

export async function bootstrap(options: GlobalOptions): Promise<{ config: AppConfig; logger: Logger }> {
  const config = await loadConfig(options.config ? { configPath: options.config } : {});
  const logger = createLogger({ level: config.env.LOG_LEVEL });
  return { config, logger };
}

/** For commands whose progress owns the terminal: only warnings and errors are logged beside it, to stderr. */
export function logBesideProgress(config: AppConfig): Logger {
  return createLogger({ level: ['trace', 'debug'].includes(config.env.LOG_LEVEL) ? config.env.LOG_LEVEL : 'warn', destination: process.stderr });
}

export async function runMigrate(options: GlobalOptions): Promise<void> {
  const { config, logger } = await bootstrap(options);
  await prepareDatabase(config, logger);
}

/**
 * `start`, `web` and `worker`: the long-running roles. Runs until SIGTERM or SIGINT, then drains
 * in-flight work and closes every connection (a second signal exits at once).
 */
export async function runServices(options: GlobalOptions, roles: { web: boolean; worker: boolean; migrate: boolean; demo?: 'auto' | 'always' }): Promise<void> {
  const booted = await bootstrap(options);
  const logger = booted.logger;
  let config = booted.config;
  const closer = new Closer({ logger });
  const stop = waitForStopSignal(logger);
  let started = false;
  try {
    const demoWanted = roles.demo === 'always' || (roles.demo === 'auto' && wantsDemo(config));
    // The demo recreates its database, which a demo already running would be using: a second
    // `npm start` must fail on the taken port before it does.
    if (demoWanted && roles.web) await checkListenAddress(config.env.HOST, config.env.PORT);
    const demo = demoWanted ? await startDemo(config, logger) : undefined;
    if (demo) {
      closer.add('simulators', () => demo.world.close());
      closer.add('demo database claim', () => demo.databaseClaim.release());
      config = demo.config;
    }
    const pool = await connectServices(config, logger, { migrate: roles.migrate, applicationName: `groundswell-${roles.web ? 'web' : ''}${roles.worker ? 'worker' : ''}` });
    closer.add('postgres pool', () => pool.end());
    if (roles.worker) {
      // One connection for the rate-limit budget every worker shares (the queue has its own).
      const budgetRedis = createRedis(config.env.REDIS_URL, { name: 'groundswell-rate-budget' });
      closer.add('rate-budget redis', () => void budgetRedis.disconnect());
      await budgetRedis.connect();
      const x = connectX(config, budgetRedis);
      const worker = await startWorker(config, pool, logger, { collectors: createCollectorRegistry(config, { db: pool, ...(x ? { x } : {}) }), ...(x ? { x } : {}) });
      closer.add('worker', async () => throwFirst(await worker.close()));
    }
    let webUrl: string | undefined;
    if (roles.web) {
      // In `start`, the web server gets a pool of its own: ingestion holding every connection must
      // never leave the dashboard waiting (and ingestion never waits on dashboard queries).
      const webPool = roles.worker ? createPool(config.env.DATABASE_URL, { max: 10, applicationName: 'groundswell-web' }) : pool;
      if (webPool !== pool) closer.add('web postgres pool', () => webPool.end());
      const web = await startWebServer(config, webPool, logger);
      webUrl = web.url;
      closer.add('web server', async () => throwFirst(await web.close()));
      logger.info(`Groundswell is running: ${web.url} (readiness: ${web.url}/readyz)`);
    }
    if (demo) {
      const login = await createDemoLogin(pool);
      // Printed for the person at the console, not logged: the log stays free of passwords.
      process.stdout.write(
        `\n  Groundswell demo: the data is simulated (fake X and blog servers on this machine).\n` +
          (webUrl ? `  Dashboard: ${webUrl}/\n` : '') +
          `  Demo login: ${login.email} / ${login.password}\n\n`,
      );
      const history = new AbortController();
      closer.add('demo backfill', () => history.abort());
      void backfillDemoHistory(demo, pool, logger, history.signal);
    }
    started = true;
    await stop.signalled;
  } finally {
    const failures = await closer.close();
    for (const failure of failures) logger.error(failure.message);
    stop.dispose();
    if (started) logger.info('stopped');
  }
}

function throwFirst(errors: Error[]): void {
  if (errors[0]) throw errors[0];
}

function waitForStopSignal(logger: Logger): { signalled: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const signalled = new Promise<void>((r) => (resolve = r));
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received += 1;
    if (received > 1) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    logger.info(`${signal} received: draining and closing`);
    resolve();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signalled,
    dispose: () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
