import type { Attribution, AttributionInput, AttributionOptions, AttributionRule, XPlace } from './attribution-types.js';
import { isLocative, namesAStreet, readsAsPerson } from './context-cues.js';
import { placeName, type GazetteerPlace, type LocalityRules, type PlaceAmbiguity } from './locality-rules.js';
import { compactKey, hashtagsInText, proseTokens, nameTokens, type Token, type TokenisedText } from './normalise-text.js';
import { PhraseIndex, type PhraseMatch } from './phrase-index.js';

/** How sure each kind of evidence is on its own, before the weight of where it was found. */
const STRENGTH = {
  localityHashtag: 0.95,
  keyword: 0.9,
  unambiguousPlace: 0.9,
  minorNamesake: 0.8,
  /** An ambiguous name in a field that only holds places (profile location, category, X place in GB). */
  namesakeInPlaceField: 0.75,
  supportedBySameLocality: 0.7,
  afterLocative: 0.65,
  supportedByRegion: 0.6,
  pairedWithAnotherPlace: 0.6,
  site: 0.8,
} as const;

/**
 * How much the field a match was found in says about the post. Prose and geotags are the post
 * itself; a category is the blog post it sits under; a title is the conversation it joins; the
 * author's location says where they are, not what the post is about.
 */
const FIELD_WEIGHT: Readonly<Record<Exclude<AttributionRule, 'site' | 'override'>, number>> = {
  hashtag: 1,
  keyword: 1,
  'place-name': 1,
  'x-place': 1,
  'post-category': 0.95,
  'post-title': 0.8,
  'profile-location': 0.65,
};

const GREAT_BRITAIN = 'GB';
const LEADING_HASH = /^#/;

interface CompiledPlace {
  readonly locality: number;
  readonly name: string;
  readonly ambiguity: PlaceAmbiguity;
  readonly surname: boolean;
  readonly commonWord: boolean;
}

type PhraseTarget =
  | { readonly kind: 'keyword'; readonly locality: number }
  | { readonly kind: 'place'; readonly place: CompiledPlace }
  | { readonly kind: 'not-about' }
  | { readonly kind: 'region-word'; readonly localities: readonly number[] }
  | { readonly kind: 'elsewhere-word'; readonly localities: readonly number[] };

type HashtagTarget = PhraseTarget | { readonly kind: 'locality-hashtag'; readonly locality: number };

interface Candidate {
  readonly place: CompiledPlace;
  readonly rule: AttributionRule;
  readonly matched: string;
  readonly afterLocative: boolean;
  /** The same text names somewhere outside the locality's region. */
  readonly contradicted: boolean;
  readonly weight: number;
}

/** Where a name was found decides how it is read. */
type Field =
  | { readonly kind: 'prose'; readonly keywordRule: AttributionRule; readonly placeRule: AttributionRule }
  | { readonly kind: 'place-field'; readonly rule: AttributionRule; readonly namesakesAccepted: boolean };

const TEXT_FIELD: Field = { kind: 'prose', keywordRule: 'keyword', placeRule: 'place-name' };
const TITLE_FIELD: Field = { kind: 'prose', keywordRule: 'post-title', placeRule: 'post-title' };
const PROFILE_FIELD: Field = { kind: 'place-field', rule: 'profile-location', namesakesAccepted: false };
const CATEGORY_FIELD: Field = { kind: 'place-field', rule: 'post-category', namesakesAccepted: true };

/** Attributes posts to a fixed set of localities; built once by `compileLocalityRules`. */
export interface LocalityMatcher {
  /** The slugs this matcher attributes to, in configuration order. */
  readonly localities: readonly string[];
  attribute(post: AttributionInput, options?: AttributionOptions): Attribution[];
}

/**
 * Compiles the rules of a set of localities into one matcher. All phrase tries and lookup tables
 * are built here, so attributing a post builds no patterns and costs one pass over its tokens.
 */
export function compileLocalityRules(localities: readonly LocalityRules[]): LocalityMatcher {
  return new CompiledLocalityMatcher(localities);
}

class CompiledLocalityMatcher implements LocalityMatcher {
  readonly localities: readonly string[];
  private readonly slugIndex = new Map<string, number>();
  private readonly phrases = new PhraseIndex<PhraseTarget>();
  private readonly hashtags = new Map<string, HashtagTarget[]>();
  /** For each locality, the others in its region: evidence for a neighbour supports its ambiguous names. */
  private readonly neighbours: readonly (readonly number[])[];

