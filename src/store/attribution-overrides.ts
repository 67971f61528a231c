import type { Queryable } from './db.js';

// Staff overrides of a post's localities. The override itself (attribution_overrides) is what the
// attribution job applies last on every re-run (attributions.ts); the locality_attributions rows
// are replaced at once too, written the way that job writes overrides, so charts and lists reflect
// the change without waiting for it. Run inside a transaction (with the rollup dirty-marking).

export interface LocalityOverride {
  postId: number;
  campaignId: number;
  localityIds: number[];
  note: string | null;
  setBy: number | null;
  setAt: Date;
}

export async function overridePostLocalities(
  tx: Queryable,
  override: { campaignId: number; postId: number; localityIds: readonly number[]; note: string | null; setBy: number | null },
): Promise<LocalityOverride> {
  const localityIds = [...new Set(override.localityIds)].sort((a, b) => a - b);
  const { rows } = await tx.query<{ set_at: Date }>(
    `INSERT INTO attribution_overrides (post_id, campaign_id, locality_ids, note, set_by) VALUES ($1, $2, $3::bigint[], $4, $5)
     ON CONFLICT (campaign_id, post_id) DO UPDATE SET locality_ids = EXCLUDED.locality_ids, note = EXCLUDED.note,
       set_by = EXCLUDED.set_by, set_at = now()
     RETURNING set_at`,
    [override.postId, override.campaignId, localityIds, override.note, override.setBy],
  );
  await tx.query(`DELETE FROM locality_attributions WHERE post_id = $1 AND campaign_id = $2`, [override.postId, override.campaignId]);
  // A tombstoned post keeps the override (should it ever matter again) but has no attributions.
  await tx.query(
    `INSERT INTO locality_attributions (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence, is_override)
     SELECT p.id, l.id, $2, p.created_at, 'override', 'staff override', 1, true
     FROM posts p JOIN localities l ON l.id = ANY ($3::bigint[]) AND l.campaign_id = $2
     WHERE p.id = $1 AND p.deleted_at IS NULL
     ORDER BY l.id`,
    [override.postId, override.campaignId, localityIds],
  );
  return { postId: override.postId, campaignId: override.campaignId, localityIds, note: override.note, setBy: override.setBy, setAt: rows[0]!.set_at };
}

/**
 * Removes a post's override in a campaign; returns whether there was one. The caller attributes the
 * post again by the rules in the same transaction (the override's rows are still in place until then).
 */
export async function removePostLocalityOverride(tx: Queryable, override: { campaignId: number; postId: number }): Promise<boolean> {
  const { rowCount } = await tx.query(`DELETE FROM attribution_overrides WHERE campaign_id = $1 AND post_id = $2`, [override.campaignId, override.postId]);
  return (rowCount ?? 0) > 0;
}
