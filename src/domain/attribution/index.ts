/**
 * Locality attribution: which of a campaign's localities (Stockport, Oldham, Tameside…) a post or
 * comment is about or from. Pure: no IO, no clock.
 *
 *   const matcher = compileLocalityRules(withDefaultGazetteer(campaign.localities));
 *   const attributions = matcher.attribute({ text, hashtags, authorLocation, place }, { overrides });
 *
 * - `withDefaultGazetteer(localities)` adds the towns, villages and wards of the boroughs it knows
 *   (by slug: stockport, oldham, tameside) and their ambiguity notes to the configured rules.
 * - `compileLocalityRules(localities)` builds every lookup once; `attribute` then costs one pass
 *   over a post's words. `attributePost(post, localities, options)` does both, caching by array.
 *
 * The result has at most one attribution per locality, the strongest evidence found for it, with
 * its rule, the text that matched and a confidence in [0, 1]. A post matching nothing gets `[]`:
 * the caller stores it as unattributed, never drops it. Staff overrides replace the rules' result
 * (rule 'override', confidence 1); an empty override list marks a post unattributed.
 *
 * Decisions a reader needs to know:
 * - Names match as whole words, case- and accent-insensitively; "Ashton-under-Lyne" and "Ashton
 *   under Lyne" are one phrase; the longest phrase wins ("Cheadle Hulme" over "Cheadle").
 * - Links, e-mail addresses and @mentions are not place mentions: "@StockportCouncil" and
 *   "example.com/stockport-report" name an account or a page. Hashtags go to the hashtag rule
 *   only: configured hashtags, and hashtags that spell a keyword or place ("#HazelGrove").
 * - Phrases that contain a name but are about something else do not count: football and rugby
 *   clubs ("Oldham Athletic", "Stockport County"; their community trusts do count, being health
 *   work in the borough), Manchester's roads ("Oldham Street", "Hyde Road"), namesakes ("Hyde
 *   Park", "Denton, Texas", "Cheadle, Staffs", "Ashton-in-Makerfield", "Miss Marple").
 * - Ambiguous names need support; see `PlaceAmbiguity` for the ladder. Support is evidence for the
 *   same locality, for a neighbour in its region, or a region word ("Manchester", "Cheshire")
 *   anywhere in the post, the author's location included. Surnames ("Dr Sarah Shaw", "George
 *   Bernard Shaw", "Lees said") never count; ordinary words ("reddish") count only capitalised; a
 *   street named after a town ("Great Moor Street") is not the town; and a far-away place in the
 *   same text ("…near Melksham in Wiltshire") leaves a namesake-prone name needing evidence for
 *   the locality itself.
 * - Profile location, X place (outside GB ignored), comment categories/tags, the blog post's title
 *   and the site's configured locality are evidence too, each weighted by how much it says about
 *   the post itself.
 */
export type { Attribution, AttributionInput, AttributionOptions, AttributionRule, CommentContext, XPlace } from './attribution-types.js';
export type { DefaultLocalityKnowledge, GazetteerPlace, LocalityRegion, LocalityRules, PlaceAmbiguity } from './locality-rules.js';
export { withDefaultGazetteer } from './locality-rules.js';
export { DEFAULT_GAZETTEER } from './default-gazetteer.js';
export { compileLocalityRules, type LocalityMatcher } from './locality-matcher.js';
export { attributePost } from './attribute-post.js';
export { attributionInputOf, type StoredPostFields } from './stored-post-input.js';