  constructor(rules: readonly LocalityRules[]) {
    this.localities = rules.map((locality) => locality.slug);
    rules.forEach((locality, index) => this.slugIndex.set(locality.slug, index));
    this.neighbours = rules.map((locality, index) =>
      rules.flatMap((other, otherIndex) =>
        otherIndex !== index && locality.region != null && other.region?.name === locality.region.name ? [otherIndex] : [],
      ),
    );
    this.indexRegionWords(rules);
    rules.forEach((locality, index) => this.indexLocality(locality, index));
  }

  attribute(post: AttributionInput, options: AttributionOptions = {}): Attribution[] {
    if (options.overrides != null) return this.overridden(options.overrides);
    const reading = new PostReading(this.localities.length);

    this.readHashtags(post.hashtags ?? hashtagsInText(post.text), reading);
    this.readTokens(proseTokens(post.text), TEXT_FIELD, reading);
    if (post.authorLocation) this.readTokens(nameTokens(post.authorLocation), PROFILE_FIELD, reading);
    if (post.place) this.readXPlace(post.place, reading);
    if (post.comment) {
      if (post.comment.postTitle) this.readTokens(proseTokens(post.comment.postTitle), TITLE_FIELD, reading);
      for (const label of [...(post.comment.categories ?? []), ...(post.comment.tags ?? [])]) {
        this.readTokens(nameTokens(label), CATEGORY_FIELD, reading);
      }
    }
    const site = post.siteLocality == null ? undefined : this.slugIndex.get(post.siteLocality);
    if (site !== undefined) reading.confirm(site, 'site', post.siteLocality ?? '', STRENGTH.site);

    reading.resolveCandidates(this.neighbours);
    return reading.attributions(this.localities);
  }

  private overridden(overrides: readonly string[]): Attribution[] {
    return [...new Set(overrides)].map((locality) => ({ locality, rule: 'override', matched: 'staff override', confidence: 1 }));
  }

  private indexRegionWords(rules: readonly LocalityRules[]): void {
    const localitiesByWord = (wordsOf: (locality: LocalityRules) => readonly string[]) => {
      const byWord = new Map<string, { word: string; localities: number[] }>();
      rules.forEach((locality, index) => {
        for (const word of wordsOf(locality)) {
          const entry = byWord.get(compactKey(word)) ?? { word, localities: [] };
          entry.localities.push(index);
          byWord.set(compactKey(word), entry);
        }
      });
      return byWord.values();
    };
    for (const { word, localities } of localitiesByWord((locality) => locality.region?.words ?? [])) {
      this.addPhrase(word, { kind: 'region-word', localities });
    }
    for (const { word, localities } of localitiesByWord((locality) => locality.region?.elsewhere ?? [])) {
      this.phrases.add(word, { kind: 'elsewhere-word', localities });
    }
  }

  private indexLocality(locality: LocalityRules, index: number): void {
    for (const tag of locality.hashtags) this.addHashtag(tag, { kind: 'locality-hashtag', locality: index });
    for (const keyword of [locality.name, ...locality.keywords, ...(locality.aboutAfterAll ?? [])]) {
      this.addPhrase(keyword, { kind: 'keyword', locality: index });
    }
    for (const phrase of locality.notAbout ?? []) this.addPhrase(phrase, { kind: 'not-about' });
    for (const configured of locality.places) {
      const definition: GazetteerPlace = typeof configured === 'string' ? { name: configured } : configured;
      const place: CompiledPlace = {
        locality: index,
        name: placeName(configured),
        ambiguity: definition.ambiguity ?? 'unambiguous',
        surname: definition.surname ?? false,
        commonWord: definition.commonWord ?? false,
      };
      for (const name of [definition.name, ...(definition.aliases ?? [])]) this.addPhrase(name, { kind: 'place', place });
      for (const phrase of definition.notWhen ?? []) this.addPhrase(phrase, { kind: 'not-about' });
    }
  }

  private addPhrase(phrase: string, target: PhraseTarget): void {
    this.phrases.add(phrase, target);
    this.addHashtag(phrase, target);
  }

  private addHashtag(tag: string, target: HashtagTarget): void {
    const key = compactKey(tag);
    if (key.length === 0) return;
    const targets = this.hashtags.get(key) ?? [];
    targets.push(target);
    this.hashtags.set(key, targets);
  }

