import { describe, expect, it } from 'vitest';
import { compactKey, foldAccents, hashtagsInText, proseTokens } from '../../../src/domain/attribution/normalise-text.js';

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
