// The fake X API keeps its world in X's own wire shape (snake_case, ids as strings), so serving a
// response is picking fields rather than translating, and a record can be compared with a sample.

export interface XPublicMetrics {
  retweet_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
  bookmark_count: number;
  impression_count: number;
}

export interface XHashtagEntity {
  start: number;
  end: number;
  tag: string;
}

export interface XMentionEntity {
  start: number;
  end: number;
  username: string;
  id?: string;
}

export interface XUrlEntity {
  start: number;
  end: number;
  url: string;
  expanded_url?: string;
  display_url?: string;
}

export interface XEntities {
  hashtags?: XHashtagEntity[];
  mentions?: XMentionEntity[];
  urls?: XUrlEntity[];
}

export type XReferenceType = 'retweeted' | 'quoted' | 'replied_to';

export interface XReferencedTweet {
  type: XReferenceType;
  id: string;
}

export interface XTweetRecord {
  id: string;
  text: string;
  author_id: string;
  /** ISO 8601 with milliseconds, e.g. 2026-11-20T10:00:00.000Z. */
  created_at: string;
  conversation_id: string;
  lang: string;
  edit_history_tweet_ids: string[];
  public_metrics: XPublicMetrics;
  entities?: XEntities;
  referenced_tweets?: XReferencedTweet[];
  in_reply_to_user_id?: string;
  geo?: { place_id: string };
}

export interface XUserPublicMetrics {
  followers_count: number;
  following_count: number;
  tweet_count: number;
  listed_count: number;
}

export interface XUserRecord {
  id: string;
  name: string;
  username: string;
  created_at: string;
  verified: boolean;
  protected: boolean;
  public_metrics: XUserPublicMetrics;
  location?: string;
  description?: string;
}

export interface XPlaceGeo {
  type: 'Feature';
  bbox: [number, number, number, number];
  properties: Record<string, never>;
}

export interface XPlaceRecord {
  id: string;
  full_name: string;
  name: string;
  country: string;
  country_code: string;
  place_type: 'poi' | 'neighborhood' | 'city' | 'admin' | 'country' | 'unknown';
  geo: XPlaceGeo;
}

export interface XDataset {
  tweets: XTweetRecord[];
  users: XUserRecord[];
  places: XPlaceRecord[];
}
