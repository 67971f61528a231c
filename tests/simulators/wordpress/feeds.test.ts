import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWordPress, type FakeWordPress, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import { smallDataset, xmlProblems } from './helpers.js';

function items(xml: string, tag: 'item' | 'entry'): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] as string);
}

describe('fake WordPress comment feeds', () => {
  let dataset: WordPressDataset;
  let wp: FakeWordPress;

  beforeAll(async () => {
    dataset = smallDataset(5);
    wp = await startFakeWordPress({ dataset, feedSize: 15 });
  });
  afterAll(async () => {
    await wp.close();
  });

  it('renders the RSS 2.0 comments feed as WordPress does: dc:creator, non-permalink guid, pubDate, description and content:encoded', async () => {
    const response = await fetch(`${wp.url}/comments/feed/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=UTF-8');
    const xml = await response.text();
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><rss version="2.0"/);
    expect(xml).toContain(`<atom:link href="${wp.url}/comments/feed/" rel="self" type="application/rss+xml" />`);

    const entries = items(xml, 'item');
    expect(entries).toHaveLength(15);
    const newest = [...dataset.comments]
      .filter((c) => c.status === 'approved')
      .sort((a, b) => b.dateGmt.getTime() - a.dateGmt.getTime() || b.id - a.id)[0] as (typeof dataset.comments)[number];
    const first = entries[0] as string;
    expect(first).toContain(`<guid isPermaLink="false">${wp.url}/?p=${newest.postId}#comment-${newest.id}</guid>`);
    expect(first).toMatch(/<title>Comment on .+ by .+<\/title>/);
    expect(first).toMatch(/<dc:creator><!\[CDATA\[.+\]\]><\/dc:creator>/);
    expect(first).toMatch(/<pubDate>\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000<\/pubDate>/);
    expect(first).toContain('<description><![CDATA[');
    expect(first).toContain('<content:encoded><![CDATA[<p>');
    expect(first).toMatch(/<link>http:\/\/127\.0\.0\.1:\d+\/[a-z0-9-]+\/#comment-\d+<\/link>/);
  });

  it('lists only approved comments in the feed', async () => {
    const xml = await (await fetch(`${wp.url}/comments/feed/`)).text();
    const ids = [...xml.matchAll(/#comment-(\d+)<\/guid>/g)].map((m) => Number(m[1]));
    const status = new Map(dataset.comments.map((c) => [c.id, c.status]));
    expect(ids.every((id) => status.get(id) === 'approved')).toBe(true);
  });

  it('renders the Atom comments feed with ids, dates, authors, HTML content and thr:in-reply-to for replies', async () => {
    const response = await fetch(`${wp.url}/comments/feed/atom/`);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=UTF-8');
    const xml = await response.text();
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('xmlns:thr="http://purl.org/syndication/thread/1.0"');
    for (const entry of items(xml, 'entry')) {
      expect(entry).toMatch(/<id>http:\/\/127\.0\.0\.1:\d+\/\?p=\d+#comment-\d+<\/id>/);
      expect(entry).toMatch(/<published>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/published>/);
      expect(entry).toMatch(/<updated>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/updated>/);
      expect(entry).toMatch(/<author>\s*<name>.+<\/name>/);
      expect(entry).toContain('<content type="html" xml:base="');
      expect(entry).toContain('<thr:in-reply-to ref="');
    }

    const post = dataset.posts.find((p) => p.status === 'publish') as (typeof dataset.posts)[number];
    const parent = wp.addComment({ postId: post.id, authorName: 'Parent', authorUrl: 'https://parent.example.org/', contentHtml: '<p>First</p>', dateGmt: new Date('2026-07-16T10:00:00Z') });
    const child = wp.addComment({ postId: post.id, parentId: parent.id, authorName: 'Child', contentHtml: '<p>Reply</p>', dateGmt: new Date('2026-07-16T11:00:00Z') });
    const updated = await (await fetch(`${wp.url}/comments/feed/atom/`)).text();
    const [childEntry, parentEntry] = items(updated, 'entry');
    expect(childEntry).toContain(`<id>${wp.url}/?p=${post.id}#comment-${child.id}</id>`);
    expect(childEntry).toContain(`<thr:in-reply-to ref="${wp.url}/?p=${post.id}#comment-${parent.id}" href="${wp.url}/${post.slug}/#comment-${parent.id}" type="text/html" />`);
    expect(parentEntry).toContain('<uri>https://parent.example.org/</uri>');
    expect(parentEntry).toContain(`<thr:in-reply-to ref="${wp.url}/?p=${post.id}" href="${wp.url}/${post.slug}/" type="text/html" />`);
    wp.deleteComment(child.id);
    wp.deleteComment(parent.id);
  });

  it('keeps hostile markup and stray CDATA terminators inside a well-formed document', async () => {
    const post = dataset.posts.find((p) => p.status === 'publish') as (typeof dataset.posts)[number];
    const hostile = wp.addComment({
      postId: post.id,
      authorName: 'Mallory <b>&',
      contentHtml: '<p>]]><script>alert(1)</script><img src=x onerror="alert(2)"> & 💚</p>',
      dateGmt: new Date('2026-07-17T00:00:00Z'),
    });
    for (const path of ['/comments/feed/', '/comments/feed/atom/']) {
      const xml = await (await fetch(`${wp.url}${path}`)).text();
      expect(xmlProblems(xml)).toEqual([]);
      expect(xml).toContain('<script>alert(1)</script>');
    }
    wp.deleteComment(hostile.id);
  });

  it('answers conditional requests with 304 using ETag or Last-Modified, and 200 once a newer comment arrives', async () => {
    const first = await fetch(`${wp.url}/comments/feed/`);
    await first.text();
    const etag = first.headers.get('etag') as string;
    const lastModified = first.headers.get('last-modified') as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);

    const byEtag = await fetch(`${wp.url}/comments/feed/`, { headers: { 'If-None-Match': etag } });
    expect(byEtag.status).toBe(304);
    expect(await byEtag.text()).toBe('');
    const byDate = await fetch(`${wp.url}/comments/feed/atom/`, { headers: { 'If-Modified-Since': lastModified } });
    expect(byDate.status).toBe(304);
    // Both sent: both must match.
    const mixed = await fetch(`${wp.url}/comments/feed/`, { headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': lastModified } });
    expect(mixed.status).toBe(200);
    await mixed.text();

    const post = dataset.posts.find((p) => p.status === 'publish') as (typeof dataset.posts)[number];
    const added = wp.addComment({ postId: post.id, authorName: 'Latecomer', contentHtml: '<p>New!</p>', dateGmt: new Date('2026-07-18T00:00:00Z') });
    const changed = await fetch(`${wp.url}/comments/feed/`, { headers: { 'If-None-Match': etag, 'If-Modified-Since': lastModified } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain(`#comment-${added.id}</guid>`);
    wp.deleteComment(added.id);
  });

  it('serves a post’s own comment feed', async () => {
    const counts = new Map<number, number>();
    for (const c of dataset.comments) if (c.status === 'approved') counts.set(c.postId, (counts.get(c.postId) ?? 0) + 1);
    const post = dataset.posts.find((p) => p.status === 'publish' && (counts.get(p.id) ?? 0) > 0) as (typeof dataset.posts)[number];
    const xml = await (await fetch(`${wp.url}/${post.slug}/feed/`)).text();
    expect(xml).toContain(`<title>Comments on: ${post.title.replace(/&/g, '&amp;')}</title>`);
    const guids = [...xml.matchAll(/\?p=(\d+)#comment-\d+<\/guid>/g)].map((m) => Number(m[1]));
    expect(guids.length).toBe(Math.min(15, counts.get(post.id) ?? 0));
    expect(guids.every((id) => id === post.id)).toBe(true);
  });
});

describe('fake WordPress feeds with plain permalinks', () => {
  it('serves the comment feeds at ?feed=comments-rss2 and ?feed=comments-atom', async () => {
    const wp = await startFakeWordPress({ dataset: smallDataset(), permalinks: 'plain' });
    try {
      const rss = await fetch(`${wp.url}/?feed=comments-rss2`);
      expect(rss.status).toBe(200);
      const xml = await rss.text();
      expect(xml).toContain(`<atom:link href="${wp.url}/?feed=comments-rss2" rel="self"`);
      expect(xml).toMatch(/<link>http:\/\/127\.0\.0\.1:\d+\/\?p=\d+#comment-\d+<\/link>/);
      const atom = await fetch(`${wp.url}/?feed=comments-atom`);
      expect(atom.headers.get('content-type')).toContain('application/atom+xml');
      expect((await fetch(`${wp.url}/comments/feed/`)).status).toBe(404);
    } finally {
      await wp.close();
    }
  });
});
