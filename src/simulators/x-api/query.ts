import { extractEntities } from './entities.js';
import type { XReferenceType, XTweetRecord, XUserRecord } from './types.js';

// A small version of X's search query language: enough for the campaign queries Groundswell runs
// (#RSAhealth, (Stockport OR Oldham) -is:retweet, "social movement" lang:en) and strict about syntax,
// because a query X would reject must fail here too rather than quietly match something.

export type IsOperand = 'retweet' | 'reply' | 'quote' | 'verified';
export type HasOperand = 'hashtags' | 'mentions' | 'links' | 'geo' | 'media' | 'images' | 'videos';

export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  /** A bare keyword or a "quoted phrase": consecutive tokens of the text. */
  | { kind: 'text'; tokens: string[]; quoted: boolean }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'mention'; username: string }
  | { kind: 'from'; user: string }
  | { kind: 'to'; user: string }
  | { kind: 'lang'; lang: string }
  | { kind: 'conversation'; id: string }
  | { kind: 'is'; what: IsOperand }
  | { kind: 'has'; what: HasOperand };

export class QuerySyntaxError extends Error {
  /** 1-based character position, as X reports it. */
  readonly position: number;
  constructor(reason: string, position: number) {
    super(`${reason} (at position ${position})`);
    this.name = 'QuerySyntaxError';
    this.position = position;
  }
}

const IS_OPERANDS: readonly IsOperand[] = ['retweet', 'reply', 'quote', 'verified'];
const HAS_OPERANDS: readonly HasOperand[] = ['hashtags', 'mentions', 'links', 'geo', 'media', 'images', 'videos'];
// Operators X has that the fake does not model: named separately so the error says "not supported
// here" instead of pretending the query is wrong.
const UNMODELLED_OPERATORS = new Set([
  'url', 'retweets_of', 'context', 'entity', 'place', 'place_country', 'point_radius', 'bounding_box',
  'list', 'bio', 'bio_name', 'bio_location', 'sample', 'followers_count', 'tweets_count',
  'following_count', 'listed_count', 'url_title', 'url_description', 'url_contains', 'source',
  'in_reply_to_tweet_id', 'retweets_of_tweet_id', 'quotes_of_tweet_id',
]);

export function tokenizeText(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((token) => token.length > 0);
}

type Lexeme =
  | { type: 'lparen' | 'rparen' | 'or' | 'minus'; position: number }
  | { type: 'word'; value: string; position: number }
  | { type: 'phrase'; value: string; position: number };

