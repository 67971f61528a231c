import type { Queryable } from './db.js';

// Reads the reconciliation sweep of a site source needs: which comments it has stored, so it can
// ask the site whether each is still public. post_sources carries the post's time, so the window
// is found without touching posts for rows outside it.
const STORED_COMMENT_IDS = `
  SELECT p.external_id
  FROM post_sources ps JOIN posts p ON p.id = ps.post_id
  WHERE ps.source_id = $1 AND ps.post_created_at >= $2 AND ps.relation = 'match'
    AND p.platform = 'site' AND p.kind = 'comment' AND p.deleted_at IS NULL
  ORDER BY p.external_id`;

/** External ids of the comments a source stored that are dated at or after `since` and not removed. */
export async function listStoredCommentIds(db: Queryable, sourceId: number, since: Date): Promise<string[]> {
  const { rows } = await db.query<{ external_id: string }>(STORED_COMMENT_IDS, [sourceId, since]);
  return rows.map((row) => row.external_id);
}
