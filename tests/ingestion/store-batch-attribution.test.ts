import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorRecord, PostRecord } from '../../src/domain/post.js';
import { attributeStoredPosts } from '../../src/ingestion/attribute.js';
import { storeBatch } from '../../src/ingestion/store-batch.js';
import { markRollupHoursDirty } from '../../src/analytics/rollups/mark-dirty.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { withTransaction, type Queryable } from '../../src/store/db.js';
import { AuthorsWrittenThisPass } from '../../src/store/posts.js';
import { findSourceBySlug } from '../../src/store/sources.js';
import { LABELLED_POSTS } from '../domain/attribution/labelled-posts.js';
import { AUTHORS, attributionCampaign, attributionsOf, blogComment, postIds, tweet } from '../support/attribution-campaign.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';

// The store step attributes posts new to the store from the records in hand, and reads back only
// posts that changed. Both must agree: whatever the fast path stores, the read-back path (the one
// re-attribution walks use) finds nothing to change, and the rollup marks are the same.

let db: TestDatabase;
beforeAll(async () => {
  db = await migratedDatabase();
  await syncConfig(db.pool, attributionCampaign());
});
afterAll(async () => db.close());

async function store(sourceSlug: string, posts: PostRecord[], authors: AuthorRecord[], authorsWrittenThisPass?: AuthorsWrittenThisPass) {
  const source = (await findSourceBySlug(db.pool, sourceSlug))!;
  return storeBatch(db.pool, { posts, authors, sourceId: source.id, campaignId: source.campaignId, ...(authorsWrittenThisPass ? { authorsWrittenThisPass } : {}) });
}

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * The statements (first line of each) the store step sends while `work` runs; a statement starting
 * with `failOn` fails instead of being sent, as if PostgreSQL had refused it.
 */
async function statementsSentDuring(work: () => Promise<unknown>, failOn?: string): Promise<string[]> {
  const sent: string[] = [];
  const wrapped = new Map<{ query: Query }, Query>();
  // Every connection checked out while `work` runs is watched, whichever path took it.
  const watch = (client: { query: Query }) => {
    if (wrapped.has(client)) return;
    const query = client.query;
    wrapped.set(client, query);
    client.query = function (this: unknown, ...args: unknown[]) {
      const line = String(typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text).trim().split('\n')[0]!;
      sent.push(line);
      return failOn !== undefined && line.startsWith(failOn) ? Promise.reject(new Error(`refused: ${line}`)) : query.apply(this, args);
    };
  };
  db.pool.on('acquire', watch);
  try {
    await work();
  } finally {
    db.pool.off('acquire', watch as never);
    for (const [client, query] of wrapped) client.query = query;
  }
  return sent;
}
const authorStatements = (sent: string[]) => sent.filter((line) => line.startsWith('WITH batch AS MATERIALIZED')).length;

const allAttributions = async (db: Queryable) =>
  (await db.query<{ row: string }>(`SELECT concat_ws(' ', post_id, locality_id, campaign_id, post_created_at::text, rule, matched, confidence::text, is_override) AS row FROM locality_attributions ORDER BY 1`)).rows.map((r) => r.row);
const allMarks = async (db: Queryable) =>
  (await db.query<{ mark: string }>(`SELECT DISTINCT concat_ws(' ', campaign_id, hour::text, scope) AS mark FROM analytics_rollup_dirty_hours ORDER BY 1`)).rows.map((r) => r.mark);

/** The labelled evaluation posts as what the collectors hand the store: X posts (with authors and places) and blog comments. */
function labelledBatches() {
  const x: PostRecord[] = [];
  const authors: AuthorRecord[] = [...AUTHORS];
  const siteComments = new Map<string, PostRecord[]>([['stockport-blog', []], ['hsm-blog', []]]);
  for (const { id, input } of LABELLED_POSTS) {
    if (input.comment || input.siteLocality) {
      const record = blogComment(input.text, { title: input.comment?.postTitle ?? undefined, categories: [...(input.comment?.categories ?? [])], tags: [...(input.comment?.tags ?? [])] });
      siteComments.get(input.siteLocality ? 'stockport-blog' : 'hsm-blog')!.push(record);
      continue;
    }
    const author = `labelled-${id}`;
    authors.push({ platform: 'x', externalId: author, handle: author, location: input.authorLocation ?? null });
    x.push(tweet(input.text, { authorExternalId: author, place: input.place ? { id: `place-${id}`, ...input.place } : null }));
  }
  return { x, authors, siteComments };
}