function lex(query: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query.charAt(i);
    const position = i + 1;
    if (/\s/u.test(ch)) {
      i += 1;
    } else if (ch === '(') {
      lexemes.push({ type: 'lparen', position });
      i += 1;
    } else if (ch === ')') {
      lexemes.push({ type: 'rparen', position });
      i += 1;
    } else if (ch === '-') {
      const following = query.charAt(i + 1);
      if (following === '' || /\s/u.test(following) || following === ')') {
        throw new QuerySyntaxError('a negation must be followed directly by a term or a group', position);
      }
      lexemes.push({ type: 'minus', position });
      i += 1;
    } else if (ch === '"') {
      const close = query.indexOf('"', i + 1);
      if (close === -1) throw new QuerySyntaxError('unterminated quoted phrase', position);
      lexemes.push({ type: 'phrase', value: query.slice(i + 1, close), position });
      i = close + 1;
    } else {
      let end = i;
      while (end < query.length && !/[\s()"]/u.test(query.charAt(end))) end += 1;
      const value = query.slice(i, end);
      lexemes.push(value === 'OR' ? { type: 'or', position } : { type: 'word', value, position });
      i = end;
    }
  }
  return lexemes;
}

function termFromWord(value: string, position: number): QueryNode {
  if (value.startsWith('#')) {
    const tag = value.slice(1);
    if (!/^[\p{L}\p{N}_]+$/u.test(tag)) throw new QuerySyntaxError(`invalid hashtag '${value}'`, position);
    return { kind: 'hashtag', tag: tag.toLowerCase() };
  }
  if (value.startsWith('@')) {
    const username = value.slice(1);
    if (!/^[A-Za-z0-9_]{1,15}$/u.test(username)) throw new QuerySyntaxError(`invalid mention '${value}'`, position);
    return { kind: 'mention', username: username.toLowerCase() };
  }
  const operator = /^([A-Za-z_]+):(.*)$/u.exec(value);
  if (operator) {
    const name = (operator[1] ?? '').toLowerCase();
    const operand = operator[2] ?? '';
    if (operand === '') throw new QuerySyntaxError(`operator '${name}:' needs a value`, position);
    switch (name) {
      case 'from':
      case 'to': {
        const user = operand.replace(/^@/u, '');
        if (!/^[A-Za-z0-9_]{1,15}$|^[0-9]{1,19}$/u.test(user)) throw new QuerySyntaxError(`invalid user '${operand}' for ${name}:`, position);
        return { kind: name, user: user.toLowerCase() };
      }
      case 'lang':
        if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]+)?$/u.test(operand)) throw new QuerySyntaxError(`invalid language '${operand}'`, position);
        return { kind: 'lang', lang: operand.toLowerCase() };
      case 'conversation_id':
        if (!/^[0-9]{1,19}$/u.test(operand)) throw new QuerySyntaxError(`invalid conversation id '${operand}'`, position);
        return { kind: 'conversation', id: operand };
      case 'is': {
        const what = operand.toLowerCase() as IsOperand;
        if (!IS_OPERANDS.includes(what)) throw new QuerySyntaxError(`Reference to invalid operator 'is:${operand}'`, position);
        return { kind: 'is', what };
      }
      case 'has': {
        const what = operand.toLowerCase() as HasOperand;
        if (!HAS_OPERANDS.includes(what)) throw new QuerySyntaxError(`Reference to invalid operator 'has:${operand}'`, position);
        return { kind: 'has', what };
      }
      default:
        if (UNMODELLED_OPERATORS.has(name)) {
          throw new QuerySyntaxError(`the operator '${name}:' is not supported by the fake X API`, position);
        }
        throw new QuerySyntaxError(`Reference to invalid operator '${name}'`, position);
    }
  }
  const tokens = tokenizeText(value);
  if (tokens.length === 0) throw new QuerySyntaxError(`'${value}' contains no searchable characters`, position);
  return { kind: 'text', tokens, quoted: false };
}

class Parser {
  private index = 0;
  constructor(
    private readonly lexemes: Lexeme[],
    private readonly length: number,
  ) {}

  parse(): QueryNode {
    if (this.lexemes.length === 0) throw new QuerySyntaxError('the query is empty', 1);
    const node = this.parseOr();
    const rest = this.peek();
    if (rest) throw new QuerySyntaxError(rest.type === 'rparen' ? "unmatched ')'" : 'unexpected input', rest.position);
    return node;
  }

  private peek(): Lexeme | undefined {
    return this.lexemes[this.index];
  }

  private endPosition(): number {
    return this.length + 1;
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek()?.type === 'or') {
      this.index += 1;
      children.push(this.parseAnd());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'or', children };
  }

  private parseAnd(): QueryNode {
    const children: QueryNode[] = [];
    for (let next = this.peek(); next && next.type !== 'or' && next.type !== 'rparen'; next = this.peek()) {
      children.push(this.parseUnary());
    }
    if (children.length === 0) {
      const next = this.peek();
      const where = next ? next.position : this.endPosition();
      throw new QuerySyntaxError(next?.type === 'or' ? "'OR' needs a term on both sides" : 'expected a term', where);
    }
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'and', children };
  }

  private parseUnary(): QueryNode {
    const next = this.peek();
    if (next?.type === 'minus') {
      this.index += 1;
      return { kind: 'not', child: this.parsePrimary() };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): QueryNode {
    const next = this.peek();
    if (!next) throw new QuerySyntaxError('expected a term', this.endPosition());
    this.index += 1;
    switch (next.type) {
      case 'lparen': {
        if (this.peek()?.type === 'rparen') throw new QuerySyntaxError('empty group', next.position);
        const inner = this.parseOr();
        const close = this.peek();
        if (close?.type !== 'rparen') throw new QuerySyntaxError("missing ')'", close ? close.position : this.endPosition());
        this.index += 1;
        return inner;
      }
      case 'phrase': {
        const tokens = tokenizeText(next.value);
        if (tokens.length === 0) throw new QuerySyntaxError('empty quoted phrase', next.position);
        return { kind: 'text', tokens, quoted: true };
      }
      case 'word':
        return termFromWord(next.value, next.position);
      case 'rparen':
        throw new QuerySyntaxError("unexpected ')'", next.position);
      case 'or':
        throw new QuerySyntaxError("'OR' needs a term on both sides", next.position);
      case 'minus':
        throw new QuerySyntaxError('double negation', next.position);
    }
  }
}

