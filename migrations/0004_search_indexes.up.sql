-- Search indexes scoped to the user. Every task query has user_id = $1, but
-- the full-text and trigram GIN indexes of 0003 are global: searching one
-- user's tasks read every user's posting lists for the word (at 1.1M tasks a
-- common word has ~94k full-text and ~95k lossy trigram hits) and then kept
-- that user's few. With user_id as the first column of each GIN index
-- (btree_gin, a trusted extension) the scan stays inside the user's entries.
-- test/bench/bench_search.sh, a 1k-task user searching a common word through
-- daprd: p50 31 -> 10 ms, p95 41 -> 16 ms; the 100k-task user's rare word
-- p50 16 -> 8 ms. The global indexes then serve no query and only cost
-- writes, so they go.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX tasks_user_search_idx ON tasks USING gin (user_id, search_vector);
CREATE INDEX tasks_user_title_trgm_idx ON tasks USING gin (user_id, title gin_trgm_ops);
CREATE INDEX tasks_user_description_trgm_idx ON tasks USING gin (user_id, description gin_trgm_ops);
DROP INDEX tasks_search_idx;
DROP INDEX tasks_title_trgm_idx;
DROP INDEX tasks_description_trgm_idx;