describe('attribution in the store step', () => {
  it('stores for new posts exactly what reading them back would, and marks the same rollup hours', async () => {
    const { x, authors, siteComments } = labelledBatches();
    // Two X batches, so the second meets authors stored by the first, plus a reference that must stay unattributed.
    await store('rsahealth-x', x.slice(0, 150), authors);
    await store('rsahealth-x', [...x.slice(150), tweet('#Stockport quoted for context', { relation: 'reference' })], authors);
    for (const [slug, comments] of siteComments) await store(slug, comments, AUTHORS);
    const ids = await postIds(db.pool, [...x, ...[...siteComments.values()].flat()]);

    const stored = await allAttributions(db.pool);
    const marks = await allMarks(db.pool);
    expect(stored.length).toBeGreaterThan(200);

    await withTransaction(db.pool, async (tx) => {
      const again = await attributeStoredPosts(tx, ids);
      expect(again.changedPostIds).toEqual([]);
      expect(await allAttributions(tx)).toEqual(stored);
      await tx.query('DELETE FROM analytics_rollup_dirty_hours');
      await markRollupHoursDirty(tx, ids);
      expect(await allMarks(tx)).toEqual(marks);
    });
  });

  it('reads back a new post whose author is not in the batch, to use the location stored earlier', async () => {
    await store('rsahealth-x', [tweet('Reading the primer', { authorExternalId: 'in-marple' })], AUTHORS);
    const later = tweet('Reading it again on the train', { authorExternalId: 'in-marple' });
    await store('rsahealth-x', [later], []);
    const [id] = await postIds(db.pool, [later]);
    expect(await attributionsOf(db.pool, id!)).toEqual(['stockport profile-location Stockport 0.59']);
  });

  it('re-attributes an edited post and attributes a new one in the same batch', async () => {
    const edited = tweet('Nothing local yet');
    await store('rsahealth-x', [edited], AUTHORS);
    const fresh = tweet('New walking group in #Oldham');
    await store('rsahealth-x', [{ ...edited, text: 'Now about #Tameside' }, fresh], AUTHORS);
    const [editedId, freshId] = await postIds(db.pool, [edited, fresh]);
    expect(await attributionsOf(db.pool, editedId!)).toEqual(['tameside hashtag #Tameside 0.95']);
    expect(await attributionsOf(db.pool, freshId!)).toEqual(['oldham hashtag #Oldham 0.95']);
  });

  it('sends an author once per pass while unchanged, still attributing by their stored location', async () => {
    const pass = new AuthorsWrittenThisPass();
    const author: AuthorRecord = { platform: 'x', externalId: 'pass-author', handle: 'passer', location: 'Uppermill, Oldham' };
    const first = tweet('Reading the primer', { authorExternalId: 'pass-author' });
    expect(authorStatements(await statementsSentDuring(() => store('rsahealth-x', [first], [author], pass)))).toBe(1);

    const second = tweet('Reading it again', { authorExternalId: 'pass-author' });
    expect(authorStatements(await statementsSentDuring(() => store('rsahealth-x', [second], [author], pass)))).toBe(0);
    const [secondId] = await postIds(db.pool, [second]);
    expect(await attributionsOf(db.pool, secondId!)).toEqual(['oldham profile-location Uppermill 0.59']);

    // A changed profile is sent, and stored, and attributes from then on.
    const moved = { ...author, location: 'Hyde, Tameside' };
    const third = tweet('Now reading it in Hyde', { authorExternalId: 'pass-author' });
    expect(authorStatements(await statementsSentDuring(() => store('rsahealth-x', [third], [moved], pass)))).toBe(1);
    const stored = await db.pool.query<{ location: string }>(`SELECT location FROM authors WHERE external_id = 'pass-author'`);
    expect(stored.rows[0]!.location).toBe('Hyde, Tameside');
  });

  it('does not take an author as written when the batch that wrote them rolled back', async () => {
    const pass = new AuthorsWrittenThisPass();
    const author: AuthorRecord = { platform: 'x', externalId: 'rolled-back-author', handle: 'rb', location: 'Marple, Stockport' };
    const post = tweet('Never stored', { authorExternalId: 'rolled-back-author' });
    // The batch fails at its cursor, after the authors were written: the transaction rolls back.
    const failed = statementsSentDuring(() => store('rsahealth-x', [post], [author], pass), 'INSERT INTO locality_attributions');
    await expect(failed).rejects.toThrow('refused');
    expect((await db.pool.query(`SELECT 1 FROM authors WHERE external_id = 'rolled-back-author'`)).rowCount).toBe(0);

    const again = tweet('Stored this time', { authorExternalId: 'rolled-back-author' });
    expect(authorStatements(await statementsSentDuring(() => store('rsahealth-x', [again], [author], pass)))).toBe(1);
    const [id] = await postIds(db.pool, [again]);
    expect(await attributionsOf(db.pool, id!)).toEqual(['stockport profile-location Stockport 0.59']);
  });
});
