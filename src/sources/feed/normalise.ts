import type { AuthorRecord, PostRecord } from '../../domain/post.js';
import type { DroppedItem } from '../../ingestion/collector.js';
import { httpUrlOrNull, siteCommentRecords } from '../site-comment/comment-record.js';
import { htmlToPlainText } from '../site-comment/sanitise.js';
import { blogPostThreadId, commentExternalId, siteKeyOf } from '../site-comment/site-ids.js';
import type { FeedDocument, FeedEntry } from './parse.js';

// WordPress writes comment GUIDs as `{home}/?p={post}#comment-{id}` and post GUIDs as `{home}/?p={post}`
// whatever its permalinks. Recognising them gives a WordPress feed's comments the same ids as the
// REST adapter gives them, threads them exactly, and names the post they sit on.
const WP_COMMENT_GUID = /^(https?:\/\/[^?#]+?)\/?\?p=(\d+)#comment-(\d+)$/;
const WP_POST_GUID = /^(https?:\/\/[^?#]+?)\/?\?p=(\d+)$/;

export interface FeedNormaliseContext {
  feedUrl: URL;
  siteLocality: string | null;
}

export interface NormalisedFeed {
  posts: PostRecord[];
  authors: AuthorRecord[];
  dropped: DroppedItem[];
}

/** Feed entries as comments, one per GUID (the first occurrence wins), each entry checked on its own. */
export function normaliseFeed(document: FeedDocument, context: FeedNormaliseContext): NormalisedFeed {
  const feedKey = siteKeyOf(new URL('/', context.feedUrl));
  const channelPostTitle = /^Comments on:? (.+)$/s.exec(document.title ?? '')?.[1];
  const posts = new Map<string, PostRecord>();
  const authors = new Map<string, AuthorRecord>();
  const dropped: DroppedItem[] = [];

  for (const entry of document.entries) {
    const guid = entry.id?.trim();
    if (!guid) {
      dropped.push({ reason: 'missing-guid', detail: `entry ${JSON.stringify(entry.title ?? '')} has no guid, id or link` });
      continue;
    }
    const createdAt = entry.published ? new Date(entry.published) : undefined;
    if (!createdAt || Number.isNaN(createdAt.getTime())) {
      dropped.push({ reason: 'malformed-date', detail: `entry ${guid}: ${JSON.stringify(entry.published ?? null)} is not a date` });
      continue;
    }
    const identity = identify(guid, entry, feedKey);
    if (posts.has(identity.externalId)) {
      dropped.push({ reason: 'duplicate-guid', detail: `entry ${guid} appears more than once in the feed` });
      continue;
    }
    const authorName = htmlToPlainText(entry.authorName ?? '');
    const records = siteCommentRecords({
      externalId: identity.externalId,
      siteHost: identity.siteKey,
      authorName,
      authorUrl: entry.authorUrl ?? null,
      createdAt,
      url: entry.link ?? null,
      contentHtml: entry.html,
      parentExternalId: identity.parentExternalId,
      conversationId: identity.conversationId,
      context: {
        postId: identity.postId,
        postTitle: postTitleOf(entry.title, authorName) ?? channelPostTitle ?? null,
        postUrl: identity.postUrl,
        categories: entry.categories.map(htmlToPlainText).filter((c) => c !== ''),
        tags: [],
        siteLocality: context.siteLocality,
      },
      raw: entry.raw,
    });
    posts.set(identity.externalId, records.post);
    authors.set(records.author.externalId, records.author);
  }
  return { posts: [...posts.values()], authors: [...authors.values()], dropped };
}

interface EntryIdentity {
  siteKey: string;
  externalId: string;
  parentExternalId: string | null;
  conversationId: string | null;
  postId: number | null;
  postUrl: string | null;
}

function identify(guid: string, entry: FeedEntry, feedKey: string): EntryIdentity {
  const postUrl = postUrlOf(entry);
  const wordpress = WP_COMMENT_GUID.exec(guid);
  if (wordpress) {
    const siteKey = siteKeyOf(new URL(`${wordpress[1]}/`));
    const postId = Number(wordpress[2]);
    const parent = WP_COMMENT_GUID.exec(entry.inReplyTo?.ref ?? '');
    return {
      siteKey,
      externalId: commentExternalId(siteKey, Number(wordpress[3])),
      parentExternalId: parent ? commentExternalId(siteKeyOf(new URL(`${parent[1]}/`)), Number(parent[3])) : null,
      conversationId: blogPostThreadId(siteKey, postId),
      postId,
      postUrl,
    };
  }
  // Elsewhere a GUID is only unique within its feed's site. A reply points at its parent's GUID; a
  // top-level comment points at the post, whose link has no comment fragment.
  const ref = entry.inReplyTo?.ref;
  const answersComment = ref !== undefined && !WP_POST_GUID.test(ref) && /comment/i.test(`${entry.inReplyTo?.href ?? ''} ${ref}`) && ref !== postUrl;
  return {
    siteKey: feedKey,
    externalId: `${feedKey}/item/${guid}`,
    parentExternalId: answersComment ? `${feedKey}/item/${ref}` : null,
    conversationId: postUrl ? `${feedKey}/thread/${postUrl}` : null,
    postId: null,
    postUrl,
  };
}

/** The blog post's address: what a top-level comment replies to, else the comment's own link without its fragment. */
function postUrlOf(entry: FeedEntry): string | null {
  const replyHref = entry.inReplyTo?.href;
  if (replyHref && !/#comment/i.test(replyHref)) return httpUrlOrNull(replyHref);
  const link = httpUrlOrNull(entry.link);
  if (!link) return null;
  const url = new URL(link);
  url.hash = '';
  return url.href;
}

/** WordPress titles a site-wide comment feed's items "Comment on {post} by {author}". */
function postTitleOf(entryTitle: string | undefined, authorName: string): string | undefined {
  if (!entryTitle) return undefined;
  const title = htmlToPlainText(entryTitle);
  const suffix = ` by ${authorName}`;
  if (title.startsWith('Comment on ') && title.endsWith(suffix) && title.length > 'Comment on '.length + suffix.length) {
    return title.slice('Comment on '.length, -suffix.length);
  }
  return undefined;
}
