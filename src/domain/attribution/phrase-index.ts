import { nameTokens, type Token } from './normalise-text.js';

interface PhraseNode<Target> {
  readonly next: Map<string, PhraseNode<Target>>;
  readonly targets: Target[];
}

export interface PhraseMatch<Target> {
  /** Index of the first and one past the last token of the phrase. */
  readonly start: number;
  readonly end: number;
  readonly targets: readonly Target[];
}

/**
 * A word trie over phrases ("hazel grove", "ashton under lyne"). Scanning a post is one pass over
 * its tokens with map lookups, so the cost per post does not grow with the number of phrases, and
 * the longest phrase at a position wins: "Cheadle Hulme" over "Cheadle", "Hyde Park" over "Hyde".
 */
export class PhraseIndex<Target> {
  private readonly root: PhraseNode<Target> = { next: new Map(), targets: [] };

  add(phrase: string, target: Target): void {
    const keys = nameTokens(phrase).tokens.map((token) => token.key);
    if (keys.length === 0) return;
    let node = this.root;
    for (const key of keys) {
      let child = node.next.get(key);
      if (child === undefined) {
        child = { next: new Map(), targets: [] };
        node.next.set(key, child);
      }
      node = child;
    }
    node.targets.push(target);
  }

  /** Leftmost-longest, non-overlapping matches; no phrase spans a break. */
  scan(tokens: readonly Token[]): PhraseMatch<Target>[] {
    const matches: PhraseMatch<Target>[] = [];
    let start = 0;
    while (start < tokens.length) {
      let node = this.root.next.get(tokens[start]?.key ?? '');
      let end = start + 1;
      let longest: PhraseMatch<Target> | undefined;
      while (node !== undefined) {
        if (node.targets.length > 0) longest = { start, end, targets: node.targets };
        const following = tokens[end];
        if (following === undefined || following.breakBefore) break;
        node = node.next.get(following.key);
        end += 1;
      }
      if (longest === undefined) {
        start += 1;
      } else {
        matches.push(longest);
        start = longest.end;
      }
    }
    return matches;
  }
}
