import { z } from 'zod';

// The parts of WordPress REST (wp/v2) payloads Groundswell reads, validated at the edge. A response
// whose envelope is wrong is rejected whole (nothing stored, cursor untouched); one comment that
// does not fit is dropped with a counted reason and the rest of the page is kept.

const wpId = z.number().int().nonnegative();
/** WordPress prints `date_gmt` without an offset ("2026-06-10T09:00:00"); it is UTC. */
const gmtDateTime = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}Z`)), { error: 'is not a date-time like 2026-06-10T09:00:00' });

export const commentSchema = z
  .object({
    id: z.number().int().positive(),
    post: wpId,
    parent: wpId.default(0),
    author: wpId.optional(),
    author_name: z.string().default(''),
    author_url: z.string().default(''),
    date_gmt: gmtDateTime,
    content: z.object({ rendered: z.string() }),
    link: z.string().optional(),
    type: z.string().optional(),
  })
  .loose();

export const blogPostSchema = z
  .object({
    id: wpId,
    link: z.string().optional(),
    title: z.object({ rendered: z.string() }).optional(),
    categories: z.array(wpId).default([]),
    tags: z.array(wpId).default([]),
  })
  .loose();

export const termSchema = z.object({ id: wpId, name: z.string() }).loose();

/** WordPress's error body: `{ code, message, data: { status } }`. */
export const wpErrorSchema = z.object({ code: z.string(), message: z.string().optional() }).loose();

export const listSchema = z.array(z.unknown());

export type WpComment = z.output<typeof commentSchema>;
export type WpBlogPost = z.output<typeof blogPostSchema>;
export type WpTerm = z.output<typeof termSchema>;

/** Fields asked for with `_fields`, so each page carries only what is stored. */
export const COMMENT_FIELDS = ['id', 'post', 'parent', 'author', 'author_name', 'author_url', 'date_gmt', 'content', 'link', 'type'] as const;
export const BLOG_POST_FIELDS = ['id', 'link', 'title', 'categories', 'tags'] as const;
export const TERM_FIELDS = ['id', 'name'] as const;
