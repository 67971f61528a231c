import { InvalidArgumentError, type Command } from 'commander';
import { createCollectorRegistry, planSourceBackfill } from '../sources/index.js';
import { UsageError } from './fail.js';
import { openForegroundSession, runForegroundPass } from './foreground-pass.js';
import type { GlobalOptions } from './services.js';

/** `groundswell ingest --source SLUG` and `groundswell backfill --source SLUG --since DATE [--until DATE]`. */
export function registerIngestCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('ingest')
    .description('run one pass of a source now, in the foreground, with progress and a summary')
    .requiredOption('--source <slug>', 'the source to collect (its slug in the config)')
    .action((options: { source: string }) => ingest(globals(), options.source));

  program
    .command('backfill')
    .description("collect an X search source's past posts over a window (full archive when the token allows, else the last 7 days); resumable")
    .requiredOption('--source <slug>', 'the x-search source to backfill')
    .requiredOption('--since <date>', 'start of the window: a date (2026-11-01) or an ISO 8601 time, UTC unless it says otherwise', parseDate('--since'))
    .option('--until <date>', 'end of the window (default: now)', parseDate('--until'))
    .action((options: { source: string; since: Date; until?: Date }) => backfill(globals(), options));
}

async function ingest(globalOptions: GlobalOptions, sourceSlug: string): Promise<void> {
  const session = await openForegroundSession(globalOptions, sourceSlug, 'ingest');
  try {
    const registry = createCollectorRegistry(session.config, { db: session.pool, ...(session.x ? { x: session.x } : {}) });
    const collector = registry.create(session.source);
    if (!collector) throw new UsageError(`cannot collect ${session.source.slug}: ${registry.whyUnavailable(session.source.kind)}`);
    await runForegroundPass(session, { kind: 'incremental', collector });
  } finally {
    await session.close();
  }
}

async function backfill(globalOptions: GlobalOptions, options: { source: string; since: Date; until?: Date }): Promise<void> {
  const until = options.until ?? new Date();
  if (options.since.getTime() >= until.getTime()) throw new UsageError(`--since (${options.since.toISOString()}) must be before --until (${until.toISOString()})`);
  const session = await openForegroundSession(globalOptions, options.source, 'backfill');
  try {
    const plan = await planSourceBackfill(session.config, session.source, { since: options.since, until }, session.x);
    const out = process.stdout;
    if (plan.fallback) out.write(`note: ${plan.fallback}\n`);
    const windows = plan.expectedRequests / plan.allowance.requests;
    const minutes = windows <= 1 ? 0 : Math.ceil((windows - 1) * (plan.allowance.windowMs / 60_000));
    out.write(
      `backfill of ${session.source.slug} from ${plan.window.since.toISOString()} to ${plan.window.until.toISOString()} (${plan.archive === 'all' ? 'full archive' : 'recent search'}):\n` +
        `  X counts ${plan.expectedPosts} matching post(s): about ${plan.expectedRequests} request(s); ` +
        `at ${plan.allowance.requests} requests per ${plan.allowance.windowMs / 60_000} min that is ${minutes === 0 ? 'within one rate-limit window' : `about ${minutes} min of rate-limit waits`}\n`,
    );
    const done = plan.collector.pagesAlreadyDone(session.source.laneCursors.backfill ?? {});
    if (done > 0) out.write(`  resuming: ${done} page(s) of this window were stored by an earlier run\n`);
    await runForegroundPass(session, { kind: 'backfill', collector: plan.collector, expectedPosts: plan.expectedPosts });
  } finally {
    await session.close();
  }
}

/** Commander argument parser: a calendar date (taken as 00:00 UTC) or a full ISO 8601 time. */
function parseDate(flag: string) {
  return (value: string): Date => {
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
    const date = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? new Date(iso) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`${flag} needs a date like 2026-11-01 or 2026-11-01T09:30:00Z.`);
    return date;
  };
}
