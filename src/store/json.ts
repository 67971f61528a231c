/**
 * JSON for a PostgreSQL parameter. PostgreSQL rejects NUL characters and unpaired UTF-16
 * surrogates (a string cut in the middle of an emoji) in json/jsonb and text, so strings are made
 * well-formed here, once, for every value the store sends.
 */
export function toPgJson(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes NUL and unpaired surrogates only as \u escapes (paired ones stay literal), so
  // a batch without such an escape needs no cleaning. Walking every value with a replacer costs as
  // much as the serialisation itself, and ingestion sends hundreds of kilobytes a page.
  return MAY_NEED_CLEANING.test(json) ? JSON.stringify(value, cleanItem) : json;
}

/** A JSON value as PostgreSQL will store it, for code that works from the value it has just sent. */
export function asStoredJson(value: unknown): unknown {
  return value === null || value === undefined ? value : JSON.parse(toPgJson(value));
}

/** A JSON.stringify replacer that cleans every string, object keys included. */
function cleanItem(_key: string, item: unknown): unknown {
  if (typeof item === 'string') return cleanString(item);
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const entries = Object.entries(item);
  return entries.some(([key]) => cleanString(key) !== key) ? Object.fromEntries(entries.map(([key, v]) => [cleanString(key), v])) : item;
}

// May also match an escaped backslash followed by "u0000" text; the slow path is right for those too.
const MAY_NEED_CLEANING = /\\u(?:0000|d[89a-f])/i;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;

export function cleanString(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(NUL, '');
}
