import { z } from 'zod';
import { parseDuration } from './duration.js';

// The campaign config file (YAML). One schema gives both the validation at boot and the
// TypeScript types the rest of the code uses; error messages are phrased to follow
// "<key>: <value> " so that the formatter in load.ts can print one readable line per problem.

const slug = z
  .string({ error: 'is not a slug (lower-case letters, digits and dashes, like "rsahealth-x")' })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: 'is not a slug (lower-case letters, digits and dashes, like "rsahealth-x")' })
  .max(64, { error: 'is longer than 64 characters' });

const text = (what: string) => z.string({ error: `is not ${what}` }).trim().min(1, { error: `is empty; expected ${what}` });

const duration = z
  .string({ error: 'is not a duration like 15m or 1h' })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is not a duration like 15m or 1h' });
      return z.NEVER;
    }
    return ms;
  });

const httpUrl = z
  .string({ error: 'is not a URL like https://blog.example.org' })
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, { error: 'is not an http(s) URL like https://blog.example.org' });

const timezone = z.string({ error: 'is not an IANA time zone like Europe/London' }).refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, { error: 'is not an IANA time zone like Europe/London' });

const instant = z
  .string({ error: 'is not a date-time like 2026-11-20T10:00:00Z' })
  .refine((value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)), {
    error: 'is not a date-time with a time zone, like 2026-11-20T10:00:00Z',
  })
  .transform((value) => new Date(value));

// YAML turns `at: 2026-11-20T10:00:00Z` into a Date before we see it; accept both forms.
const launchTime = z.preprocess((value) => (value instanceof Date ? value.toISOString() : value), instant);

const words = (what: string) => z.array(text(what), { error: `is not a list of ${what}s` }).default([]);

export const localitySchema = z.strictObject({
  slug,
  name: text('a name'),
  hashtags: words('hashtag').transform((tags) => tags.map((tag) => tag.replace(/^#/, ''))),
  keywords: words('keyword or phrase'),
  places: words('place name'),
});

export const launchSchema = z.strictObject({
  slug,
  title: text('a title'),
  at: launchTime,
  url: httpUrl.optional(),
  description: z.string().optional(),
});

const sourceCommon = {
  slug,
  every: duration,
  enabled: z.boolean({ error: 'is not true or false' }).default(true),
};

export const xSearchSourceSchema = z.strictObject({
  ...sourceCommon,
  kind: z.literal('x-search'),
  query: text('an X search query').refine((query) => query.length <= 512, { error: 'is longer than the 512 characters X allows in a query' }),
});

/** The smallest gap between two requests to the site's host (default 1s). */
const minInterval = duration.optional();

export const wordpressSourceSchema = z.strictObject({
  ...sourceCommon,
  kind: z.literal('wordpress'),
  url: httpUrl,
  /** A locality every comment on this site belongs to (a local blog), if any. */
  locality: slug.optional(),
  minInterval,
  /** The reconciliation sweep that finds edited and removed comments: how often (default 1d) and how many days back (default 7). */
  sweep: z
    .strictObject({
      every: duration.optional(),
      days: z.number({ error: 'is not a number of days' }).int({ error: 'is not a whole number of days' }).min(1, { error: 'is less than 1 day' }).max(365, { error: 'is more than 365 days' }).optional(),
    })
    .optional(),
});

export const feedSourceSchema = z.strictObject({
  ...sourceCommon,
  kind: z.literal('feed'),
  url: httpUrl,
  locality: slug.optional(),
  minInterval,
});

export const SOURCE_KINDS = ['x-search', 'wordpress', 'feed'] as const;

export const sourceSchema = z.discriminatedUnion('kind', [xSearchSourceSchema, wordpressSourceSchema, feedSourceSchema], {
  error: `is not a source kind; expected one of ${SOURCE_KINDS.join(', ')}`,
});

export const campaignSchema = z
  .strictObject({
    slug,
    name: text('a name'),
    timezone: timezone.default('Europe/London'),
    localities: z.array(localitySchema, { error: 'is not a list of localities' }).default([]),
    launches: z.array(launchSchema, { error: 'is not a list of launches' }).default([]),
    sources: z.array(sourceSchema, { error: 'is not a list of sources' }).default([]),
  })
  .superRefine((campaign, ctx) => {
    requireUnique(campaign.localities, 'localities', ctx);
    requireUnique(campaign.launches, 'launches', ctx);
    const localities = new Set(campaign.localities.map((l) => l.slug));
    campaign.sources.forEach((source, index) => {
      if ('locality' in source && source.locality !== undefined && !localities.has(source.locality)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, 'locality'],
          message: `is not one of this campaign's localities (${[...localities].join(', ') || 'none defined'})`,
        });
      }
    });
  });

export const campaignFileSchema = z
  .strictObject({
    campaigns: z.array(campaignSchema, { error: 'is not a list of campaigns' }).min(1, { error: 'is empty; expected at least one campaign' }),
  })
  .superRefine((file, ctx) => {
    requireUnique(file.campaigns, 'campaigns', ctx);
    // `groundswell ingest --source SLUG` names a source on its own, so source slugs are unique across campaigns.
    const seen = new Map<string, string>();
    file.campaigns.forEach((campaign, c) =>
      campaign.sources.forEach((source, s) => {
        const first = seen.get(source.slug);
        if (first) {
          ctx.addIssue({ code: 'custom', path: ['campaigns', c, 'sources', s, 'slug'], message: `is already used by ${first}; source slugs must be unique` });
        } else {
          seen.set(source.slug, `campaigns[${c}].sources[${s}]`);
        }
      }),
    );
  });

function requireUnique(items: readonly { slug: string }[], key: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.slug)) {
      ctx.addIssue({ code: 'custom', path: [key, index, 'slug'], message: `is used twice in ${key}; slugs must be unique` });
    }
    seen.add(item.slug);
  });
}

export type CampaignFile = z.output<typeof campaignFileSchema>;
export type CampaignConfig = CampaignFile['campaigns'][number];
export type LocalityConfig = z.output<typeof localitySchema>;
export type LaunchConfig = z.output<typeof launchSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type SourceKind = SourceConfig['kind'];
