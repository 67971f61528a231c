import { DEFAULT_GAZETTEER } from './default-gazetteer.js';

/**
 * How much a place name says on its own. The ladder decides when a bare mention counts:
 * - `unambiguous`: only this place has the name (Bramhall, Stalybridge): counts alone.
 * - `minor-namesake`: a smaller place elsewhere shares it (Mossley, Co. Antrim): counts alone, a
 *   little less sure, unless the text names somewhere outside the region.
 * - `needs-locative-or-support`: the name is as often a person or character (Shaw, Lees, Hyde,
 *   Marple): counts after "in/at/from/near…", or with support (below).
 * - `needs-support`: a better-known place elsewhere shares it (Cheadle, Staffs; Denton, Texas):
 *   counts only with support: other evidence for this locality, for a neighbour in the same
 *   region, or a region word ("Manchester", "Cheshire") anywhere in the post.
 * - `needs-same-locality-support`: the namesakes are inside the region too ("Ashton" alone is as
 *   likely Ashton-in-Makerfield, Wigan, or Ashton-on-Mersey, Trafford): counts only beside other
 *   evidence for this same locality.
 */
export type PlaceAmbiguity = 'unambiguous' | 'minor-namesake' | 'needs-locative-or-support' | 'needs-support' | 'needs-same-locality-support';

export interface GazetteerPlace {
  readonly name: string;
  /** Other spellings: "Ashton u Lyne", "The Heatons". */
  readonly aliases?: readonly string[];
  /** Defaults to `unambiguous`, which is what a configured place name means. */
  readonly ambiguity?: PlaceAmbiguity;
  /** Also a surname: never counts right after a title or a first name ("Dr Sarah Shaw"). */
  readonly surname?: boolean;
  /** Also an ordinary English word ("a reddish rash", "the lees"): the lower-case form never counts. */
  readonly commonWord?: boolean;
  /** Phrases containing the name that are about something else: "Hyde Park", "Denton, Texas". */
  readonly notWhen?: readonly string[];
}

/** A region several localities share, whose words lend support to their ambiguous place names. */
export interface LocalityRegion {
  readonly name: string;
  /** Region-wide words ("Greater Manchester", "Manchester") and this locality's own county words ("Cheshire"). */
  readonly words: readonly string[];
  /**
   * Places well outside the region ("Wiltshire", "Leeds", "Texas"). One in the same text means a
   * namesake is more likely meant, so there any name short of unambiguous needs evidence for the
   * locality itself: "Shaw, near Melksham in Wiltshire", "Waterhead in Ambleside".
   */
  readonly elsewhere?: readonly string[];
}

/**
 * A locality's matching rules. The config's LocalityConfig ({slug, name, hashtags, keywords,
 * places}) is one already; `withDefaultGazetteer` adds the rest for the localities it knows.
 */
export interface LocalityRules {
  readonly slug: string;
  readonly name: string;
  /** Without '#', compared case- and accent-insensitively. */
  readonly hashtags: readonly string[];
  /** Whole words or phrases naming the locality or its institutions ("Stepping Hill"). The name is always one. */
  readonly keywords: readonly string[];
  /** Towns, villages and wards inside it. A bare string is an unambiguous place. */
  readonly places: readonly (string | GazetteerPlace)[];
  /** Phrases containing a keyword that are not about the locality ("Oldham Athletic"). */
  readonly notAbout?: readonly string[];
  /** Phrases containing a negative phrase that are about the locality after all. */
  readonly aboutAfterAll?: readonly string[];
  readonly region?: LocalityRegion | null;
}

/** What the default gazetteer knows about one locality. */
export interface DefaultLocalityKnowledge {
  readonly places: readonly GazetteerPlace[];
  readonly keywords: readonly string[];
  readonly notAbout: readonly string[];
  readonly aboutAfterAll: readonly string[];
  readonly region: LocalityRegion;
}

/**
 * Merges the default gazetteer into the localities it knows by slug (stockport, oldham, tameside).
 * Configured places add to the defaults; a configured place the gazetteer also lists keeps the
 * gazetteer's ambiguity notes, because "Shaw" in a config means the town but is still a surname in
 * a tweet. Localities the gazetteer does not know are passed through unchanged.
 */
export function withDefaultGazetteer(
  localities: readonly LocalityRules[],
  gazetteer: Readonly<Record<string, DefaultLocalityKnowledge>> = DEFAULT_GAZETTEER,
): LocalityRules[] {
  return localities.map((locality) => {
    const known = Object.hasOwn(gazetteer, locality.slug) ? gazetteer[locality.slug] : undefined;
    if (known === undefined) return locality;
    const defaultNames = new Set(known.places.map((place) => place.name.toLowerCase()));
    const configuredOnly = locality.places.filter((place) => !defaultNames.has(placeName(place).toLowerCase()));
    return {
      ...locality,
      keywords: unique([...locality.keywords, ...known.keywords]),
      places: [...known.places, ...configuredOnly],
      notAbout: unique([...(locality.notAbout ?? []), ...known.notAbout]),
      aboutAfterAll: unique([...(locality.aboutAfterAll ?? []), ...known.aboutAfterAll]),
      region: locality.region ?? known.region,
    };
  });
}

export function placeName(place: string | GazetteerPlace): string {
  return typeof place === 'string' ? place : place.name;
}

function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
