import { z } from 'zod';

// Response shapes reused by several route files (documentation and CSV columns).

export const campaignView = z.object({
  slug: z.string(),
  name: z.string(),
  timezone: z.string().describe('IANA time zone the dashboard shows times in'),
  enabled: z.boolean(),
});

export const localityView = z.object({
  slug: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  hashtags: z.array(z.string()),
  keywords: z.array(z.string()),
  places: z.array(z.string()).describe('towns inside the locality (gazetteer)'),
});

export const launchView = z.object({
  slug: z.string(),
  title: z.string(),
  at: z.date(),
  url: z.string().nullable(),
  description: z.string().nullable(),
  managedBy: z.enum(['config', 'dashboard']).describe("'config' launches follow the config file and cannot be edited here"),
  enabled: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const userView = z.object({
  id: z.number().int(),
  email: z.string(),
  role: z.enum(['viewer', 'admin']),
  createdAt: z.date(),
  disabledAt: z.date().nullable(),
});

export const launchFields = (launch: z.input<typeof launchView>): z.input<typeof launchView> => ({
  slug: launch.slug,
  title: launch.title,
  at: launch.at,
  url: launch.url,
  description: launch.description,
  managedBy: launch.managedBy,
  enabled: launch.enabled,
  createdAt: launch.createdAt,
  updatedAt: launch.updatedAt,
});

export const localityFields = (locality: z.input<typeof localityView>): z.input<typeof localityView> => ({
  slug: locality.slug,
  name: locality.name,
  enabled: locality.enabled,
  hashtags: locality.hashtags,
  keywords: locality.keywords,
  places: locality.places,
});

export const userFields = (user: z.input<typeof userView>): z.input<typeof userView> => ({
  id: user.id,
  email: user.email,
  role: user.role,
  createdAt: user.createdAt,
  disabledAt: user.disabledAt,
});
