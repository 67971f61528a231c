// The fake site's content, as WordPress stores it (not as the REST API shows it): statuses that are
// never public, author e-mail addresses that must never leak, dates kept in UTC.

export type CommentStatus = 'approved' | 'hold' | 'spam' | 'trash';
export type CommentType = 'comment' | 'pingback' | 'trackback';
export type PostStatus = 'publish' | 'draft' | 'private' | 'pending';

export interface SiteInfo {
  name: string;
  description: string;
  /** IANA zone of the site's "Timezone" setting; `date` fields and `after`/`before` use it. */
  timezone: string;
}

export interface FakeTerm {
  id: number;
  name: string;
  slug: string;
  description: string;
  /** Categories only; 0 for top-level. */
  parent: number;
}

export interface FakePost {
  id: number;
  slug: string;
  title: string;
  /** Post body HTML as it would be rendered (already wrapped in paragraphs). */
  contentHtml: string;
  excerptHtml: string;
  dateGmt: Date;
  modifiedGmt: Date;
  status: PostStatus;
  author: number;
  categories: number[];
  tags: number[];
  commentStatus: 'open' | 'closed';
}

export interface FakeComment {
  id: number;
  postId: number;
  /** 0 for a top-level comment. */
  parentId: number;
  /** A registered user's id, or 0 for a guest. */
  userId: number;
  authorName: string;
  /** Private: WordPress only shows it in the `edit` context, which the fake never serves. */
  authorEmail: string;
  authorUrl: string;
  dateGmt: Date;
  /** The comment body as rendered (HTML, possibly hostile: the client must sanitise it). */
  contentHtml: string;
  status: CommentStatus;
  type: CommentType;
}

export interface WordPressDataset {
  site: SiteInfo;
  posts: FakePost[];
  comments: FakeComment[];
  categories: FakeTerm[];
  tags: FakeTerm[];
}
