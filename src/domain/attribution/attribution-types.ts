/** Why a post was attributed to a locality. */
export type AttributionRule =
  | 'hashtag'
  | 'keyword'
  | 'place-name'
  | 'profile-location'
  | 'x-place'
  | 'post-category'
  | 'post-title'
  | 'site'
  | 'override';

export interface Attribution {
  /** The locality's slug. */
  readonly locality: string;
  readonly rule: AttributionRule;
  /** The text that decided it, accent-folded ("#Stockport", "Hazel Grove", "Denton, England"). */
  readonly matched: string;
  /** In [0, 1]: 1 for a staff override, about 0.9 for an unambiguous name, lower as ambiguity grows. */
  readonly confidence: number;
}

/** X's place object, when the post was geotagged. */
export interface XPlace {
  readonly fullName: string;
  /** ISO 3166-1 alpha-2; a place outside GB never attributes ("Denton, TX"). */
  readonly countryCode?: string | null;
  /** X's place_type: poi, neighborhood, city, admin, country. */
  readonly placeType?: string | null;
}

/** Where a site comment sits. */
export interface CommentContext {
  readonly postTitle?: string | null;
  readonly categories?: readonly string[] | null;
  readonly tags?: readonly string[] | null;
}

export interface AttributionInput {
  readonly text: string;
  /** From X's entities, without '#'. When absent, hashtags are read from the text. */
  readonly hashtags?: readonly string[] | null;
  /**
   * Accepted so callers can pass X's entities through, but deliberately not evidence: a mention of
   * @StockportCouncil addresses an account, it does not say the post is about Stockport.
   */
  readonly mentions?: readonly string[] | null;
  /** Likewise not evidence: a town in a link's path names a page, not the post's place. */
  readonly urls?: readonly string[] | null;
  /** The author's free-text profile location. */
  readonly authorLocation?: string | null;
  readonly place?: XPlace | null;
  readonly comment?: CommentContext | null;
  /** The locality configured for the site or feed the comment came from. */
  readonly siteLocality?: string | null;
}

export interface AttributionOptions {
  /**
   * Staff's own attribution. When given it replaces the rules' result entirely; an empty list
   * means staff marked the post unattributed.
   */
  readonly overrides?: readonly string[] | null;
}
