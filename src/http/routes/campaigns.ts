import { z } from 'zod';
import { listCampaigns, listLocalities } from '../../store/campaign-catalog.js';
import { listLaunches } from '../../store/launches.js';
import { listCampaignSources } from '../../store/source-health.js';
import { defineRoute } from '../api-route.js';
import { campaignParams, requireCampaign } from '../campaign-scope.js';
import { campaignView, launchFields, launchView, localityFields, localityView } from './schemas.js';

export const campaignSummary = campaignView.extend({
  localities: z.number().int().describe('enabled localities'),
  launches: z.number().int().describe('enabled launches'),
  sources: z.number().int().describe('enabled sources'),
});

export const sourceSummary = z.object({
  slug: z.string(),
  kind: z.string(),
  target: z.string().nullable().describe('the X query, or the site or feed URL'),
  enabled: z.boolean(),
  status: z.enum(['new', 'ok', 'failing', 'rate-limited', 'disabled']),
  lastRunAt: z.date().nullable(),
  lastSuccessAt: z.date().nullable(),
});

export const campaignRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns',
    tag: 'campaigns',
    summary: 'List campaigns',
    access: 'viewer',
    response: z.object({ items: z.array(campaignSummary) }),
    csv: { filename: 'campaigns', row: campaignSummary, rows: (result) => result.items },
    handler: async ({ services }) => ({ items: await listCampaigns(services.db) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign',
    tag: 'campaigns',
    summary: 'One campaign with its localities, launches and sources',
    access: 'viewer',
    params: campaignParams,
    response: z.object({ campaign: campaignView, localities: z.array(localityView), launches: z.array(launchView), sources: z.array(sourceSummary) }),
    async handler({ params, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      const [localities, launches, sources] = await Promise.all([
        listLocalities(services.db, campaign.id),
        listLaunches(services.db, campaign.id),
        listCampaignSources(services.db, campaign.id),
      ]);
      return {
        campaign: { slug: campaign.slug, name: campaign.name, timezone: campaign.timezone, enabled: campaign.enabled },
        localities: localities.map(localityFields),
        launches: launches.map(launchFields),
        sources,
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/localities',
    tag: 'campaigns',
    summary: "A campaign's localities and their matching rules",
    access: 'viewer',
    params: campaignParams,
    response: z.object({ items: z.array(localityView) }),
    csv: { filename: 'localities', row: localityView, rows: (result) => result.items },
    async handler({ params, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      return { items: (await listLocalities(services.db, campaign.id)).map(localityFields) };
    },
  }),
];
