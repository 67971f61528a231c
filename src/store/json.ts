/**
 * JSON for a PostgreSQL parameter. PostgreSQL rejects NUL characters and unpaired UTF-16
 * surrogates (a string cut in the middle of an emoji) in json/jsonb and text, so strings are made
 * well-formed here, once, for every value the store sends.
 */
export function toPgJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? cleanString(item) : item));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;

export function cleanString(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(NUL, '');
}
