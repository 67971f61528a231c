import type { PostKind } from '../post.js';
import type { AttributionInput, CommentContext, XPlace } from './attribution-types.js';

/** A post's fields as stored (or about to be), which attribution reads. */
export interface StoredPostFields {
  readonly kind: PostKind;
  readonly text: string | null | undefined;
  /** posts.place: what the X normaliser stores ({id, fullName, countryCode, placeType}). */
  readonly place: unknown;
  /** posts.context: where a comment sits. */
  readonly context: unknown;
  readonly authorLocation: string | null | undefined;
  /** The locality configured for the site or feed the post came through. */
  readonly siteLocality: string | null | undefined;
}

/**
 * What the matcher gets for a stored post. One function for every path that attributes (the
 * ingestion step, re-attribution walks), so a post is attributed alike whichever path reads it.
 * place and context were validated when collected; this only picks out the fields attribution
 * uses, and treats anything unexpected as absent rather than failing a batch.
 */
export function attributionInputOf(post: StoredPostFields): AttributionInput {
  return {
    text: post.text ?? '',
    authorLocation: post.authorLocation ?? null,
    place: readPlace(post.place),
    comment: post.kind === 'comment' ? readCommentContext(post.context) : null,
    siteLocality: post.siteLocality ?? null,
  };
}

function readPlace(value: unknown): XPlace | null {
  if (!isRecord(value) || typeof value.fullName !== 'string') return null;
  return {
    fullName: value.fullName,
    countryCode: typeof value.countryCode === 'string' ? value.countryCode : null,
    placeType: typeof value.placeType === 'string' ? value.placeType : null,
  };
}

/**
 * A comment's context as the site collectors store it ({postTitle, postUrl, categories, tags,
 * siteLocality}; `title` also read); a term may be a name or {name}. Its siteLocality is not read:
 * the sources' settings say the site's locality as configured now, which is what a re-attribution
 * after a config change must apply.
 */
function readCommentContext(value: unknown): CommentContext | null {
  if (!isRecord(value)) return null;
  const title = value.postTitle ?? value.title;
  return {
    postTitle: typeof title === 'string' ? title : null,
    categories: termNames(value.categories),
    tags: termNames(value.tags),
  };
}

function termNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((term: unknown) => (typeof term === 'string' ? [term] : isRecord(term) && typeof term.name === 'string' ? [term.name] : []));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
