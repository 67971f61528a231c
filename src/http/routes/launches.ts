import { z } from 'zod';
import { createDashboardLaunch, deleteDashboardLaunch, findLaunch, listLaunches, updateDashboardLaunch } from '../../store/launches.js';
import { defineRoute } from '../api-route.js';
import { campaignParams, launchParams, requireCampaign } from '../campaign-scope.js';
import { conflict, notFound } from '../errors.js';
import { httpUrl, slug, text } from '../params.js';
import { launchFields, launchView } from './schemas.js';

// Launches staff add in the dashboard can be edited and deleted here; launches from the config
// file follow the file (config sync would undo an edit), so changing them is refused with a reason.


const at = () =>
  z.iso
    .datetime({ offset: true, error: 'must be a date-time with a time zone, like 2026-11-20T10:00:00Z' })
    .transform((value) => new Date(value));

async function requireDashboardLaunch(db: Parameters<typeof findLaunch>[0], campaignId: number, campaignSlug: string, launchSlug: string, verb: string) {
  const launch = await findLaunch(db, campaignId, launchSlug);
  if (!launch) throw notFound(`The launch "${launchSlug}" of campaign "${campaignSlug}"`);
  if (launch.managedBy === 'config') {
    throw conflict(`The launch "${launchSlug}" comes from the config file; ${verb} it there (changes made here would be undone at the next start).`);
  }
  return launch;
}

export const launchRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/launches',
    tag: 'launches',
    summary: "A campaign's launches, oldest first",
    access: 'viewer',
    params: campaignParams,
    response: z.object({ items: z.array(launchView) }),
    csv: { filename: 'launches', row: launchView, rows: (result) => result.items },
    async handler({ params, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      return { items: (await listLaunches(services.db, campaign.id)).map(launchFields) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/api/campaigns/:campaign/launches',
    tag: 'launches',
    summary: 'Add a launch (managed in the dashboard)',
    access: 'admin',
    params: campaignParams,
    body: z.strictObject({
      slug: slug('a launch slug'),
      title: text(300),
      at: at(),
      url: httpUrl().nullable().optional(),
      description: text(2000).nullable().optional(),
    }),
    response: launchView,
    status: 201,
    async handler({ params, body, services, request }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      const launch = await createDashboardLaunch(services.db, campaign.id, body);
      if (!launch) throw conflict(`The campaign "${campaign.slug}" already has a launch "${body.slug}".`);
      request.log.info({ campaign: campaign.slug, launch: launch.slug }, 'launch added');
      return launchFields(launch);
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/api/campaigns/:campaign/launches/:launch',
    tag: 'launches',
    summary: 'Change a dashboard-managed launch (409 for launches from the config file)',
    access: 'admin',
    params: launchParams,
    body: z
      .strictObject({
        title: text(300).optional(),
        at: at().optional(),
        url: httpUrl().nullable().optional(),
        description: text(2000).nullable().optional(),
        enabled: z.boolean().optional(),
      })
      .refine((changes) => Object.values(changes).some((value) => value !== undefined), { error: 'must change at least one of: title, at, url, description, enabled' }),
    response: launchView,
    async handler({ params, body, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      await requireDashboardLaunch(services.db, campaign.id, campaign.slug, params.launch, 'change');
      const launch = await updateDashboardLaunch(services.db, campaign.id, params.launch, body);
      if (!launch) throw notFound(`The launch "${params.launch}" of campaign "${campaign.slug}"`);
      return launchFields(launch);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/api/campaigns/:campaign/launches/:launch',
    tag: 'launches',
    summary: 'Delete a dashboard-managed launch (409 for launches from the config file)',
    access: 'admin',
    params: launchParams,
    response: z.null(),
    status: 204,
    async handler({ params, services, request }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      await requireDashboardLaunch(services.db, campaign.id, campaign.slug, params.launch, 'remove');
      if (!(await deleteDashboardLaunch(services.db, campaign.id, params.launch))) throw notFound(`The launch "${params.launch}" of campaign "${campaign.slug}"`);
      request.log.info({ campaign: campaign.slug, launch: params.launch }, 'launch deleted');
      return null;
    },
  }),
];
