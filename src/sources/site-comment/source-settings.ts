import { z } from 'zod';
import { PermanentError } from '../../ingestion/errors.js';
import type { SourceRow } from '../../store/sources.js';

// The settings of a site source as config sync stored them (src/config/campaign-schema.ts, durations
// already in milliseconds). Checked again here because the row comes from the database, not the file.

/** A site's reconciliation sweep, unless its config says otherwise: daily. */
const DEFAULT_SWEEP_EVERY_MS = 86_400_000;
const DEFAULT_SWEEP_DAYS = 7;

const siteSettingsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  locality: z.string().optional(),
  minInterval: z.number().int().positive().optional(),
  sweep: z.object({ every: z.number().int().positive().optional(), days: z.number().int().positive().optional() }).optional(),
});

export interface SiteSourceSettings {
  url: string;
  locality: string | null;
  /** This source's minimum gap between requests to its host, when configured. */
  minIntervalMs: number | undefined;
  /** The reconciliation sweep (WordPress only): how often, and over how many days back. */
  sweep: { everyMs: number; days: number };
}

export function siteSourceSettings(source: Pick<SourceRow, 'slug' | 'settings'>): SiteSourceSettings {
  const parsed = siteSettingsSchema.safeParse(source.settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PermanentError('CONFIG_INVALID', `source ${source.slug} has invalid settings (${issue ? `${issue.path.join('.') || 'settings'}: ${issue.message}` : 'unreadable'}); fix it in the campaign config`);
  }
  const { url, locality, minInterval, sweep } = parsed.data;
  return {
    url,
    locality: locality ?? null,
    minIntervalMs: minInterval,
    sweep: { everyMs: sweep?.every ?? DEFAULT_SWEEP_EVERY_MS, days: sweep?.days ?? DEFAULT_SWEEP_DAYS },
  };
}
