-- Up Migration
-- posts.author_id is written only by the batch upsert, which resolves it from the authors upserted in
-- the same transaction, and authors are never deleted; so the foreign key could never fire, while
-- checking it cost a row lock on authors for every post written (a quarter of the upsert's time in the
-- X ingestion benchmark). The link stays indexed (posts_author).
ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey;
