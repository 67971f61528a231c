import sanitizeHtml from 'sanitize-html';

// Comment HTML comes from strangers. What survives is WordPress's own comment allowlist
// ($allowedtags, plus the paragraphs and line breaks wpautop adds, and lists): no scripts, no event
// handlers, no styles, no images or frames, and links only to http(s) addresses, marked nofollow.

const COMMENT_HTML: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'a', 'abbr', 'acronym', 'b', 'blockquote', 'cite', 'code', 'del', 'em', 'i', 'q', 's', 'strike', 'strong', 'ul', 'ol', 'li', 'pre'],
  allowedAttributes: { a: ['href', 'title', 'rel'], abbr: ['title'], acronym: ['title'], blockquote: ['cite'], q: ['cite'], del: ['datetime'] },
  allowedSchemes: ['http', 'https'],
  allowedSchemesAppliedToAttributes: ['href', 'cite'],
  allowProtocolRelative: false,
  // The text inside these is code or chrome, never the commenter's words: dropped with the tag.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'svg', 'math', 'template', 'object', 'embed', 'noembed', 'noframes', 'xmp', 'select', 'title', 'head'],
  // Runs before the attribute filter and overwrites any rel the commenter wrote.
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener noreferrer' }) },
  allowedStyles: {},
};

const TEXT_ONLY: sanitizeHtml.IOptions = { allowedTags: [], allowedAttributes: {}, nonTextTags: COMMENT_HTML.nonTextTags ?? [] };

export interface SanitisedComment {
  /** Safe to render as HTML. */
  html: string;
  /** The words alone, with paragraphs and line breaks kept as newlines. */
  text: string;
}

export function sanitiseCommentHtml(untrusted: string): SanitisedComment {
  const html = sanitizeHtml(untrusted, COMMENT_HTML).trim();
  return { html, text: sanitisedHtmlToText(html) };
}

/** Plain text from an untrusted HTML fragment (a post title, a term name): tags dropped, entities decoded. */
export function htmlToPlainText(untrusted: string): string {
  return collapseWhitespace(unescapeSanitised(sanitizeHtml(untrusted, TEXT_ONLY)));
}

/**
 * sanitize-html's output is well-formed: every `<` left in it opens a tag and text escapes only
 * `&`, `<` and `>` (attributes also `"`), so tags can be stripped and entities undone exactly.
 */
function sanitisedHtmlToText(html: string): string {
  const lines = html
    .replace(/\s+/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|blockquote|pre|ul|ol)>/gi, '\n\n')
    .replace(/<\/li>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return unescapeSanitised(lines)
    .split('\n')
    .map(collapseWhitespace)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function unescapeSanitised(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}