function hasPositiveTerm(node: QueryNode): boolean {
  switch (node.kind) {
    case 'not':
      return false;
    case 'and':
      return node.children.some(hasPositiveTerm);
    case 'or':
      return node.children.every(hasPositiveTerm);
    default:
      return true;
  }
}

export function parseQuery(query: string): QueryNode {
  const node = new Parser(lex(query), query.length).parse();
  if (!hasPositiveTerm(node)) throw new QuerySyntaxError('Rules must contain a non-negation term', 1);
  return node;
}

/** What the matcher needs to know about one post, precomputed once per post. */
export interface MatchableTweet {
  tokens: readonly string[];
  hashtags: ReadonlySet<string>;
  mentions: ReadonlySet<string>;
  lang: string | undefined;
  authorId: string;
  authorUsername: string | undefined;
  authorVerified: boolean;
  inReplyToUserId: string | undefined;
  inReplyToUsername: string | undefined;
  conversationId: string | undefined;
  referenceTypes: ReadonlySet<XReferenceType>;
  hasLinks: boolean;
  hasGeo: boolean;
}

export function matchableFromTweet(tweet: XTweetRecord, userById: (id: string) => XUserRecord | undefined): MatchableTweet {
  const entities = tweet.entities ?? extractEntities(tweet.text);
  const author = userById(tweet.author_id);
  const repliedTo = tweet.in_reply_to_user_id ? userById(tweet.in_reply_to_user_id) : undefined;
  return {
    tokens: tokenizeText(tweet.text),
    hashtags: new Set((entities?.hashtags ?? []).map((h) => h.tag.toLowerCase())),
    mentions: new Set((entities?.mentions ?? []).map((m) => m.username.toLowerCase())),
    lang: tweet.lang?.toLowerCase(),
    authorId: tweet.author_id,
    authorUsername: author?.username.toLowerCase(),
    authorVerified: author?.verified ?? false,
    inReplyToUserId: tweet.in_reply_to_user_id,
    inReplyToUsername: repliedTo?.username.toLowerCase(),
    conversationId: tweet.conversation_id,
    referenceTypes: new Set((tweet.referenced_tweets ?? []).map((r) => r.type)),
    hasLinks: (entities?.urls?.length ?? 0) > 0,
    hasGeo: tweet.geo !== undefined,
  };
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}

export function matchesQuery(node: QueryNode, tweet: MatchableTweet): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => matchesQuery(child, tweet));
    case 'or':
      return node.children.some((child) => matchesQuery(child, tweet));
    case 'not':
      return !matchesQuery(node.child, tweet);
    case 'text':
      return containsSequence(tweet.tokens, node.tokens);
    case 'hashtag':
      return tweet.hashtags.has(node.tag);
    case 'mention':
      return tweet.mentions.has(node.username);
    case 'from':
      return tweet.authorUsername === node.user || tweet.authorId === node.user;
    case 'to':
      return tweet.inReplyToUsername === node.user || tweet.inReplyToUserId === node.user;
    case 'lang':
      return tweet.lang === node.lang;
    case 'conversation':
      return tweet.conversationId === node.id;
    case 'is':
      switch (node.what) {
        case 'retweet':
          return tweet.referenceTypes.has('retweeted');
        case 'reply':
          return tweet.referenceTypes.has('replied_to');
        case 'quote':
          return tweet.referenceTypes.has('quoted');
        case 'verified':
          return tweet.authorVerified;
      }
      break;
    case 'has':
      switch (node.what) {
        case 'hashtags':
          return tweet.hashtags.size > 0;
        case 'mentions':
          return tweet.mentions.size > 0;
        case 'links':
          return tweet.hasLinks;
        case 'geo':
          return tweet.hasGeo;
        default:
          // The fake's posts carry no media.
          return false;
      }
  }
}

/** Parses once and returns a predicate; throws QuerySyntaxError for a query X would reject. */
export function compileQuery(query: string): (tweet: MatchableTweet) => boolean {
  const node = parseQuery(query);
  return (tweet) => matchesQuery(node, tweet);
}
