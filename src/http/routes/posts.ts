import { z } from 'zod';
import { UNATTRIBUTED } from '../../domain/launch/index.js';
import { POST_KINDS, type PostKind } from '../../domain/post.js';
import { markRollupHoursDirty } from '../../analytics/rollups/mark-dirty.js';
import { overridePostLocalities, removePostLocalityOverride } from '../../store/attribution-overrides.js';
import { attributeStoredPosts } from '../../ingestion/attribute.js';
import { readAttributions } from '../../store/attributions.js';
import { localityIdsBySlug } from '../../store/campaign-catalog.js';
import { withTransaction } from '../../store/db.js';
import { isCampaignPost, queryPosts, type PostPosition } from '../../store/posts-query.js';
import { defineRoute } from '../api-route.js';
import { campaignParams, requireCampaign, sourceFilter } from '../campaign-scope.js';
import { BadParameterError, notFound } from '../errors.js';
import { id, instant, limit, slug } from '../params.js';

// The posts list (newest first, filtered, keyset-paged with an opaque cursor) and the admin
// override of a post's localities.


const postsQuery = z.strictObject({
  since: instant().optional().describe('posts created at or after this instant'),
  until: instant().optional().describe('posts created before this instant'),
  locality: slug('a locality slug or "unattributed"').optional().describe(`a locality's slug, or "${UNATTRIBUTED}" for posts with none`),
  platform: z.enum(['x', 'site']).optional(),
  source: slug('a source slug').optional().describe("only posts this source matched (a source's slug)"),
  kind: z.enum(POST_KINDS as readonly [PostKind, ...PostKind[]]).optional(),
  q: z.string().trim().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }).optional().describe('case-insensitive text search'),
  cursor: z.string().max(200).optional().describe('nextCursor from the previous page'),
  limit: limit(50, 200),
});

export const postView = z.object({
  id: z.number().int(),
  platform: z.enum(['x', 'site']),
  externalId: z.string(),
  kind: z.enum(POST_KINDS as readonly [PostKind, ...PostKind[]]),
  createdAt: z.date(),
  url: z.string().nullable(),
  text: z.string().nullable().describe('untrusted: render as text, never as HTML; null when deleted'),
  lang: z.string().nullable(),
  author: z.object({ handle: z.string().nullable(), name: z.string().nullable() }).nullable(),
  deleted: z.boolean(),
  deletedAt: z.date().nullable(),
  parentExternalId: z.string().nullable(),
  conversationId: z.string().nullable(),
  metrics: z.object({ likes: z.number().int(), reposts: z.number().int(), replies: z.number().int(), quotes: z.number().int(), impressions: z.number().int().nullable() }),
  localities: z.array(z.string()),
  localityOverride: z.boolean().describe('true when staff set the localities by hand'),
  sources: z.array(z.string()),
});

// The cursor is opaque to clients: base64url of the last row's position. Decoding is strict so a
// tampered cursor is a 400, never an SQL error.
const cursorPayload = z.tuple([z.number().int().safe(), z.number().int().positive().safe()]);

