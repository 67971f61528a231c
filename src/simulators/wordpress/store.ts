import { SiteClock, gmtIso } from './site-time.js';
import type { CommentStatus, CommentType, FakeComment, FakePost, FakeTerm, SiteInfo, WordPressDataset } from './types.js';

/** A comment with the forms of its dates the API needs, computed once. */
export interface CommentRecord {
  readonly comment: FakeComment;
  /** Local "YYYY-MM-DDTHH:MM:SS": the REST `date` field and what `after`/`before` compare with. */
  readonly local: string;
  readonly gmt: string;
  readonly time: number;
}

export interface PostRecord {
  readonly post: FakePost;
  readonly local: string;
  readonly gmt: string;
  readonly modifiedLocal: string;
  readonly modifiedGmt: string;
}

export type CommentOrderBy = 'date' | 'date_gmt' | 'id' | 'include' | 'post' | 'parent' | 'type';

export interface NewComment {
  postId: number;
  parentId?: number;
  authorName: string;
  authorEmail?: string;
  authorUrl?: string;
  userId?: number;
  contentHtml: string;
  /** Default: the server's clock. */
  dateGmt?: Date;
  /** Default 'approved'. */
  status?: CommentStatus;
  type?: CommentType;
}

export interface CommentEdit {
  contentHtml?: string;
  authorName?: string;
  authorUrl?: string;
}

export type NewPost = Omit<FakePost, 'id' | 'modifiedGmt' | 'excerptHtml' | 'status' | 'author' | 'commentStatus' | 'categories' | 'tags' | 'contentHtml'> &
  Partial<Pick<FakePost, 'modifiedGmt' | 'excerptHtml' | 'status' | 'author' | 'commentStatus' | 'categories' | 'tags' | 'contentHtml'>>;

/**
 * The site's mutable content and the few indexes that keep a 100,000-comment site quick to page
 * through: comments sorted once per ordering and kept until something changes.
 */
export class SiteStore {
  readonly site: SiteInfo;
  readonly clock: SiteClock;
  readonly categories: FakeTerm[];
  readonly tags: FakeTerm[];
  readonly #now: () => Date;
  readonly #hideFuture: boolean;
  readonly #comments = new Map<number, CommentRecord>();
  readonly #posts = new Map<number, PostRecord>();
  readonly #sorted = new Map<string, CommentRecord[]>();
  /** Every comment's and post's time, ascending; rebuilt after a change, only when the future is hidden. */
  #datedTimes: Float64Array | undefined;
  #version = 0;
  #nextCommentId: number;
  #nextPostId: number;

  constructor(dataset: WordPressDataset, now: () => Date, hideFuture: boolean) {
    this.site = { ...dataset.site };
    this.clock = new SiteClock(dataset.site.timezone);
    this.categories = dataset.categories.map((t) => ({ ...t }));
    this.tags = dataset.tags.map((t) => ({ ...t }));
    this.#now = now;
    this.#hideFuture = hideFuture;
    for (const post of dataset.posts) this.#putPost({ ...post, categories: [...post.categories], tags: [...post.tags] });
    for (const comment of dataset.comments) this.#putComment({ ...comment });
    // A loop, not Math.max(...ids): spreading 100,000 arguments can overflow the stack.
    this.#nextCommentId = largest(this.#comments.keys()) + 1;
    this.#nextPostId = largest(this.#posts.keys()) + 1;
  }

  /** Changes whenever content changes; feeds and caches key on it. */
  get version(): number {
    return this.#version;
  }

  now(): Date {
    return this.#now();
  }

