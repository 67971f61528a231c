import { createHash } from 'node:crypto';
import { attributionInputOf, compileLocalityRules, DEFAULT_GAZETTEER, type AttributionInput, type LocalityMatcher } from '../domain/attribution/index.js';
import type { PostRecord } from '../domain/post.js';
import type { Queryable } from '../store/db.js';
import { asStoredJson, cleanString } from '../store/json.js';
import {
  loadCampaignRules,
  loadPostsForAttribution,
  readRulesHash,
  writeAttributions,
  type AttributionScope,
  type ComputedAttribution,
  type NewPostAttribution,
  type PostToAttribute,
} from '../store/attributions.js';

// The attribute step of ingestion: stored posts in, locality attributions out. Set-based: a batch
// costs two queries (read the posts, write the attributions) however large it is, plus one to load
// a campaign's rules when they changed since this process last compiled them.

/**
 * Bump when the matcher's logic changes in a way that changes its answers: stored attributions are
 * then stale although no configured rule changed, and every campaign is walked again.
 */
export const ATTRIBUTION_LOGIC_VERSION = 1;

const GAZETTEER_DIGEST = createHash('sha256').update(JSON.stringify(DEFAULT_GAZETTEER)).digest('hex');

/**
 * What a campaign's attributions depend on, as one string: its stored rules (`rulesHash` from the
 * store), the default gazetteer shipped in this build, and the matcher's logic version.
 */
export function rulesFingerprint(rulesHash: string): string {
  return createHash('sha256').update(`logic ${ATTRIBUTION_LOGIC_VERSION}\ngazetteer ${GAZETTEER_DIGEST}\nrules ${rulesHash}`).digest('hex').slice(0, 32);
}

interface CompiledCampaign {
  readonly rulesHash: string;
  readonly matcher: LocalityMatcher;
  readonly localityIds: ReadonlyMap<string, number>;
  readonly siteLocalityBySource: ReadonlyMap<number, string>;
}

// Compiling a campaign's rules builds every phrase index, so it is done once per rules version per
// process. Keyed by campaign, checked against the rules digest each batch reads with its posts: a
// config sync in any process changes the digest, and the next batch here compiles afresh.
const compiledCampaigns = new Map<number, CompiledCampaign>();

async function matchersFor(db: Queryable, posts: ReadonlyArray<Pick<PostToAttribute, 'campaignId' | 'rulesHash'>>): Promise<Map<number, CompiledCampaign>> {
  const wanted = new Map<number, string>();
  for (const post of posts) wanted.set(post.campaignId, post.rulesHash);
  const stale = [...wanted].filter(([campaignId, rulesHash]) => compiledCampaigns.get(campaignId)?.rulesHash !== rulesHash).map(([campaignId]) => campaignId);
  if (stale.length > 0) {
    for (const [campaignId, rules] of await loadCampaignRules(db, stale)) {
      compiledCampaigns.set(campaignId, {
        rulesHash: rules.rulesHash,
        matcher: compileLocalityRules(rules.localities.map((locality) => locality.rules)),
        localityIds: new Map(rules.localities.map((locality) => [locality.slug, locality.id])),
        siteLocalityBySource: rules.siteLocalityBySource,
      });
    }
  }
  const matchers = new Map<number, CompiledCampaign>();
  for (const campaignId of wanted.keys()) {
    const compiled = compiledCampaigns.get(campaignId);
    if (compiled !== undefined) matchers.set(campaignId, compiled);
  }
  return matchers;
}

type LocalityMatch = Pick<ComputedAttribution, 'localityId' | 'rule' | 'matched' | 'confidence'>;

/** What the compiled campaign's rules find for one post, by locality id. */
function matchLocalities(compiled: CompiledCampaign, input: AttributionInput): LocalityMatch[] {
  const matches: LocalityMatch[] = [];
  for (const attribution of compiled.matcher.attribute(input)) {
    const localityId = compiled.localityIds.get(attribution.locality);
    if (localityId !== undefined) matches.push({ localityId, rule: attribution.rule, matched: attribution.matched, confidence: attribution.confidence });
  }
  return matches;
}

