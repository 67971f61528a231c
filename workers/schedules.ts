import type { Queue } from 'bullmq';
import type { CollectorRegistry } from '../src/ingestion/collector.js';
import type { Logger } from '../src/observability/logger.js';
import type { SourceRow } from '../src/store/sources.js';
import { JOB_RETENTION, RETRY_POLICY, type IngestJobData, type IngestJobName } from './queues.js';

export const schedulerId = (source: Pick<SourceRow, 'slug'>) => `source:${source.slug}`;

export interface ScheduleSummary {
  scheduled: string[];
  removed: string[];
  /** Enabled sources left unscheduled, with the reason. */
  unsupported: string[];
}

/**
 * Makes Redis's job schedulers match PostgreSQL: one scheduler per enabled source this build can
 * collect, at its interval. Run on every worker start, because Redis may have lost everything.
 */
export async function rebuildSchedules(
  queue: Queue<IngestJobData, unknown, IngestJobName>,
  sources: readonly SourceRow[],
  collectors: CollectorRegistry,
  logger: Logger,
): Promise<ScheduleSummary> {
  const summary: ScheduleSummary = { scheduled: [], removed: [], unsupported: [] };
  const wanted = new Set<string>();
  for (const source of sources) {
    if (!source.enabled) continue;
    if (!collectors.has(source.kind)) {
      summary.unsupported.push(source.slug);
      logger.warn({ source: source.slug, kind: source.kind }, `not scheduling ${source.slug}: ${collectors.whyUnavailable(source.kind)}`);
      continue;
    }
    const id = schedulerId(source);
    wanted.add(id);
    // upsert is idempotent: several workers starting together converge on one scheduler per source.
    await queue.upsertJobScheduler(
      id,
      { every: source.everyMs },
      { name: 'incremental', data: { sourceId: source.id, sourceSlug: source.slug }, opts: { ...JOB_RETENTION, ...RETRY_POLICY } },
    );
    summary.scheduled.push(source.slug);
  }
  for (const scheduler of await queue.getJobSchedulers()) {
    if (scheduler.key.startsWith('source:') && !wanted.has(scheduler.key)) {
      await queue.removeJobScheduler(scheduler.key);
      summary.removed.push(scheduler.key.slice('source:'.length));
    }
  }
  return summary;
}
