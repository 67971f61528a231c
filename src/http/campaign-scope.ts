import { z } from 'zod';
import { findCampaign, type CampaignRecord } from '../store/campaign-catalog.js';
import type { Queryable } from '../store/db.js';
import { findSourceBySlug, type SourceRow } from '../store/sources.js';
import { BadParameterError, notFound } from './errors.js';
import { slug } from './params.js';

// Most routes live under /api/campaigns/:campaign; they share its parameter and its lookup.

export const campaignParams = z.strictObject({ campaign: slug('a campaign slug') });
export const launchParams = campaignParams.extend({ launch: slug('a launch slug') });

export async function requireCampaign(db: Queryable, campaignSlug: string): Promise<CampaignRecord> {
  const campaign = await findCampaign(db, campaignSlug);
  if (!campaign) throw notFound(`The campaign "${campaignSlug}"`);
  return campaign;
}

/** A source of this campaign, or undefined: a source of another campaign is as absent as a missing one. */
async function findCampaignSource(db: Queryable, campaign: Pick<CampaignRecord, 'id'>, sourceSlug: string): Promise<SourceRow | undefined> {
  const source = await findSourceBySlug(db, sourceSlug);
  return source?.campaignId === campaign.id ? source : undefined;
}

/** A source named in the path: 404 unless it belongs to the campaign. */
export async function requireCampaignSource(db: Queryable, campaign: Pick<CampaignRecord, 'id' | 'slug'>, sourceSlug: string): Promise<SourceRow> {
  const source = await findCampaignSource(db, campaign, sourceSlug);
  if (!source) throw notFound(`The source "${sourceSlug}" of campaign "${campaign.slug}"`);
  return source;
}

/** A source named by the `source` query filter: 400 unless it belongs to the campaign. */
export async function sourceFilter(db: Queryable, campaign: Pick<CampaignRecord, 'id' | 'slug'>, sourceSlug: string): Promise<SourceRow> {
  const source = await findCampaignSource(db, campaign, sourceSlug);
  if (!source) throw new BadParameterError('source', 'query', `source "${sourceSlug}" is not a source of campaign "${campaign.slug}"`);
  return source;
}
