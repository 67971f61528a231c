import { describe, expect, it } from 'vitest';
import { normaliseFeed } from '../../../src/sources/feed/normalise.js';
import { parseCommentFeed } from '../../../src/sources/feed/parse.js';

const feedUrl = new URL('https://comments.example.org/feeds/comments/default');

describe('comment feeds from other platforms', () => {
  it('reads an Atom feed with tag: ids, author e-mails and a post-level in-reply-to, keyed by the feed’s site', () => {
    const xml = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
  <title type='text'>Stockport Health Stories</title>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-7001</id>
    <published>2026-11-21T10:15:00.000+00:00</published>
    <title type='text'>Brilliant launch</title>
    <content type='html'>&lt;p&gt;Brilliant launch in &lt;b&gt;Bramhall&lt;/b&gt;&lt;/p&gt;</content>
    <link rel='alternate' type='text/html' href='https://stories.example.org/2026/11/launch.html?showComment=1#c7001'/>
    <author><name>Sam</name><uri>https://sam.example/</uri><email>sam.private@example.net</email></author>
    <category scheme='http://www.blogger.com/atom/ns#' term='Stockport'/>
    <thr:in-reply-to ref='tag:blogger.com,1999:blog-42.post-99' href='https://stories.example.org/2026/11/launch.html' type='text/html'/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-7002</id>
    <updated>2026-11-21T11:00:00Z</updated>
    <content type='text'>Plain &lt;text&gt; &amp; more</content>
    <author><name>Jo</name></author>
  </entry>
</feed>`;
    const document = parseCommentFeed(xml, feedUrl.href);
    expect(document).toMatchObject({ format: 'atom', title: 'Stockport Health Stories' });
    const { posts, authors, dropped } = normaliseFeed(document, { feedUrl, siteLocality: null });
    expect(dropped).toEqual([]);
    expect(posts[0]).toMatchObject({
      externalId: 'comments.example.org/item/tag:blogger.com,1999:blog-42.post-7001',
      createdAt: new Date('2026-11-21T10:15:00Z'),
      text: 'Brilliant launch in Bramhall',
      html: '<p>Brilliant launch in <b>Bramhall</b></p>',
      parentExternalId: null,
      context: { postId: null, postUrl: 'https://stories.example.org/2026/11/launch.html', categories: ['Stockport'], siteLocality: null },
    });
    expect(posts[1]).toMatchObject({ text: 'Plain <text> & more', html: 'Plain &lt;text&gt; &amp; more', createdAt: new Date('2026-11-21T11:00:00Z') });
    expect(authors.map((a) => [a.name, a.url])).toEqual([
      ['Sam', 'https://sam.example/'],
      ['Jo', null],
    ]);
    expect(JSON.stringify({ posts, authors })).not.toContain('sam.private@example.net');
  });

  it('drops RSS items without an id or a readable date and keeps one post per GUID', () => {
    const xml = `<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Comments on: Walking in Oldham</title>
  <item><title>By: Ann</title><guid isPermaLink="false">urn:c:1</guid><pubDate>Sat, 21 Nov 2026 10:00:00 +0000</pubDate><dc:creator>Ann</dc:creator><description>First &amp;amp; best</description></item>
  <item><title>By: Ann</title><guid isPermaLink="false">urn:c:1</guid><pubDate>Sat, 21 Nov 2026 10:00:00 +0000</pubDate><dc:creator>Ann</dc:creator><description>First again</description></item>
  <item><title>By: Bea</title><pubDate>Sat, 21 Nov 2026 11:00:00 +0000</pubDate><description>No id at all</description></item>
  <item><title>By: Cy</title><guid>urn:c:3</guid><pubDate>someday</pubDate><description>Bad date</description></item>
  <item><title>By: Di</title><link>https://walks.example.org/oldham/#comment-4</link><pubDate>Sat, 21 Nov 2026 12:00:00 GMT</pubDate><dc:creator><![CDATA[Di]]></dc:creator><description><![CDATA[<p>Link as id</p>]]></description></item>
</channel></rss>`;
    const { posts, dropped } = normaliseFeed(parseCommentFeed(xml, feedUrl.href), { feedUrl, siteLocality: 'oldham' });
    expect(posts.map((p) => [p.externalId, p.text])).toEqual([
      ['comments.example.org/item/urn:c:1', 'First & best'],
      ['comments.example.org/item/https://walks.example.org/oldham/#comment-4', 'Link as id'],
    ]);
    expect(posts[0]!.context).toMatchObject({ postTitle: 'Walking in Oldham', siteLocality: 'oldham' });
    expect(dropped.map((d) => d.reason)).toEqual(['duplicate-guid', 'missing-guid', 'malformed-date']);
  });

  it('says what came instead of a feed', () => {
    expect(() => parseCommentFeed('<rss><channel><item></channel></rss>', 'https://x.example/feed')).toThrow(/FEED|not well-formed XML \(line 1/);
    expect(() => parseCommentFeed('<?xml version="1.0"?><urlset><url/></urlset>', 'https://x.example/feed')).toThrow(/an XML document whose root is <urlset>, not an RSS 2\.0 or Atom feed/);
  });
});
