-- Up Migration
-- The rows every ingested page writes (provenance, engagement snapshots, locality attributions)
-- point at posts, sources, campaigns and localities that are never deleted: posts become tombstones,
-- sources, campaigns and localities are disabled. So these foreign keys can never fire, while
-- checking them ran one lookup per row and key: about a fifth of the page's store step in the X
-- ingestion benchmark (docs/PERFORMANCE.md). As with posts.author_id (0006), the writers resolve
-- every id in the statement that writes it, and the links stay indexed. Code that one day deletes
-- posts, sources, campaigns or localities must delete these rows first, in the same transaction.
ALTER TABLE post_sources DROP CONSTRAINT post_sources_post_id_fkey;
ALTER TABLE post_sources DROP CONSTRAINT post_sources_source_id_fkey;
ALTER TABLE post_sources DROP CONSTRAINT post_sources_campaign_id_fkey;
ALTER TABLE engagement_snapshots DROP CONSTRAINT engagement_snapshots_post_id_fkey;
ALTER TABLE locality_attributions DROP CONSTRAINT locality_attributions_post_id_fkey;
ALTER TABLE locality_attributions DROP CONSTRAINT locality_attributions_locality_id_fkey;
ALTER TABLE locality_attributions DROP CONSTRAINT locality_attributions_campaign_id_fkey;
