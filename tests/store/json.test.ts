import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanString, toPgJson } from '../../src/store/json.js';

// What toPgJson must give: every string (keys included) cleaned, however the value is shaped.
const deepClean = (value: unknown): unknown =>
  typeof value === 'string'
    ? cleanString(value)
    : Array.isArray(value)
      ? value.map(deepClean)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanString(k), deepClean(v)]))
        : value;

const awkwardText = fc.array(fc.constantFrom('a', 'é', '\u0000', '\\', 'u0000', '\\u0000', '\uD83D', '\uDE00', '😀', '"', '\n', 'd800'), { maxLength: 12 }).map((parts) => parts.join(''));

describe('toPgJson', () => {
  it('sends strings without NUL or unpaired surrogates, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(awkwardText, fc.oneof(awkwardText, fc.array(awkwardText), fc.integer())), (plain, awkward) => {
        for (const value of [plain, awkward, { plain, awkward }]) {
          const json = toPgJson(value);
          expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(deepClean(value))));
          expect(json).not.toMatch(/(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a whole emoji, mends one cut in half, and keeps text that merely looks like an escape', () => {
    expect(JSON.parse(toPgJson({ at: new Date('2026-11-24T12:00:00Z'), 'bad\u0000key': 1 }))).toEqual({ at: '2026-11-24T12:00:00.000Z', badkey: 1 });
    expect(JSON.parse(toPgJson({ text: 'ok 😀' }))).toEqual({ text: 'ok 😀' });
    expect(JSON.parse(toPgJson({ text: 'cut \uD83D' }))).toEqual({ text: 'cut \uFFFD' });
    expect(JSON.parse(toPgJson({ 'k\u0000': 'a\u0000b' }))).toEqual({ k: 'ab' });
    expect(JSON.parse(toPgJson({ text: 'C:\\u0000 and \\ud83d' }))).toEqual({ text: 'C:\\u0000 and \\ud83d' });
  });
});
