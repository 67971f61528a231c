import { generateWordPressDataset, type FakeComment, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';

export const LAUNCH = new Date('2026-06-10T09:00:00Z');

/** A small summer dataset (British Summer Time, so local and GMT dates differ by an hour). */
export function smallDataset(seed: number | string = 7): WordPressDataset {
  return generateWordPressDataset({
    seed,
    posts: 30,
    comments: 400,
    start: new Date('2026-06-01T00:00:00Z'),
    end: new Date('2026-07-15T00:00:00Z'),
    launches: [{ title: 'Health as a Social Movement: The Power of People in Movements', at: LAUNCH }],
  });
}

/** Comments an anonymous REST client may see: approved, of type comment, on a published post. */
export function publicComments(dataset: WordPressDataset): FakeComment[] {
  const published = new Set(dataset.posts.filter((p) => p.status === 'publish').map((p) => p.id));
  return dataset.comments.filter((c) => c.status === 'approved' && c.type === 'comment' && published.has(c.postId));
}

export interface Fetched<T> {
  status: number;
  headers: Headers;
  body: T;
}

export async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<Fetched<T>> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export interface WpError {
  code: string;
  message: string;
  data: { status: number; params?: Record<string, string> };
}

/** The URLs in a Link header, by rel. */
export function linkRels(header: string | null): Record<string, string> {
  const rels: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/<([^>]+)>;\s*rel="?([^";,]+)"?/g)) rels[match[2] as string] = match[1] as string;
  return rels;
}

/**
 * A structural well-formedness check (no XML parser is installed): CDATA set aside, every tag must
 * close in order, attribute values must be quoted, and every `&` must start a known entity.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const text = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<\?xml[^?]*\?>/, '');
  if (/<!\[CDATA\[/.test(text)) problems.push('unterminated CDATA');
  const stack: string[] = [];
  for (const match of text.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g)) {
    const [whole, closing, name, , selfClosing] = match;
    if (whole === '<') {
      problems.push(`stray or malformed tag at ${match.index}`);
      continue;
    }
    if (whole.startsWith('&')) {
      problems.push(`bare ampersand at ${match.index}`);
      continue;
    }
    if (selfClosing) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      stack.push(name as string);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}
