import type { AuthorRecord, PostRecord } from '../../domain/post.js';
import type { DroppedItem } from '../../ingestion/collector.js';
import { siteCommentRecords } from '../site-comment/comment-record.js';
import { blogPostThreadId, commentExternalId } from '../site-comment/site-ids.js';
import type { BlogPostDirectory } from './blog-posts.js';
import { commentSchema, type WpComment } from './payload.js';

export interface ValidatedComments {
  comments: WpComment[];
  dropped: DroppedItem[];
}

/** Checks each comment of a page on its own: one that does not fit is dropped with its reason, the rest go on. */
export function validateComments(items: readonly unknown[]): ValidatedComments {
  const comments: WpComment[] = [];
  const dropped: DroppedItem[] = [];
  for (const item of items) {
    const parsed = commentSchema.safeParse(item);
    const itemId = typeof item === 'object' && item !== null && 'id' in item ? String(item.id) : '?';
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      dropped.push({ reason: 'malformed-comment', detail: `comment ${itemId}: ${issue ? `${issue.path.join('.') || '(item)'} ${issue.message}` : 'invalid'}` });
    } else if (parsed.data.type !== undefined && parsed.data.type !== 'comment') {
      dropped.push({ reason: 'not-a-comment', detail: `comment ${itemId} is a ${parsed.data.type}` });
    } else {
      comments.push(parsed.data);
    }
  }
  return { comments, dropped };
}

export interface NormaliseContext {
  siteKey: string;
  siteLocality: string | null;
  posts: BlogPostDirectory;
}

/** Validated comments as posts of kind `comment` with their authors; the blog posts must already be loaded. */
export function normaliseComments(comments: readonly WpComment[], context: NormaliseContext): { posts: PostRecord[]; authors: AuthorRecord[] } {
  const posts: PostRecord[] = [];
  const authors = new Map<string, AuthorRecord>();
  for (const comment of comments) {
    // The raw copy goes without the rendered HTML (kept only sanitised) and the author's name (kept,
    // e-mail addresses removed, on the author).
    const { content, author_name: _authorName, ...raw } = comment;
    const records = siteCommentRecords({
      externalId: commentExternalId(context.siteKey, comment.id),
      siteHost: context.siteKey,
      authorUserId: comment.author ?? null,
      authorName: comment.author_name,
      authorUrl: comment.author_url,
      createdAt: new Date(`${comment.date_gmt}Z`),
      url: comment.link ?? null,
      contentHtml: content.rendered,
      parentExternalId: comment.parent > 0 ? commentExternalId(context.siteKey, comment.parent) : null,
      conversationId: blogPostThreadId(context.siteKey, comment.post),
      context: context.posts.context(comment.post, context.siteLocality),
      raw,
    });
    posts.push(records.post);
    authors.set(records.author.externalId, records.author);
  }
  return { posts, authors: [...authors.values()] };
}
