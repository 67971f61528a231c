import { createHash } from 'node:crypto';
import { ZERO_METRICS, type AuthorRecord, type PostRecord } from '../../domain/post.js';
import { sanitiseCommentHtml } from './sanitise.js';

/**
 * Where a site comment sits, stored as the post's `context`. The keys follow what locality
 * attribution reads (`CommentContext` in src/domain/attribution: postTitle, categories, tags) plus
 * `siteLocality`, the locality configured for the site or feed (AttributionInput.siteLocality), so
 * `{ comment: context, siteLocality: context.siteLocality }` is an attribution input as it stands.
 */
export interface SiteCommentContext {
  /** The blog post's id on its site, where the source says (WordPress); null for other feeds. */
  postId: number | null;
  postTitle: string | null;
  postUrl: string | null;
  categories: string[];
  tags: string[];
  siteLocality: string | null;
}

export interface SiteCommentInput {
  externalId: string;
  /** The site the comment belongs to ("blog.example.org"), which scopes author ids. */
  siteHost: string;
  /** The site's own user id for a registered commenter; absent or 0 for a guest. */
  authorUserId?: number | null;
  authorName: string;
  authorUrl?: string | null;
  createdAt: Date;
  url?: string | null;
  /** The comment as the site rendered it: untrusted HTML. */
  contentHtml: string;
  parentExternalId?: string | null;
  /** The blog post's thread: every comment on one post shares it. */
  conversationId?: string | null;
  context: SiteCommentContext;
  /** The payload as received, without its rendered HTML (the sanitised copy is in `html`) or the author's name and e-mail. */
  raw: unknown;
}

export interface SiteCommentRecords {
  post: PostRecord;
  author: AuthorRecord;
}

const MAX_NAME_LENGTH = 200;

/** One comment as a post of kind `comment` and its author: display name and URL only, never an e-mail address. */
export function siteCommentRecords(input: SiteCommentInput): SiteCommentRecords {
  const name = displayName(input.authorName);
  const authorUrl = httpUrlOrNull(input.authorUrl);
  const authorExternalId = input.authorUserId
    ? `${input.siteHost}/user/${input.authorUserId}`
    : `${input.siteHost}/guest/${createHash('sha256').update(`${name.toLowerCase()}\n${authorUrl ?? ''}`).digest('hex').slice(0, 20)}`;
  const { html, text } = sanitiseCommentHtml(input.contentHtml);
  return {
    author: { platform: 'site', externalId: authorExternalId, handle: null, name, url: authorUrl },
    post: {
      platform: 'site',
      externalId: input.externalId,
      kind: 'comment',
      authorExternalId,
      createdAt: input.createdAt,
      url: httpUrlOrNull(input.url),
      text,
      html,
      conversationId: input.conversationId ?? null,
      parentExternalId: input.parentExternalId ?? null,
      context: input.context,
      metrics: { ...ZERO_METRICS },
      raw: input.raw,
      relation: 'match',
    },
  };
}

// Commenters sometimes type their e-mail address as their name; Groundswell never keeps one.
const EMAIL = /([^\s@<>()[\]",;:]+)@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:]+/g;

function displayName(raw: string): string {
  const name = [...raw.replace(EMAIL, '$1').replace(/\s+/g, ' ').trim()].slice(0, MAX_NAME_LENGTH).join('');
  return name === '' ? 'Anonymous' : name;
}

/** The URL when it is an absolute http(s) address, else null: a `javascript:` author URL is not kept. */
export function httpUrlOrNull(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