  /**
   * How far the clock has got through the site's dates: how many comment and post times are at or
   * before now (always 0 when the future is not hidden). With the future hidden, what is public
   * depends on the clock as well as the content, but only through which of those times have come;
   * two instants with the same count see exactly the same items, whichever way the clock moved in
   * between. So the version and this number together are all a kept answer depends on.
   */
  visibilityEpoch(): number {
    if (!this.#hideFuture) return 0;
    this.#datedTimes ??= this.#allDatedTimes();
    return countAtOrBefore(this.#datedTimes, this.#now().getTime());
  }

  post(id: number): PostRecord | undefined {
    return this.#posts.get(id);
  }

  comment(id: number): CommentRecord | undefined {
    return this.#comments.get(id);
  }

  allPosts(): PostRecord[] {
    return [...this.#posts.values()];
  }

  allComments(): CommentRecord[] {
    return [...this.#comments.values()];
  }

  /** Published, and (when the server hides the future) already published by the server's clock. */
  isPublicPost(record: PostRecord | undefined): record is PostRecord {
    if (!record || record.post.status !== 'publish') return false;
    return !this.#hideFuture || record.post.dateGmt.getTime() <= this.#now().getTime();
  }

  /** What an anonymous visitor may read: approved, on a public post, and not in the future. */
  isPublicComment(record: CommentRecord): boolean {
    if (record.comment.status !== 'approved') return false;
    if (this.#hideFuture && record.time > this.#now().getTime()) return false;
    return this.isPublicPost(this.#posts.get(record.comment.postId));
  }

  /** Every comment sorted as asked, ties broken by id in the same direction as WP_Comment_Query does. */
  sortedComments(orderby: Exclude<CommentOrderBy, 'include'>, order: 'asc' | 'desc'): CommentRecord[] {
    const key = `${orderby}:${order}`;
    let sorted = this.#sorted.get(key);
    if (!sorted) {
      const sign = order === 'asc' ? 1 : -1;
      const primary = PRIMARY[orderby];
      sorted = [...this.#comments.values()].sort((a, b) => sign * (primary(a, b) || a.comment.id - b.comment.id));
      this.#sorted.set(key, sorted);
    }
    return sorted;
  }

  addComment(input: NewComment): FakeComment {
    if (!this.#posts.has(input.postId)) throw new Error(`addComment: no post ${input.postId}`);
    if (input.parentId && !this.#comments.has(input.parentId)) throw new Error(`addComment: no parent comment ${input.parentId}`);
    const comment: FakeComment = {
      id: this.#nextCommentId,
      postId: input.postId,
      parentId: input.parentId ?? 0,
      userId: input.userId ?? 0,
      authorName: input.authorName,
      authorEmail: input.authorEmail ?? '',
      authorUrl: input.authorUrl ?? '',
      dateGmt: new Date(Math.floor((input.dateGmt ?? this.#now()).getTime() / 1000) * 1000),
      contentHtml: input.contentHtml,
      status: input.status ?? 'approved',
      type: input.type ?? 'comment',
    };
    this.#nextCommentId += 1;
    this.#putComment(comment);
    this.#changed();
    return { ...comment };
  }

  editComment(id: number, edit: CommentEdit): FakeComment {
    const record = this.#requireComment(id);
    const comment = { ...record.comment, ...definedOnly(edit) };
    this.#putComment(comment);
    this.#changed();
    return { ...comment };
  }

  setCommentStatus(id: number, status: CommentStatus): FakeComment {
    const record = this.#requireComment(id);
    const comment = { ...record.comment, status };
    this.#putComment(comment);
    this.#changed();
    return { ...comment };
  }

  /** Deletes for good; like wp_delete_comment(), the replies move up to the deleted comment's parent. */
  deleteComment(id: number): void {
    const record = this.#requireComment(id);
    this.#comments.delete(id);
    for (const child of [...this.#comments.values()]) {
      if (child.comment.parentId === id) this.#putComment({ ...child.comment, parentId: record.comment.parentId });
    }
    this.#changed();
  }

  addPost(input: NewPost): FakePost {
    const id = this.#nextPostId;
    this.#nextPostId += 1;
    const post: FakePost = {
      id,
      slug: input.slug,
      title: input.title,
      contentHtml: input.contentHtml ?? '',
      excerptHtml: input.excerptHtml ?? '',
      dateGmt: new Date(Math.floor(input.dateGmt.getTime() / 1000) * 1000),
      modifiedGmt: input.modifiedGmt ?? input.dateGmt,
      status: input.status ?? 'publish',
      author: input.author ?? 1,
      categories: input.categories ?? [1],
      tags: input.tags ?? [],
      commentStatus: input.commentStatus ?? 'open',
    };
    this.#putPost(post);
    this.#changed();
    return { ...post };
  }

  #requireComment(id: number): CommentRecord {
    const record = this.#comments.get(id);
    if (!record) throw new Error(`no comment ${id}`);
    return record;
  }

  #putComment(comment: FakeComment): void {
    this.#comments.set(comment.id, { comment, local: this.clock.localIso(comment.dateGmt), gmt: gmtIso(comment.dateGmt), time: comment.dateGmt.getTime() });
  }

  #putPost(post: FakePost): void {
    this.#posts.set(post.id, {
      post,
      local: this.clock.localIso(post.dateGmt),
      gmt: gmtIso(post.dateGmt),
      modifiedLocal: this.clock.localIso(post.modifiedGmt),
      modifiedGmt: gmtIso(post.modifiedGmt),
    });
  }

  #allDatedTimes(): Float64Array {
    const times = new Float64Array(this.#comments.size + this.#posts.size);
    let i = 0;
    for (const record of this.#comments.values()) times[i++] = record.time;
    for (const record of this.#posts.values()) times[i++] = record.post.dateGmt.getTime();
    return times.sort();
  }

  #changed(): void {
    this.#version += 1;
    this.#sorted.clear();
    this.#datedTimes = undefined;
  }
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const PRIMARY: Record<Exclude<CommentOrderBy, 'include'>, (a: CommentRecord, b: CommentRecord) => number> = {
  date: (a, b) => compareText(a.local, b.local),
  date_gmt: (a, b) => a.time - b.time,
  id: () => 0,
  post: (a, b) => a.comment.postId - b.comment.postId,
  parent: (a, b) => a.comment.parentId - b.comment.parentId,
  type: (a, b) => compareText(a.comment.type, b.comment.type),
};

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** How many of the ascending `times` are ≤ `at` (a binary search). */
function countAtOrBefore(times: Float64Array, at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

function largest(values: Iterable<number>): number {
  let max = 0;
  for (const value of values) if (value > max) max = value;
  return max;
}
