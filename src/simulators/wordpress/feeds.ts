import { createHash } from 'node:crypto';
import type { SiteLinks } from './links.js';
import { httpDate, rfc2822 } from './site-time.js';
import type { CommentRecord, PostRecord, SiteStore } from './store.js';

export type FeedFormat = 'rss2' | 'atom';

export interface FeedResult {
  status: 200 | 304;
  headers: Record<string, string>;
  body: string;
}

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Wraps text in CDATA, splitting any "]]>" inside so the document stays well-formed. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

// Characters XML 1.0 forbids even inside CDATA; a comment containing them would break the feed.
function xmlSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '').trim();
}

/**
 * The comment feeds WordPress renders (wp-includes/feed-rss2-comments.php and
 * feed-atom-comments.php): the newest approved comments of every type on public posts, newest
 * first, with the validators WordPress sends (Last-Modified from the newest comment, ETag its MD5)
 * and its 304 rule from WP::send_headers().
 */
export class CommentFeeds {
  readonly #store: SiteStore;
  readonly #links: SiteLinks;
  readonly #size: number;

  constructor(store: SiteStore, links: SiteLinks, size: number) {
    this.#store = store;
    this.#links = links;
    this.#size = size;
  }

  render(format: FeedFormat, headers: { ifNoneMatch?: string; ifModifiedSince?: string }, postId?: number): FeedResult | undefined {
    const post = postId === undefined ? undefined : this.#store.post(postId);
    if (postId !== undefined && !this.#store.isPublicPost(post)) return undefined;
    const comments = this.#latest(post);
    const newest = comments[0]?.comment.dateGmt ?? this.#store.now();
    const lastModified = httpDate(newest);
    const etag = `"${createHash('md5').update(lastModified).digest('hex')}"`;
    const responseHeaders = {
      'Content-Type': `${format === 'atom' ? 'application/atom+xml' : 'application/rss+xml'}; charset=UTF-8`,
      'Last-Modified': lastModified,
      ETag: etag,
    };

    const clientEtag = headers.ifNoneMatch?.trim();
    const clientModified = headers.ifModifiedSince ? Date.parse(headers.ifModifiedSince) : Number.NaN;
    const modifiedOk = !Number.isNaN(clientModified) && clientModified >= Math.floor(newest.getTime() / 1000) * 1000;
    const etagOk = clientEtag !== undefined && clientEtag === etag;
    // Both validators sent: both must match. One sent: it alone decides (WP::send_headers()).
    const notModified = clientEtag !== undefined && headers.ifModifiedSince !== undefined ? modifiedOk && etagOk : modifiedOk || etagOk;
    if (notModified) return { status: 304, headers: responseHeaders, body: '' };

    const body = format === 'atom' ? this.#atom(comments, newest, post) : this.#rss(comments, newest, post);
    return { status: 200, headers: responseHeaders, body };
  }

  #latest(post: PostRecord | undefined): CommentRecord[] {
    const latest: CommentRecord[] = [];
    for (const record of this.#store.sortedComments('date_gmt', 'desc')) {
      if (post && record.comment.postId !== post.post.id) continue;
      if (!this.#store.isPublicComment(record)) continue;
      latest.push(record);
      if (latest.length >= this.#size) break;
    }
    return latest;
  }

  #title(record: CommentRecord, post: PostRecord | undefined): string {
    const author = record.comment.authorName;
    if (post) return `By: ${author}`;
    const title = this.#store.post(record.comment.postId)?.post.title ?? '';
    return `Comment on ${title} by ${author}`;
  }

  #rss(comments: CommentRecord[], newest: Date, post: PostRecord | undefined): string {
    const site = this.#store.site;
    const title = post ? `Comments on: ${post.post.title}` : `Comments for ${site.name}`;
    const self = post ? this.#links.postCommentsFeed(post.post, 'rss2') : this.#links.commentsFeed('rss2');
    const items = comments.map((record) => {
      const c = record.comment;
      const commentPost = this.#store.post(c.postId)?.post;
      if (!commentPost) return '';
      return [
        '\t<item>',
        `\t\t<title>${xmlEscape(this.#title(record, post))}</title>`,
        `\t\t<link>${xmlEscape(this.#links.comment(commentPost, c.id))}</link>`,
        '',
        `\t\t<dc:creator>${cdata(xmlSafe(c.authorName))}</dc:creator>`,
        `\t\t<pubDate>${rfc2822(c.dateGmt)}</pubDate>`,
        `\t\t<guid isPermaLink="false">${xmlEscape(this.#links.commentGuid(commentPost, c.id))}</guid>`,
        '',
        `\t\t\t<description>${cdata(xmlSafe(xmlEscape(stripTags(c.contentHtml))))}</description>`,
        `\t\t<content:encoded>${cdata(xmlSafe(c.contentHtml))}</content:encoded>`,
        '',
        '\t\t</item>',
      ].join('\n');
    });
    return [
      '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"',
      '\txmlns:content="http://purl.org/rss/1.0/modules/content/"',
      '\txmlns:dc="http://purl.org/dc/elements/1.1/"',
      '\txmlns:atom="http://www.w3.org/2005/Atom"',
      '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"',
      '\t',
      '\t>',
      '<channel>',
      `\t<title>${xmlEscape(title)}</title>`,
      `\t<atom:link href="${xmlEscape(self)}" rel="self" type="application/rss+xml" />`,
      `\t<link>${xmlEscape(post ? this.#links.post(post.post) : this.#links.origin)}</link>`,
      `\t<description>${xmlEscape(site.description)}</description>`,
      `\t<lastBuildDate>${rfc2822(newest)}</lastBuildDate>`,
      '\t<sy:updatePeriod>',
      '\thourly\t</sy:updatePeriod>',
      '\t<sy:updateFrequency>',
      '\t1\t</sy:updateFrequency>',
      ...items,
      '</channel>',
      '</rss>',
      '',
    ].join('\n');
  }

