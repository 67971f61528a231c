// A post as every source adapter hands it to the store: one shape for X posts and site comments.

export type Platform = 'x' | 'site';
export type PostKind = 'post' | 'reply' | 'quote' | 'repost' | 'comment';
export const POST_KINDS: readonly PostKind[] = ['post', 'reply', 'quote', 'repost', 'comment'];

export interface EngagementMetrics {
  likes: number;
  reposts: number;
  replies: number;
  quotes: number;
  impressions?: number | null;
}

export interface AuthorRecord {
  platform: Platform;
  externalId: string;
  handle?: string | null;
  name?: string | null;
  url?: string | null;
  location?: string | null;
  followersCount?: number | null;
  verified?: boolean | null;
  profile?: unknown;
}

export interface ReferencedPost {
  type: 'replied_to' | 'quoted' | 'retweeted';
  id: string;
}

export interface PostRecord {
  platform: Platform;
  externalId: string;
  kind: PostKind;
  authorExternalId?: string | null;
  createdAt: Date;
  url?: string | null;
  text?: string | null;
  /** Sanitised HTML (site comments only). */
  html?: string | null;
  lang?: string | null;
  conversationId?: string | null;
  parentExternalId?: string | null;
  referenced?: ReferencedPost[] | null;
  editHistoryIds?: string[] | null;
  place?: unknown;
  /** Where a comment sits: the blog post's title, URL, categories, tags. */
  context?: unknown;
  metrics: EngagementMetrics;
  raw?: unknown;
  /** 'match' when the source returned it; 'reference' when it came only as context for a match. */
  relation?: 'match' | 'reference';
}

/** A post the source says is gone (deleted, unapproved, no longer authorised): purged to a tombstone. */
export interface PostRemoval {
  platform: Platform;
  externalId: string;
  /** Why, in a word or two the dashboard can show: "deleted", "not-authorized", "unapproved" … */
  reason: string;
}

export const ZERO_METRICS: EngagementMetrics = Object.freeze({ likes: 0, reposts: 0, replies: 0, quotes: 0 });
