import { xmlEscape } from './feeds.js';
import type { SiteLinks } from './links.js';
import type { FakePost, SiteInfo } from './types.js';

// The few HTML pages a site serves around its API: enough for discovery (the <link> tags in <head>)
// and for the error pages clients must recognise as "not what I asked for".

function head(site: SiteInfo, links: SiteLinks, title: string, extra = ''): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="UTF-8" />',
    `<title>${xmlEscape(title)}</title>`,
    `<link rel="alternate" type="application/rss+xml" title="${xmlEscape(site.name)} &raquo; Comments Feed" href="${xmlEscape(links.commentsFeed('rss2'))}" />`,
    `<link rel="https://api.w.org/" href="${xmlEscape(links.apiRoot())}" />`,
    extra,
    '<meta name="generator" content="WordPress 6.8" />',
    '</head>',
  ].join('\n');
}

export function homePage(site: SiteInfo, links: SiteLinks, posts: FakePost[]): string {
  const list = posts.map((p) => `<li><a href="${xmlEscape(links.post(p))}">${xmlEscape(p.title)}</a></li>`).join('\n');
  return `${head(site, links, site.name)}\n<body class="home blog">\n<h1>${xmlEscape(site.name)}</h1>\n<p>${xmlEscape(site.description)}</p>\n<ul>\n${list}\n</ul>\n</body>\n</html>\n`;
}

export function postPage(site: SiteInfo, links: SiteLinks, post: FakePost, restUrl: string): string {
  const extra = `<link rel="alternate" title="JSON" type="application/json" href="${xmlEscape(restUrl)}" />`;
  return `${head(site, links, `${post.title} – ${site.name}`, extra)}\n<body class="post-template-default single single-post postid-${post.id}">\n<article><h1>${xmlEscape(post.title)}</h1>\n${post.contentHtml}</article>\n</body>\n</html>\n`;
}

export function notFoundPage(site: SiteInfo, links: SiteLinks): string {
  return `${head(site, links, `Page not found – ${site.name}`)}\n<body class="error404">\n<h1>Oops! That page can’t be found.</h1>\n</body>\n</html>\n`;
}

/** The kind of page a host or caching plugin serves with status 200 when PHP falls over. */
export function errorPage(): string {
  return '<!DOCTYPE html>\n<html><head><title>WordPress &rsaquo; Error</title></head>\n<body id="error-page"><div class="wp-die-message"><p>There has been a critical error on this website.</p></div></body></html>\n';
}

/** WordPress's maintenance-mode page (served with 503 and Retry-After while updating). */
export function maintenancePage(): string {
  return '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Maintenance</title></head>\n<body><h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1></body></html>\n';
}

export function plainStatusPage(status: number, text: string): string {
  return `<!DOCTYPE html>\n<html><head><title>${status} ${xmlEscape(text)}</title></head><body><h1>${xmlEscape(text)}</h1></body></html>\n`;
}
