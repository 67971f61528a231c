// Text normalisation for locality matching. Everything here runs once per post over millions of
// posts, so the patterns are module constants: no pattern is built per call.

/** Combining marks left behind by NFKD: stripping them makes "Stöckport" read as "Stockport". */
const COMBINING_MARKS = /\p{M}+/gu;
// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/**
 * Account-like and link-like spans. A town inside a URL (example.com/stockport-report), an e-mail
 * address or an @handle (@StockportCouncil) names an account or a page, not a place, so these are
 * blanked out before the prose is read. Bare domains with a UK-ish TLD are included because
 * people write "see stockport.gov.uk" without a scheme. Not a Unicode pattern: it runs on folded
 * text, where \w and \b mean the same either way, and the non-Unicode engine is twice as fast.
 */
const LINKS_AND_ACCOUNTS =
  /\b(?:https?:\/\/|www\.)\S+|\S+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:uk|com|org|net|io|co)\b(?:\/\S*)?|@\w+/gi;

/** Hashtags are read by the hashtag rule from X's entities (or from here); prose matching skips them. */
const HASHTAG = /#([\p{L}\p{N}_]+)/gu;

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;

/** Stands in for a removed link, mention or hashtag; the tokeniser treats it as a break. */
const REMOVED_SPAN = ' \uFFFC ';

/** "Dr. Shaw" is one sentence: the full stop after these abbreviations is not a sentence end. */
const ABBREVIATIONS_BEFORE_FULL_STOP: ReadonlySet<string> = new Set(['dr', 'mr', 'mrs', 'ms', 'mx', 'prof', 'st', 'cllr', 'rev', 'vs', 'no', 'nr']);

export interface Token {
  /** Lower-case, accent-free: the key phrases are looked up by. */
  readonly key: string;
  readonly capitalised: boolean;
  /** First word of a sentence (or after a removed hashtag/link), where a capital says nothing. */
  readonly sentenceStart: boolean;
  /** A break separates this token from the previous one, so no phrase spans the two. */
  readonly breakBefore: boolean;
  /** Some punctuation (a comma, a bracket) sits between this token and the previous one. */
  readonly punctuatedBefore: boolean;
  /** Offsets in the tokenised text, to report a match as written ("Ashton-under-Lyne"). */
  readonly start: number;
  readonly end: number;
}

export interface TokenisedText {
  /** The accent-folded text the offsets refer to. */
  readonly text: string;
  readonly tokens: readonly Token[];
}

/** Compatibility decomposition, then drop the marks: fancy Unicode "𝐒𝐭𝐨𝐜𝐤𝐩𝐨𝐫𝐭" and "Stöckport" both fold. */
export function foldAccents(text: string): string {
  // Most posts are plain ASCII, which has nothing to decompose; normalising costs more than the check.
  return ASCII_ONLY.test(text) ? text : text.normalize('NFKD').replace(COMBINING_MARKS, '');
}

/** The form hashtags are compared in: "#Ashton_Under_Lyne" and "Ashton-under-Lyne" share "ashtonunderlyne". */
export function compactKey(text: string): string {
  return foldAccents(text).toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}

/** Hashtags written in the text, for posts whose source gave no entities (site comments). */
export function hashtagsInText(text: string): string[] {
  return Array.from(foldAccents(text).matchAll(HASHTAG), (match) => match[1] ?? '').filter((tag) => tag.length > 0);
}

/** Prose tokens of a post: links, accounts and hashtags blanked out, accents folded. */
export function proseTokens(text: string): TokenisedText {
  const prose = foldAccents(text).replace(LINKS_AND_ACCOUNTS, REMOVED_SPAN).replace(HASHTAG, REMOVED_SPAN);
  return tokens(prose);
}

/** Tokens of a short name-like string (a place name, a profile location, a category). */
export function nameTokens(text: string): TokenisedText {
  return tokens(foldAccents(text));
}

// Tokens are words (runs of letters and digits) and hard breaks. A break (sentence end, line end, a
// blanked link/mention/hashtag) stops a phrase: "…in Hyde. Park your car…" is not "Hyde Park".
// Hyphens and commas do not break, so "Ashton-under-Lyne" and "Denton, Texas" read as phrases.
//
// The tokeniser reads the text one character at a time instead of matching a Unicode regex per
// word: it runs for every post, and allocating a match per word cost more than the matching itself.
// ASCII is classified by code; anything else by the same Unicode classes the patterns use.
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const WHITESPACE = /^\s$/u;
const BREAK_CODES: ReadonlySet<number> = new Set(Array.from('.!?;:|\n\r\u2022\u2026\uFFFC', (char) => char.charCodeAt(0)));
const FULL_STOP = 46;
const APOSTROPHES: ReadonlySet<number> = new Set([0x27, 0x2019]);

function memoisedClass(pattern: RegExp): (codePoint: number) => boolean {
  const known = new Map<number, boolean>();
  return (codePoint) => {
    let answer = known.get(codePoint);
    if (answer === undefined) {
      answer = pattern.test(String.fromCodePoint(codePoint));
      // Bounded: a text can hold any code point, and this must not grow with every post.
      if (known.size < 4_096) known.set(codePoint, answer);
    }
    return answer;
  };
}
const isOtherLetterOrDigit = memoisedClass(LETTER_OR_DIGIT);
const isOtherWhitespace = memoisedClass(WHITESPACE);

const isLetterOrDigit = (code: number) =>
  code < 128 ? (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) : isOtherLetterOrDigit(code);

function onlyWhitespace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13)) continue;
    if (code < 128 || !isOtherWhitespace(code)) return false;
  }
  return true;
}

function tokens(folded: string): TokenisedText {
  const result: Token[] = [];
  let breakPending = true;
  let previousKey = '';
  let previousEnd = 0;
  let i = 0;
  while (i < folded.length) {
    const codePoint = folded.codePointAt(i)!;
    if (!isLetterOrDigit(codePoint)) {
      if (BREAK_CODES.has(codePoint) && !(codePoint === FULL_STOP && ABBREVIATIONS_BEFORE_FULL_STOP.has(previousKey))) breakPending = true;
      i += codePoint > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    do {
      const next = folded.codePointAt(i)!;
      if (!isLetterOrDigit(next)) break;
      i += next > 0xffff ? 2 : 1;
    } while (i < folded.length);
    const word = folded.slice(start, i);
    // "Oldham's", "County’s": the possessive belongs to the name, so phrases read through it.
    if (start - previousEnd === 1 && APOSTROPHES.has(folded.charCodeAt(previousEnd)) && (word === 's' || word === 'S') && result.length > 0) {
      previousEnd = i;
      continue;
    }
    const key = word.toLowerCase();
    const first = word.charAt(0);
    result.push({
      key,
      capitalised: first !== first.toLowerCase(),
      sentenceStart: breakPending,
      breakBefore: breakPending,
      punctuatedBefore: result.length > 0 && !onlyWhitespace(folded, previousEnd, start),
      start,
      end: i,
    });
    previousEnd = i;
    breakPending = false;
    previousKey = key;
  }
  return { text: folded, tokens: result };
}
