import { z } from 'zod';
import { findCampaign, type CampaignRecord } from '../store/campaign-catalog.js';
import type { Queryable } from '../store/db.js';
import { notFound } from './errors.js';
import { slug } from './params.js';

// Most routes live under /api/campaigns/:campaign; they share its parameter and its lookup.

export const campaignParams = z.strictObject({ campaign: slug('a campaign slug') });
export const launchParams = campaignParams.extend({ launch: slug('a launch slug') });

export async function requireCampaign(db: Queryable, campaignSlug: string): Promise<CampaignRecord> {
  const campaign = await findCampaign(db, campaignSlug);
  if (!campaign) throw notFound(`The campaign "${campaignSlug}"`);
  return campaign;
}