export function encodeCursor(position: PostPosition): string {
  return Buffer.from(JSON.stringify([position.createdAtUs, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): PostPosition {
  try {
    const [createdAtUs, postId] = cursorPayload.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { createdAtUs, id: postId };
  } catch {
    throw new BadParameterError('cursor', 'query', 'cursor is not a cursor this server issued; use nextCursor from the previous page');
  }
}

export const postRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/campaigns/:campaign/posts',
    tag: 'posts',
    summary: "A campaign's posts and comments, newest first",
    description: 'Filters combine with AND. Page with nextCursor (null on the last page); in CSV the next page is in the Link header.',
    access: 'viewer',
    params: campaignParams,
    query: postsQuery,
    response: z.object({ items: z.array(postView), nextCursor: z.string().nullable() }),
    csv: { filename: 'posts', row: postView, rows: (result) => result.items },
    async handler({ params, query, services }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      if (query.since && query.until && query.since >= query.until) throw new BadParameterError('since', 'query', 'since must be before until');

      let locality: { id: number } | typeof UNATTRIBUTED | undefined;
      if (query.locality === UNATTRIBUTED) locality = UNATTRIBUTED;
      else if (query.locality) {
        const localityId = (await localityIdsBySlug(services.db, campaign.id, [query.locality])).get(query.locality);
        if (localityId === undefined) throw new BadParameterError('locality', 'query', `locality "${query.locality}" is not a locality of campaign "${campaign.slug}"`);
        locality = { id: localityId };
      }
      let sourceId: number | undefined;
      if (query.source) sourceId = (await sourceFilter(services.db, campaign, query.source)).id;

      const page = await queryPosts(services.db, {
        campaignId: campaign.id,
        since: query.since,
        until: query.until,
        locality,
        platform: query.platform,
        sourceId,
        kind: query.kind,
        text: query.q,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: query.limit,
      });
      return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
    },
  }),

  defineRoute({
    method: 'PUT',
    path: '/api/campaigns/:campaign/posts/:id/localities',
    tag: 'posts',
    summary: "Override a post's localities (an empty list means: no locality)",
    description: 'Replaces the automatic attribution now and on every re-attribution.',
    access: 'admin',
    params: campaignParams.extend({ id: id() }),
    body: z.strictObject({
      localities: z.array(slug('a locality slug')).max(50),
      note: z.string().trim().max(500, { error: 'must be at most 500 characters' }).nullable().optional(),
    }),
    response: z.object({ postId: z.number().int(), localities: z.array(z.string()), note: z.string().nullable(), setBy: z.number().int().nullable(), setAt: z.date() }),
    async handler({ params, body, principal, services, request }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      if (!(await isCampaignPost(services.db, campaign.id, params.id))) throw notFound(`The post ${params.id} in campaign "${campaign.slug}"`);
      const ids = await localityIdsBySlug(services.db, campaign.id, body.localities);
      const unknown = body.localities.findIndex((localitySlug) => !ids.has(localitySlug));
      if (unknown >= 0) {
        throw new BadParameterError(`localities[${unknown}]`, 'body', `localities[${unknown}] "${body.localities[unknown]}" is not a locality of campaign "${campaign.slug}"`);
      }
      const override = await withTransaction(services.db, async (tx) => {
        const written = await overridePostLocalities(tx, {
          campaignId: campaign.id,
          postId: params.id,
          localityIds: [...ids.values()],
          note: body.note ?? null,
          setBy: principal.user.id,
        });
        // Locality charts read hourly rollups: the post's hours must be recounted with its new localities.
        await markRollupHoursDirty(tx, [params.id]);
        return written;
      });
      request.log.info({ campaign: campaign.slug, postId: params.id, localities: body.localities }, 'post localities overridden');
      return { postId: override.postId, localities: [...new Set(body.localities)].sort(), note: override.note, setBy: override.setBy, setAt: override.setAt };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/api/campaigns/:campaign/posts/:id/localities',
    tag: 'posts',
    summary: "Remove a post's locality override: its localities come from the rules again",
    description: 'The post is attributed by the campaign’s rules at once; 404 when the post has no override.',
    access: 'admin',
    params: campaignParams.extend({ id: id() }),
    response: z.object({ postId: z.number().int(), localities: z.array(z.string()) }),
    async handler({ params, services, request }) {
      const campaign = await requireCampaign(services.db, params.campaign);
      if (!(await isCampaignPost(services.db, campaign.id, params.id))) throw notFound(`The post ${params.id} in campaign "${campaign.slug}"`);
      const localities = await withTransaction(services.db, async (tx) => {
        if (!(await removePostLocalityOverride(tx, { campaignId: campaign.id, postId: params.id }))) return undefined;
        await attributeStoredPosts(tx, [params.id]);
        await markRollupHoursDirty(tx, [params.id]);
        return (await readAttributions(tx, [params.id])).filter((a) => a.campaignId === campaign.id).map((a) => a.locality);
      });
      if (localities === undefined) throw notFound(`An override of post ${params.id} in campaign "${campaign.slug}"`);
      request.log.info({ campaign: campaign.slug, postId: params.id, localities }, 'post locality override removed');
      return { postId: params.id, localities };
    },
  }),
];