  #atom(comments: CommentRecord[], newest: Date, post: PostRecord | undefined): string {
    const site = this.#store.site;
    const title = post ? `Comments on ${post.post.title}` : `Comments for ${site.name}`;
    const self = post ? this.#links.postCommentsFeed(post.post, 'atom') : this.#links.commentsFeed('atom');
    const atomDate = (at: Date): string => `${at.toISOString().slice(0, 19)}Z`;
    const entries = comments.map((record) => {
      const c = record.comment;
      const commentPost = this.#store.post(c.postId)?.post;
      if (!commentPost) return '';
      const link = this.#links.comment(commentPost, c.id);
      const parent = c.parentId !== 0 ? this.#store.comment(c.parentId) : undefined;
      // Threading (RFC 4685): a top-level comment replies to its post, a reply to its parent comment.
      const inReplyTo = parent
        ? `<thr:in-reply-to ref="${xmlEscape(this.#links.commentGuid(commentPost, parent.comment.id))}" href="${xmlEscape(this.#links.comment(commentPost, parent.comment.id))}" type="text/html" />`
        : `<thr:in-reply-to ref="${xmlEscape(this.#links.postGuid(commentPost))}" href="${xmlEscape(this.#links.post(commentPost))}" type="text/html" />`;
      return [
        '\t<entry>',
        `\t\t<title>${xmlEscape(this.#title(record, post))}</title>`,
        `\t\t<link rel="alternate" href="${xmlEscape(link)}" type="text/html" />`,
        '',
        '\t\t<author>',
        `\t\t\t<name>${xmlEscape(xmlSafe(c.authorName))}</name>`,
        c.authorUrl ? `\t\t\t<uri>${xmlEscape(c.authorUrl)}</uri>` : '',
        '\t\t</author>',
        '',
        `\t\t<id>${xmlEscape(this.#links.commentGuid(commentPost, c.id))}</id>`,
        `\t\t<updated>${atomDate(c.dateGmt)}</updated>`,
        `\t\t<published>${atomDate(c.dateGmt)}</published>`,
        '',
        `\t\t\t<content type="html" xml:base="${xmlEscape(link)}">${cdata(xmlSafe(c.contentHtml))}</content>`,
        '',
        `\t\t\t${inReplyTo}`,
        '\t</entry>',
      ].join('\n');
    });
    return [
      '<?xml version="1.0" encoding="UTF-8"?><feed',
      '\txmlns="http://www.w3.org/2005/Atom"',
      '\txml:lang="en-GB"',
      '\txmlns:thr="http://purl.org/syndication/thread/1.0"',
      '\t>',
      `\t<title type="text">${xmlEscape(title)}</title>`,
      `\t<subtitle type="text">${xmlEscape(site.description)}</subtitle>`,
      '',
      `\t<updated>${atomDate(newest)}</updated>`,
      '',
      `\t<link rel="alternate" type="text/html" href="${xmlEscape(post ? this.#links.post(post.post) : this.#links.origin)}" />`,
      `\t<link rel="self" type="application/atom+xml" href="${xmlEscape(self)}" />`,
      `\t<id>${xmlEscape(self)}</id>`,
      ...entries,
      '</feed>',
      '',
    ].join('\n');
  }
}
