// External ids of site comments, one scheme for every adapter, so the same WordPress comment read
// through the REST API and through the site's comment feed is stored once.

/** Identifies a site: its host, plus its path when it lives in a folder ("example.org/blog"). */
export function siteKeyOf(site: URL): string {
  return `${site.host}${site.pathname.replace(/\/+$/, '')}`.toLowerCase();
}

export const commentExternalId = (siteKey: string, commentId: number): string => `${siteKey}/comment/${commentId}`;

/** Every comment on one blog post shares this thread id (the post's conversation). */
export const blogPostThreadId = (siteKey: string, postId: number): string => `${siteKey}/post/${postId}`;
