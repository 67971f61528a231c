// What counts, in one place, for the rollups and for the raw queries that must agree with them
// exactly:
// - a post counts for a campaign when a post_sources row links them with relation 'match';
//   'reference' rows (context a match quotes or answers) are not campaign conversation;
// - tombstoned posts (deleted_at set) count nowhere;
// - engagement = likes + reposts + replies + quotes, plus 1 for a site comment: a comment is itself
//   a reply to the blog post it sits on, and that post is not a row of ours to carry the count;
// - reach = the sum of the distinct authors' follower counts (0 when unknown); posts without an
//   author count as posts and engagement but not as authors;
// - a post with no locality_attributions row for the campaign is "unattributed".

/** Grain keys of the rollup tables (see migration 0009). */
export const ALL_LOCALITIES = -1;
export const UNATTRIBUTED_LOCALITY = 0;
export const ALL_SOURCES = 0;

/** A post's engagement, from a `posts` row aliased `p`. */
export const POST_ENGAGEMENT_SQL = `(p.like_count + p.repost_count + p.reply_count + p.quote_count + (p.kind = 'comment')::int)::bigint`;

/** The engagement a snapshot row (aliased as given) recorded: accrual is measured between snapshots. */
export const SNAPSHOT_ENGAGEMENT_SQL = (snapshot: string) =>
  `(${snapshot}.like_count + ${snapshot}.repost_count + ${snapshot}.reply_count + ${snapshot}.quote_count)`;

/** The UTC hour an instant falls in (independent of the session's TimeZone setting). */
export const utcHour = (expression: string) => `date_trunc('hour', ${expression}, 'UTC')`;

/**
 * The grains a fact row (with columns locality_id, null when unattributed, and source_id) is
 * counted in: every post, its locality, its source, and its locality within its source.
 */
export const GRAIN_KEYS_SQL = (fact: string) => `
  CROSS JOIN LATERAL (VALUES (${ALL_LOCALITIES}::bigint, ${ALL_SOURCES}::bigint),
                             (coalesce(${fact}.locality_id, ${UNATTRIBUTED_LOCALITY}), ${ALL_SOURCES}),
                             (${ALL_LOCALITIES}, ${fact}.source_id),
                             (coalesce(${fact}.locality_id, ${UNATTRIBUTED_LOCALITY}), ${fact}.source_id)) AS grain(locality_key, source_key)`;

/** Distinct authors are summed over buckets of at most this many hours (the rollups' new_authors arrays). */
export const MAX_ROLLUP_BUCKET_HOURS = 24;
