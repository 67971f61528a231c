import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { campaignFileSchema, type LocalityConfig } from '../../../src/config/campaign-schema.js';
import { withDefaultGazetteer, type LocalityRules } from '../../../src/domain/attribution/index.js';

// The localities of the shipped example config, so the evaluation measures what operators will run.
export function exampleCampaignLocalities(): LocalityConfig[] {
  const file = campaignFileSchema.parse(parse(readFileSync(new URL('../../../examples/rsahealth.yaml', import.meta.url), 'utf8')));
  const campaign = file.campaigns[0];
  if (campaign === undefined) throw new Error('examples/rsahealth.yaml has no campaign');
  return campaign.localities;
}

export function exampleLocalityRules(): LocalityRules[] {
  return withDefaultGazetteer(exampleCampaignLocalities());
}
