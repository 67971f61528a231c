import { ALL_LOCALITIES, UNATTRIBUTED_LOCALITY } from './counting-rules.js';
import type { ResolvedFilters } from './resolve-request.js';
import { sqlInteger } from './series-query.js';

/**
 * WHERE conditions selecting a campaign's countable posts (alias `p`) that pass the filters, for
 * queries that list posts rather than count them. `values` receives the parameters; $1 must be the
 * campaign id.
 */
export function campaignPostConditions(filters: ResolvedFilters, values: unknown[]): string[] {
  const sourceCondition = filters.sourceKey > 0 ? ` AND ps.source_id = ${sqlInteger(filters.sourceKey)}` : '';
  const conditions = [
    'p.deleted_at IS NULL',
    `EXISTS (SELECT 1 FROM post_sources ps WHERE ps.post_id = p.id AND ps.campaign_id = $1 AND ps.relation = 'match'${sourceCondition})`,
  ];
  if (filters.localityKey === UNATTRIBUTED_LOCALITY) {
    conditions.push('NOT EXISTS (SELECT 1 FROM locality_attributions la WHERE la.post_id = p.id AND la.campaign_id = $1)');
  } else if (filters.localityKey !== ALL_LOCALITIES) {
    conditions.push(`EXISTS (SELECT 1 FROM locality_attributions la WHERE la.post_id = p.id AND la.campaign_id = $1 AND la.locality_id = ${sqlInteger(filters.localityKey)})`);
  }
  if (filters.platform) conditions.push(`p.platform = $${values.push(filters.platform)}`);
  return conditions;
}

/** The slugs of the post's localities in the campaign ($1), as a text[] expression. */
export const POST_LOCALITY_SLUGS_SQL = `ARRAY(SELECT l.slug FROM locality_attributions la JOIN localities l ON l.id = la.locality_id
                                              WHERE la.post_id = p.id AND la.campaign_id = $1 ORDER BY l.slug)`;
