-- Back to the global search indexes of 0003.
CREATE INDEX tasks_search_idx ON tasks USING gin (search_vector);
CREATE INDEX tasks_title_trgm_idx ON tasks USING gin (title gin_trgm_ops);
CREATE INDEX tasks_description_trgm_idx ON tasks USING gin (description gin_trgm_ops);
DROP INDEX tasks_user_search_idx;
DROP INDEX tasks_user_title_trgm_idx;
DROP INDEX tasks_user_description_trgm_idx;
DROP EXTENSION IF EXISTS btree_gin;