  private readHashtags(hashtags: readonly string[], reading: PostReading): void {
    for (const tag of hashtags) {
      const targets = this.hashtags.get(compactKey(tag)) ?? [];
      if (targets.some((target) => target.kind === 'not-about')) continue;
      const matched = `#${tag.replace(LEADING_HASH, '')}`;
      for (const target of targets) {
        switch (target.kind) {
          case 'locality-hashtag':
            reading.confirm(target.locality, 'hashtag', matched, STRENGTH.localityHashtag);
            break;
          case 'keyword':
            reading.confirm(target.locality, 'hashtag', matched, STRENGTH.keyword);
            break;
          case 'place':
            // Nobody hashtags a surname: #Marple and #Shaw are the towns, though #Denton may be Texas.
            if (target.place.ambiguity === 'needs-locative-or-support') reading.confirm(target.place.locality, 'hashtag', matched, STRENGTH.namesakeInPlaceField);
            else reading.placeNamed(target.place, target.place.ambiguity, 'hashtag', matched, { afterLocative: false, contradicted: false });
            break;
          case 'region-word':
            reading.supportRegion(target.localities);
            break;
          case 'not-about':
          case 'elsewhere-word':
            break;
        }
      }
    }
  }

  private readXPlace(place: XPlace, reading: PostReading): void {
    const country = place.countryCode?.toUpperCase();
    if (country !== undefined && country !== GREAT_BRITAIN) return;
    if (place.placeType === 'country') return;
    const field: Field = { kind: 'place-field', rule: 'x-place', namesakesAccepted: country === GREAT_BRITAIN };
    this.readTokens(nameTokens(place.fullName), field, reading);
  }

  private readTokens({ text, tokens }: TokenisedText, field: Field, reading: PostReading): void {
    const matches = this.phrases.scan(tokens).filter((match) => !match.targets.some((target) => target.kind === 'not-about'));
    const contradicted = new Set<number>();
    for (const match of matches) {
      for (const target of match.targets) {
        if (target.kind === 'elsewhere-word') target.localities.forEach((locality) => contradicted.add(locality));
      }
    }
    for (const match of matches) {
      if (namesAStreet(tokens[match.end])) continue;
      const matched = text.slice(tokens[match.start]?.start ?? 0, tokens[match.end - 1]?.end ?? 0);
      for (const target of match.targets) {
        switch (target.kind) {
          case 'keyword':
            reading.confirm(target.locality, field.kind === 'prose' ? field.keywordRule : field.rule, matched, STRENGTH.keyword * weightOf(field));
            break;
          case 'place': {
            const placeContradicted = contradicted.has(target.place.locality);
            if (field.kind === 'prose') this.readPlaceInProse(target.place, tokens, match, field, matched, placeContradicted, reading);
            else this.readPlaceInPlaceField(target.place, field, matched, placeContradicted, reading);
            break;
          }
          case 'region-word':
            reading.supportRegion(target.localities);
            break;
          case 'not-about':
          case 'elsewhere-word':
            break;
        }
      }
    }
  }

  private readPlaceInProse(
    place: CompiledPlace,
    tokens: readonly Token[],
    match: PhraseMatch<PhraseTarget>,
    field: Extract<Field, { kind: 'prose' }>,
    matched: string,
    contradicted: boolean,
    reading: PostReading,
  ): void {
    const first = tokens[match.start];
    if (first === undefined) return;
    const previous = first.breakBefore ? undefined : tokens[match.start - 1];
    const followingToken = tokens[match.end];
    const following = followingToken?.breakBefore ? undefined : followingToken;
    if (place.commonWord && !first.capitalised) return;
    if (place.surname && readsAsPerson(previous, first, following)) return;
    // At the start of a sentence the capital on an ordinary word ("Reddish patches…") proves nothing,
    // unless a later capital shows a proper name ("Hazel Grove", "Reddish Vale").
    const capitalProvesName = !first.sentenceStart || tokens.slice(match.start + 1, match.end + 1).some((token) => token.capitalised && !token.breakBefore);
    const ambiguity = place.commonWord && !capitalProvesName && isCountsAlone(place.ambiguity) ? 'needs-locative-or-support' : place.ambiguity;
    reading.placeNamed(place, ambiguity, field.placeRule, matched, { afterLocative: isLocative(previous), contradicted });
  }

  private readPlaceInPlaceField(
    place: CompiledPlace,
    field: Extract<Field, { kind: 'place-field' }>,
    matched: string,
    contradicted: boolean,
    reading: PostReading,
  ): void {
    const weight = weightOf(field);
    // A field that only ever holds places rules out the person reading of "Shaw" or "Hyde". Where
    // the country is known to be GB (an X place) or staff chose the label (a blog category), the
    // far-away namesake ("Denton, Texas") is ruled out too; a free-text profile location is not.
    const namesakeRuledOut =
      !contradicted && (place.ambiguity === 'needs-locative-or-support' || (place.ambiguity === 'needs-support' && field.namesakesAccepted));
    if (namesakeRuledOut) reading.confirm(place.locality, field.rule, matched, STRENGTH.namesakeInPlaceField * weight);
    else reading.placeNamed(place, place.ambiguity, field.rule, matched, { afterLocative: false, contradicted }, weight);
  }
}

