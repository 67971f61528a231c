import type { Queue } from 'bullmq';
import type { CollectorRegistry } from '../src/ingestion/collector.js';
import { asIngestionError } from '../src/ingestion/errors.js';
import type { Logger } from '../src/observability/logger.js';
import { siteSourceSettings } from '../src/sources/site-comment/source-settings.js';
import type { SourceRow } from '../src/store/sources.js';
import { JOB_RETENTION, RETRY_POLICY, type IngestJobData, type IngestJobName, type JobName } from './queues.js';

export const schedulerId = (source: Pick<SourceRow, 'slug'>) => `source:${source.slug}`;

const MINUTE = 60_000;
/** How often a campaign's due X posts are re-read (each post is read only when its own schedule says so). */
export const REFRESH_EVERY_MS = 5 * MINUTE;
/** How often X's batch compliance is run or polled per campaign. */
export const COMPLIANCE_EVERY_MS = 60 * MINUTE;
/** A safety net: ingestion also asks for a rollup refresh as soon as it stores anything. */
export const ROLLUPS_EVERY_MS = MINUTE;
/** How often campaigns are checked for changed locality rules. */
export const REATTRIBUTE_EVERY_MS = 5 * MINUTE;

export interface ScheduleSummary {
  /** Sources with an incremental schedule. */
  scheduled: string[];
  removed: string[];
  /** Enabled sources left unscheduled because this build or process cannot collect their kind (the log says why). */
  unsupported: string[];
  /** Enabled sources left unscheduled because their stored settings are invalid: staff must fix them. */
  misconfigured: MisconfiguredSource[];
  /** The other schedulers: sweeps, refresh, compliance and maintenance. */
  other: string[];
}

export interface MisconfiguredSource {
  sourceId: number;
  slug: string;
  code: string;
  /** Names the setting and what is wrong with it, for the log and the source's health. */
  reason: string;
}

interface WantedScheduler {
  id: string;
  everyMs: number;
  name: JobName;
  data: IngestJobData;
}

/** Every scheduler Groundswell wants for these sources: a pure function of PostgreSQL's state. */
function wantedSchedulers(sources: readonly SourceRow[], collectors: CollectorRegistry, logger: Logger, summary: ScheduleSummary): WantedScheduler[] {
  const wanted: WantedScheduler[] = [];
  const xCampaigns = new Map<number, string>();
  for (const source of sources) {
    // Refresh and compliance serve the campaign's stored X posts, which outlive a source switched
    // off or removed from the config: X's Developer Policy still wants its deleted posts purged.
    if (source.kind === 'x-search' && collectors.has(source.kind)) xCampaigns.set(source.campaignId, source.campaignSlug);
    if (!source.enabled) continue;
    if (!collectors.has(source.kind)) {
      summary.unsupported.push(source.slug);
      logger.warn({ source: source.slug, kind: source.kind }, `not scheduling ${source.slug}: ${collectors.whyUnavailable(source.kind)}`);
      continue;
    }
    let sourceSchedulers: WantedScheduler[];
    try {
      sourceSchedulers = schedulersOfSource(source, collectors);
    } catch (error) {
      // A row a hand edit or an older version left invalid must not keep every other source (or the worker) from starting.
      const { code, message } = asIngestionError(error);
      summary.misconfigured.push({ sourceId: source.id, slug: source.slug, code, reason: message });
      logger.warn({ source: source.slug, kind: source.kind, code }, `not scheduling ${source.slug}: ${message}`);
      continue;
    }
    wanted.push(...sourceSchedulers);
    summary.scheduled.push(source.slug);
  }
  for (const [campaignId, campaignSlug] of xCampaigns) {
    wanted.push({ id: `refresh:${campaignSlug}`, everyMs: REFRESH_EVERY_MS, name: 'refresh', data: { campaignId, campaignSlug } });
    wanted.push({ id: `compliance:${campaignSlug}`, everyMs: COMPLIANCE_EVERY_MS, name: 'compliance', data: { campaignId, campaignSlug } });
  }
  wanted.push({ id: 'maintenance:rollups', everyMs: ROLLUPS_EVERY_MS, name: 'rollups', data: {} });
  wanted.push({ id: 'maintenance:reattribute', everyMs: REATTRIBUTE_EVERY_MS, name: 'reattribute', data: {} });
  return wanted;
}

/**
 * A source's own schedulers. Building its collectors here checks its stored settings, so a source
 * that could only fail is reported now instead of failing on every scheduled run.
 */
function schedulersOfSource(source: SourceRow, collectors: CollectorRegistry): WantedScheduler[] {
  const data = { sourceId: source.id, sourceSlug: source.slug };
  collectors.create(source, { kind: 'incremental' });
  const schedulers: WantedScheduler[] = [{ id: schedulerId(source), everyMs: source.everyMs, name: 'incremental', data }];
  if (collectors.create(source, { kind: 'sweep' })) {
    schedulers.push({ id: `sweep:${source.slug}`, everyMs: siteSourceSettings(source).sweep.everyMs, name: 'sweep', data });
  }
  return schedulers;
}

/**
 * Makes Redis's job schedulers match PostgreSQL: an incremental pass per enabled source this build
 * can collect and whose settings are valid, a sweep per site that offers one, engagement refresh
 * and compliance per campaign with an X source (one switched off too: its posts are still stored and
 * must still be purged when deleted on X), and the maintenance jobs. `sources` are all of them,
 * enabled or not. Run on every worker start, because Redis may have lost everything.
 */
export async function rebuildSchedules(
  queue: Queue<IngestJobData, unknown, IngestJobName>,
  sources: readonly SourceRow[],
  collectors: CollectorRegistry,
  logger: Logger,
): Promise<ScheduleSummary> {
  const summary: ScheduleSummary = { scheduled: [], removed: [], unsupported: [], misconfigured: [], other: [] };
  const wanted = wantedSchedulers(sources, collectors, logger, summary);
  for (const scheduler of wanted) {
    // upsert is idempotent: several workers starting together converge on one scheduler per key.
    await queue.upsertJobScheduler(scheduler.id, { every: scheduler.everyMs }, { name: scheduler.name, data: scheduler.data, opts: { ...JOB_RETENTION, ...RETRY_POLICY } });
    if (scheduler.name !== 'incremental') summary.other.push(scheduler.id);
  }
  const wantedIds = new Set(wanted.map((s) => s.id));
  for (const scheduler of await queue.getJobSchedulers()) {
    if (!wantedIds.has(scheduler.key)) {
      await queue.removeJobScheduler(scheduler.key);
      summary.removed.push(scheduler.key.startsWith('source:') ? scheduler.key.slice('source:'.length) : scheduler.key);
    }
  }
  return summary;
}
