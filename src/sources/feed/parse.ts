import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { PermanentError } from '../../ingestion/errors.js';

// RSS 2.0 and Atom comment feeds, read with fast-xml-parser (no DTDs or external entities are
// fetched; internal entity expansion is bounded by the parser's limits). Namespace prefixes are
// dropped, so `dc:creator`, `content:encoded` and `thr:in-reply-to` are found whatever prefix a
// feed binds them to. The parsed tree is validated with zod before anything is read from it.

/** One entry of a comment feed, format differences settled, still untrusted. */
export interface FeedEntry {
  /** RSS guid or Atom id (RSS falls back to the link). */
  id: string | undefined;
  title: string | undefined;
  link: string | undefined;
  authorName: string | undefined;
  authorUrl: string | undefined;
  /** As written in the feed: RFC 822 (RSS) or RFC 3339 (Atom). */
  published: string | undefined;
  /** HTML (RSS content:encoded or description; Atom content or summary, text escaped to HTML). */
  html: string;
  categories: string[];
  /** RFC 4685 threading: what this entry answers. */
  inReplyTo: { ref: string | undefined; href: string | undefined } | undefined;
  /** The entry as parsed, without its content (kept only sanitised) or author (an Atom author may carry an e-mail address). */
  raw: Record<string, unknown>;
}

export interface FeedDocument {
  format: 'rss' | 'atom';
  title: string | undefined;
  entries: FeedEntry[];
}

const ALWAYS_LISTS = new Set(['item', 'entry', 'link', 'category', 'in-reply-to']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ALWAYS_LISTS.has(name),
});

// A node is a string (text only), or an object with '#text' and '@_' attributes.
const node = z.union([z.string(), z.number(), z.record(z.string(), z.unknown())]);
const entryObject = z.record(z.string(), z.unknown());
const rssSchema = z.object({
  rss: z.object({ channel: z.object({ title: node.optional(), item: z.array(entryObject).optional() }).loose() }).loose(),
});
const atomSchema = z.object({ feed: z.object({ title: node.optional(), entry: z.array(entryObject).optional() }).loose() });

export function parseCommentFeed(xml: string, shownUrl: string): FeedDocument {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new PermanentError('FEED_INVALID_XML', `${shownUrl} is not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}); nothing from it was stored`);
  }
  const tree = parser.parse(xml) as unknown;
  const rss = rssSchema.safeParse(tree);
  if (rss.success) {
    const channel = rss.data.rss.channel;
    return { format: 'rss', title: textOf(channel.title), entries: (channel.item ?? []).map(rssEntry) };
  }
  const atom = atomSchema.safeParse(tree);
  if (atom.success) {
    return { format: 'atom', title: textOf(atom.data.feed.title), entries: (atom.data.feed.entry ?? []).map(atomEntry) };
  }
  const root = typeof tree === 'object' && tree !== null ? Object.keys(tree).find((key) => !key.startsWith('?')) : undefined;
  throw new PermanentError(
    'FEED_NOT_A_FEED',
    `${shownUrl} is ${root === 'html' ? 'an HTML page' : root ? `an XML document whose root is <${root}>` : 'empty'}, not an RSS 2.0 or Atom feed; check the source's url (a WordPress site's comment feed is /comments/feed/)`,
  );
}

function rssEntry(item: Record<string, unknown>): FeedEntry {
  const links = listOf(item.link);
  const link = links.map(textOf).find((value) => value !== undefined) ?? links.map((l) => attr(l, 'href')).find((value) => value !== undefined);
  const content = textOf(item.encoded) ?? textOf(item.description) ?? '';
  const { encoded: _encoded, description: _description, creator: _creator, author: _author, ...raw } = item;
  return {
    id: textOf(item.guid) ?? link,
    title: textOf(item.title),
    link,
    authorName: textOf(item.creator) ?? textOf(item.author),
    authorUrl: undefined,
    published: textOf(item.pubDate) ?? textOf(item.date),
    html: content,
    categories: listOf(item.category).map((c) => textOf(c) ?? attr(c, 'term')).filter((c): c is string => c !== undefined),
    inReplyTo: replyTarget(item),
    raw,
  };
}

function atomEntry(entry: Record<string, unknown>): FeedEntry {
  const links = listOf(entry.link);
  const alternate = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
  const authorNode = listOf(entry.author)[0];
  const author = typeof authorNode === 'object' && authorNode !== null ? (authorNode as Record<string, unknown>) : undefined;
  const { content: _content, summary: _summary, author: _author, ...raw } = entry;
  return {
    id: textOf(entry.id),
    title: textOf(entry.title),
    link: alternate === undefined ? undefined : (attr(alternate, 'href') ?? textOf(alternate)),
    authorName: textOf(author?.name) ?? textOf(authorNode),
    authorUrl: textOf(author?.uri),
    published: textOf(entry.published) ?? textOf(entry.updated),
    html: atomHtml(entry.content) ?? atomHtml(entry.summary) ?? '',
    categories: listOf(entry.category).map((c) => attr(c, 'term') ?? textOf(c)).filter((c): c is string => c !== undefined),
    inReplyTo: replyTarget(entry),
    raw,
  };
}

function replyTarget(item: Record<string, unknown>): FeedEntry['inReplyTo'] {
  const target = listOf(item['in-reply-to'])[0];
  if (target === undefined) return undefined;
  return { ref: attr(target, 'ref'), href: attr(target, 'href') };
}

/** Atom text constructs: `html` is HTML already, `text` is escaped to HTML; `xhtml` keeps only its text. */
function atomHtml(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  const type = attr(value, 'type') ?? 'text';
  return type === 'html' ? text : escapeHtml(text);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && '#text' in value) return textOf(value['#text']);
  return undefined;
}

function attr(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[`@_${name}`];
  return typeof found === 'string' ? found : undefined;
}
