import { loadConfig, type AppConfig } from '../config/index.js';
import { startWebServer } from '../http/server.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { connectServices, prepareDatabase } from '../runtime/boot.js';
import { Closer } from '../runtime/closer.js';
import { createCollectorRegistry } from '../sources/index.js';
import { startWorker } from '../../workers/worker.js';

export interface GlobalOptions {
  config?: string;
}

export async function bootstrap(options: GlobalOptions): Promise<{ config: AppConfig; logger: Logger }> {
  const config = await loadConfig(options.config ? { configPath: options.config } : {});
  const logger = createLogger({ level: config.env.LOG_LEVEL });
  return { config, logger };
}

export async function runMigrate(options: GlobalOptions): Promise<void> {
  const { config, logger } = await bootstrap(options);
  await prepareDatabase(config, logger);
}

/**
 * `start`, `web` and `worker`: the long-running roles. Runs until SIGTERM or SIGINT, then drains
 * in-flight work and closes every connection (a second signal exits at once).
 */
export async function runServices(options: GlobalOptions, roles: { web: boolean; worker: boolean; migrate: boolean }): Promise<void> {
  const { config, logger } = await bootstrap(options);
  const closer = new Closer();
  const stop = waitForStopSignal(logger);
  let started = false;
  try {
    const pool = await connectServices(config, logger, { migrate: roles.migrate, applicationName: `groundswell-${roles.web ? 'web' : ''}${roles.worker ? 'worker' : ''}` });
    closer.add('postgres pool', () => pool.end());
    if (roles.worker) {
      const worker = await startWorker(config, pool, logger, { collectors: createCollectorRegistry(config) });
      closer.add('worker', async () => throwFirst(await worker.close()));
    }
    if (roles.web) {
      const web = await startWebServer(config, pool, logger);
      closer.add('web server', async () => throwFirst(await web.close()));
      logger.info(`Groundswell is running: ${web.url} (readiness: ${web.url}/readyz)`);
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
