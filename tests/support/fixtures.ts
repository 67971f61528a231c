import type { CampaignConfig } from '../../src/config/campaign-schema.js';
import { parseCampaignFile } from '../../src/config/load.js';
import type { AuthorRecord, PostRecord } from '../../src/domain/post.js';

/** A small campaign config, parsed through the real schema. */
export function campaignConfig(yamlSources = `
      - { slug: rsahealth-x, kind: x-search, query: "#RSAhealth", every: 15m }
      - { slug: hsm-blog, kind: wordpress, url: "https://blog.example.org", every: 1h }`): CampaignConfig[] {
  return parseCampaignFile(
    `
campaigns:
  - slug: hsm
    name: Health as a Social Movement
    localities:
      - { slug: stockport, name: Stockport, hashtags: [Stockport], places: [Marple] }
      - { slug: oldham, name: Oldham, hashtags: [Oldham] }
    launches:
      - { slug: primer, title: "The primer", at: 2026-11-20T10:00:00Z }
    sources:${yamlSources}
`,
    'fixture.yaml',
  ).campaigns;
}

export function xPost(id: number, overrides: Partial<PostRecord> = {}): PostRecord {
  return {
    platform: 'x',
    externalId: String(1_800_000_000_000_000_000n + BigInt(id)),
    kind: 'post',
    authorExternalId: `u${id % 7}`,
    createdAt: new Date(Date.UTC(2026, 10, 20, 10, 0, id % 60)),
    text: `Post ${id} about #RSAhealth`,
    metrics: { likes: id % 5, reposts: 0, replies: 0, quotes: 0 },
    raw: { id: String(id) },
    ...overrides,
  };
}

export function xAuthor(n: number): AuthorRecord {
  return { platform: 'x', externalId: `u${n}`, handle: `user${n}`, name: `User ${n}`, followersCount: 100 + n };
}

export const authorsFor = (posts: PostRecord[]) => [...new Set(posts.map((p) => p.authorExternalId!))].map((id) => xAuthor(Number(id.slice(1))));