export interface AttributeResult {
  /** (post, campaign) pairs now attributed to at least one locality, by the rules or by staff. */
  attributed: number;
  /** Live (post, campaign) pairs matching no locality: stored with no rows, shown as unattributed. */
  unattributed: number;
  /** Posts whose stored attributions changed (for rollup maintenance), ascending. */
  changedPostIds: number[];
}

/** Attributes posts already read with `loadPostsForAttribution`, and writes the result. One or two queries. */
export async function attributeLoadedPosts(db: Queryable, posts: readonly PostToAttribute[]): Promise<AttributeResult> {
  if (posts.length === 0) return { attributed: 0, unattributed: 0, changedPostIds: [] };
  const matchers = await matchersFor(db, posts);
  const scope: AttributionScope[] = [];
  const computed: ComputedAttribution[] = [];
  let live = 0;
  for (const post of posts) {
    scope.push({ postId: post.postId, campaignId: post.campaignId });
    // A tombstone is in scope only so that whatever it still carries is removed.
    if (post.deleted) continue;
    live += 1;
    const compiled = matchers.get(post.campaignId);
    if (compiled === undefined) continue;
    for (const match of matchLocalities(compiled, post.input)) computed.push({ postId: post.postId, campaignId: post.campaignId, ...match });
  }
  const written = await writeAttributions(db, scope, computed);
  return { attributed: written.attributed, unattributed: live - written.attributed, changedPostIds: written.changedPostIds };
}

/**
 * Attributes stored posts to their campaigns' localities and stores the result, replacing what
 * the rules said before; staff overrides win. Meant to run inside the transaction that stored the
 * posts, for the ids it inserted or changed. Only 'match' posts are attributed (once per campaign
 * they belong to); tombstones never are. A few queries per call, whatever the number of posts.
 */
export async function attributeStoredPosts(db: Queryable, postIds: readonly number[]): Promise<AttributeResult> {
  if (postIds.length === 0) return { attributed: 0, unattributed: 0, changedPostIds: [] };
  return attributeLoadedPosts(db, await loadPostsForAttribution(db, postIds));
}

/** An attribution of a post about to be stored for the first time, before it has an id. */
export type PendingAttribution = Omit<NewPostAttribution, 'postId'>;

/**
 * Attributes posts new to the store from the records in hand. A new post belongs to one campaign,
 * through one source, and has no override, so nothing need be read back but the campaign's rules
 * digest: `attribute` gives what `attributeStoredPosts` would read and compute for the stored post.
 * It is pure CPU, so the store step runs it while PostgreSQL writes the posts.
 */
export interface NewPostAttributor {
  /** The attributions of a match record, given its author's location as stored after the batch. */
  attribute(record: PostRecord, authorLocation: string | null): PendingAttribution[];
}

/** One query: the campaign's rules digest (compiling its rules when they changed since this process last did). */
export async function newPostAttributor(db: Queryable, campaignId: number, sourceId: number): Promise<NewPostAttributor> {
  const rulesHash = await readRulesHash(db, campaignId);
  if (rulesHash === undefined) throw new Error(`campaign ${campaignId} is not in the database`);
  const compiled = (await matchersFor(db, [{ campaignId, rulesHash }])).get(campaignId);
  if (compiled === undefined) throw new Error(`campaign ${campaignId} has no attribution rules`);
  const siteLocality = compiled.siteLocalityBySource.get(sourceId) ?? null;
  return {
    attribute(record, authorLocation) {
      // The other path reads the stored form back: text and JSON as toPgJson cleaned them.
      const input = attributionInputOf({
        kind: record.kind,
        text: record.text == null ? record.text : cleanString(record.text),
        place: asStoredJson(record.place),
        context: asStoredJson(record.context),
        authorLocation,
        siteLocality,
      });
      return matchLocalities(compiled, input).map((match) => ({ campaignId, postCreatedAt: record.createdAt, ...match }));
    },
  };
}