function isCountsAlone(ambiguity: PlaceAmbiguity): boolean {
  return ambiguity === 'unambiguous' || ambiguity === 'minor-namesake';
}

function weightOf(field: Field): number {
  return fieldWeight(field.kind === 'prose' ? field.placeRule : field.rule);
}

type Evidence = Omit<Attribution, 'locality'>;

/** The evidence gathered for one post: the best confirmed evidence per locality, and the names still in doubt. */
class PostReading {
  private readonly best: (Evidence | undefined)[];
  private readonly regionSupported: boolean[];
  private readonly candidates: Candidate[] = [];

  constructor(localityCount: number) {
    this.best = new Array<Evidence | undefined>(localityCount).fill(undefined);
    this.regionSupported = new Array<boolean>(localityCount).fill(false);
  }

  confirm(locality: number, rule: AttributionRule, matched: string, confidence: number): void {
    const current = this.best[locality];
    if (current === undefined || confidence > current.confidence) {
      this.best[locality] = { rule, matched, confidence };
    }
  }

  supportRegion(localities: readonly number[]): void {
    for (const locality of localities) this.regionSupported[locality] = true;
  }

  placeNamed(
    place: CompiledPlace,
    ambiguity: PlaceAmbiguity,
    rule: AttributionRule,
    matched: string,
    context: { afterLocative: boolean; contradicted: boolean },
    weight = fieldWeight(rule),
  ): void {
    if (ambiguity === 'unambiguous') this.confirm(place.locality, rule, matched, STRENGTH.unambiguousPlace * weight);
    else if (ambiguity === 'minor-namesake' && !context.contradicted) this.confirm(place.locality, rule, matched, STRENGTH.minorNamesake * weight);
    else this.candidates.push({ place: { ...place, ambiguity }, rule, matched, ...context, weight });
  }

  /**
   * Settles the ambiguous names against the evidence confirmed before this step. Two different
   * doubtful names of one locality support each other ("Hyde and Denton"), but a name settled here
   * does not go on to support others, so support never chains.
   */
  resolveCandidates(neighbours: readonly (readonly number[])[]): void {
    const confirmedBefore = this.best.map((evidence) => evidence !== undefined);
    for (const candidate of this.candidates) {
      const { locality, ambiguity, name } = candidate.place;
      const supportedBySameLocality = confirmedBefore[locality] === true;
      if (candidate.contradicted) {
        // Only evidence for the locality itself outweighs a far-away place named in the same text.
        if (supportedBySameLocality) this.confirm(locality, candidate.rule, candidate.matched, STRENGTH.supportedBySameLocality * candidate.weight);
        continue;
      }
      const paired = this.candidates.some((other) => other.place.locality === locality && other.place.name !== name);
      const regionSupported = this.regionSupported[locality] === true || (neighbours[locality] ?? []).some((other) => confirmedBefore[other] === true);
      const strengths: number[] = [];
      if (supportedBySameLocality) strengths.push(STRENGTH.supportedBySameLocality);
      if (paired) strengths.push(STRENGTH.pairedWithAnotherPlace);
      if (ambiguity !== 'needs-same-locality-support' && regionSupported) strengths.push(STRENGTH.supportedByRegion);
      if (ambiguity === 'needs-locative-or-support' && candidate.afterLocative) strengths.push(STRENGTH.afterLocative);
      if (strengths.length > 0) this.confirm(locality, candidate.rule, candidate.matched, Math.max(...strengths) * candidate.weight);
    }
  }

  attributions(slugs: readonly string[]): Attribution[] {
    const result: Attribution[] = [];
    this.best.forEach((evidence, index) => {
      const slug = slugs[index];
      if (evidence !== undefined && slug !== undefined) {
        result.push({ locality: slug, ...evidence, confidence: Math.round(evidence.confidence * 100) / 100 });
      }
    });
    return result.sort((a, b) => b.confidence - a.confidence || a.locality.localeCompare(b.locality));
  }
}

function fieldWeight(rule: AttributionRule): number {
  return rule === 'site' || rule === 'override' ? 1 : FIELD_WEIGHT[rule];
}
