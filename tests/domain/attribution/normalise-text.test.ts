import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactKey, foldAccents, hashtagsInText, nameTokens, proseTokens } from '../../../src/domain/attribution/normalise-text.js';

const keys = (text: string) => proseTokens(text).tokens.map((token) => token.key);

describe('text normalisation', () => {
  it('folds accents and compatibility characters', () => {
    expect(foldAccents('Stöckport')).toBe('Stockport');
    expect(foldAccents('𝐎𝐥𝐝𝐡𝐚𝐦')).toBe('Oldham');
  });

  it('compacts hashtags and names to one comparable key', () => {
    expect(compactKey('#Ashton_Under_Lyne')).toBe(compactKey('Ashton-under-Lyne'));
  });

  it('finds hashtags in text without the #', () => {
    expect(hashtagsInText('So true #RSAhealth #Öldham')).toEqual(['RSAhealth', 'Oldham']);
  });

  it('drops links, e-mail addresses, mentions and hashtags from the prose', () => {
    expect(keys('Walk https://x.co/stockport with @OldhamCouncil, a@b.org, www.hyde.com and #Tameside now')).toEqual(['walk', 'with', 'and', 'now']);
  });

  it('splits hyphenated names into words and drops possessive s', () => {
    expect(keys("Ashton-under-Lyne's market")).toEqual(['ashton', 'under', 'lyne', 'market']);
  });

  it('marks sentence breaks, but not after a title abbreviation', () => {
    const tokens = proseTokens('In Hyde. Park here. Dr. Shaw spoke').tokens;
    expect(tokens.map((token) => token.breakBefore)).toEqual([true, false, true, false, true, false, false]);
  });
});

// The tokeniser as it was first written, with one Unicode pattern per word: the character scanner
// that replaced it for speed must tokenise every text exactly alike.
function referenceTokens(folded: string) {
  const abbreviations = new Set(['dr', 'mr', 'mrs', 'ms', 'mx', 'prof', 'st', 'cllr', 'rev', 'vs', 'no', 'nr']);
  const result: Array<Record<string, unknown>> = [];
  let breakPending = true;
  let previousKey = '';
  let previousEnd = 0;
  for (const match of folded.matchAll(/([\p{L}\p{N}]+)|([.!?;:|\n\r\u2022\u2026\uFFFC])/gu)) {
    const word = match[1];
    if (word === undefined) {
      if (!(match[2] === '.' && abbreviations.has(previousKey))) breakPending = true;
      continue;
    }
    const gap = folded.slice(previousEnd, match.index);
    if (/^['\u2019]$/u.test(gap) && word.toLowerCase() === 's' && result.length > 0) {
      previousEnd = match.index + word.length;
      continue;
    }
    previousEnd = match.index + word.length;
    const key = word.toLowerCase();
    const first = word.charAt(0);
    result.push({ key, capitalised: first !== first.toLowerCase(), sentenceStart: breakPending, breakBefore: breakPending, punctuatedBefore: result.length > 0 && !/^\s*$/u.test(gap), start: match.index, end: previousEnd });
    breakPending = false;
    previousKey = key;
  }
  return result;
}

describe('the tokeniser', () => {
  it('tokenises any text exactly as the one-pattern-per-word reference does', () => {
    const pieces = fc.constantFrom(
      'Hyde', 'park', 'St', 'Dr', 'no', 's', 'S', "'", '\u2019', '.', '. ', ',', ' ', '  ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u2022', '\u2026', '\uFFFC',
      '!', '?', ';', ':', '|', '-', '#', '@', 'Öldham', 'ß', 'İ', 'Σ', '𝐒', '😀', '\uD83D', '\uDE00', '日本', '٣', 'x2', '123', 'Ǆ', '\u0301',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: pieces, weight: 8 }, fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(nameTokens(text).tokens).toEqual(referenceTokens(foldAccents(text)));
      }),
      { numRuns: 3_000 },
    );
  });
});
