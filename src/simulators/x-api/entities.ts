import type { XEntities, XHashtagEntity, XMentionEntity, XUrlEntity } from './types.js';

// X reports entity offsets in Unicode code points, not UTF-16 units, so an emoji before a hashtag
// shifts it by one, not two. The fake does the same so consumers meet the real off-by-one traps here.

const HASHTAG = /(^|[^\p{L}\p{N}_&])[#＃]([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;
const MENTION = /(^|[^\p{L}\p{N}_@])[@＠]([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])/gu;
const URL_IN_TEXT = /https?:\/\/[^\s]+/gu;

export interface EntityOptions {
  /** Expanded targets of shortened links, keyed by the link as it appears in the text. */
  urlExpansions?: Readonly<Record<string, string>>;
  /** Looks a mentioned handle up so the mention entity can carry the user's id. */
  resolveUsername?: (username: string) => string | undefined;
}

function codePointOffset(text: string, utf16Index: number): number {
  let count = 0;
  for (const _ of text.slice(0, utf16Index)) count += 1;
  return count;
}

export function extractEntities(text: string, options: EntityOptions = {}): XEntities | undefined {
  const hashtags: XHashtagEntity[] = [];
  for (const match of text.matchAll(HASHTAG)) {
    const tag = match[2] ?? '';
    const hashIndex = (match.index ?? 0) + (match[1]?.length ?? 0);
    const start = codePointOffset(text, hashIndex);
    hashtags.push({ start, end: start + 1 + [...tag].length, tag });
  }
  const mentions: XMentionEntity[] = [];
  for (const match of text.matchAll(MENTION)) {
    const username = match[2] ?? '';
    const atIndex = (match.index ?? 0) + (match[1]?.length ?? 0);
    const start = codePointOffset(text, atIndex);
    const id = options.resolveUsername?.(username);
    mentions.push({ start, end: start + 1 + username.length, username, ...(id ? { id } : {}) });
  }
  const urls: XUrlEntity[] = [];
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(/[.,;:!?)…]+$/u, '');
    const start = codePointOffset(text, match.index ?? 0);
    const expanded = options.urlExpansions?.[url];
    const entity: XUrlEntity = { start, end: start + [...url].length, url };
    if (expanded) {
      entity.expanded_url = expanded;
      entity.display_url = expanded.replace(/^https?:\/\/(www\.)?/u, '').slice(0, 26);
    }
    urls.push(entity);
  }
  const entities: XEntities = {};
  if (hashtags.length > 0) entities.hashtags = hashtags;
  if (mentions.length > 0) entities.mentions = mentions;
  if (urls.length > 0) entities.urls = urls;
  return Object.keys(entities).length > 0 ? entities : undefined;
}
