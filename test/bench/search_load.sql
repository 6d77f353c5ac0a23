-- Bulk load of the search benchmark (test/bench/bench_search.sh runs it with psql
-- against a freshly migrated, empty todod_bench database).
--
-- psql variables: word (the expression of one random word, see below), users, per_user,
-- heavy_tasks, seed. Users user0001..userNNNN get per_user tasks each, user "heavy"
-- gets heavy_tasks. Rows are inserted in creation order across all users (as a live
-- service would write them), so a user's tasks are spread over the whole table.
--
-- Per task: a title of 2-6 words and, for 65%, a description of 4-30 words, each word
-- drawn from the vocabulary with P(rank k) = ln((k+1)/k)/ln(N+1) (log-uniform ranks,
-- Zipf-like); priority High 20% / Medium 50% / Low 30%; 40% completed; a due date for
-- 70% (within 60 days either side of now); created over the last two years; 0-3 of the
-- user's 10 tags (work most common). The same seed gives the same data.
--
-- Indexes and foreign keys of tasks, tags and task_tags (whatever the migrations made)
-- are dropped during the load and rebuilt afterwards, then VACUUM ANALYZE.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET maintenance_work_mem = '1GB';
SET work_mem = '256MB';
SET synchronous_commit = off;

SELECT count(*) = 0 AS empty FROM tasks \gset
\if :empty
\else
\echo 'search_load.sql: tasks is not empty; load into a fresh database'
\quit
\endif

\echo '  phase: drop indexes and foreign keys'
CREATE TEMP TABLE saved_ddl AS
SELECT 1 AS step, format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop_ddl,
       format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS ddl
  FROM pg_constraint
 WHERE contype = 'f' AND conrelid IN ('tasks'::regclass, 'tags'::regclass, 'task_tags'::regclass)
UNION ALL
SELECT 2, format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
  FROM pg_index i
 WHERE i.indrelid IN ('tasks'::regclass, 'task_tags'::regclass)
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
SELECT drop_ddl FROM saved_ddl ORDER BY step \gexec

\echo '  phase: tasks'
SELECT setseed(:seed) \gset
-- :word is one random word: bench_search.sh passes
--   ('{w1,w2,...,wN}'::text[])[floor(exp(random() * ln(N + 1)))::int]
-- (rank floor((N+1)^u), u uniform in [0, 1)); a constant array keeps each draw cheap.

CREATE TEMP TABLE src AS
SELECT user_id, now() - random() * interval '730 days' AS created_at,
       random() AS r_title, random() AS r_desc, random() AS r_pri, random() AS r_done,
       random() AS r_due, random() AS r_due2, random() AS r_upd
  FROM (SELECT 'heavy'::text AS user_id FROM generate_series(1, :heavy_tasks)
        UNION ALL
        SELECT 'user' || lpad(u::text, 4, '0') FROM generate_series(1, :users) u, generate_series(1, :per_user)) s;

INSERT INTO tasks (user_id, title, description, completed, version, created_at, updated_at,
                   due_datetime, priority)
SELECT user_id,
       (SELECT initcap(left(t, 1)) || substr(t, 2)
          FROM (SELECT string_agg(:word, ' ') AS t
                  FROM generate_series(1, 2 + floor(r_title * 5)::int)) x),
       CASE WHEN r_desc < 0.65 THEN
            (SELECT string_agg(:word, ' ') FROM generate_series(1, 4 + floor(r_desc / 0.65 * 27)::int))
       END,
       r_done < 0.4,
       1 + floor(r_upd * 3)::int,
       created_at,
       created_at + r_upd * (now() - created_at) * 0.1,
       CASE WHEN r_due < 0.7 THEN now() + (r_due2 * 120 - 60) * interval '1 day' END,
       CASE WHEN r_pri < 0.2 THEN 'High' WHEN r_pri < 0.7 THEN 'Medium' ELSE 'Low' END
  FROM src
 ORDER BY created_at;

\echo '  phase: tags'
INSERT INTO tags (user_id, name, color, created_at)
SELECT u.user_id, g.name, g.color, now() - interval '730 days'
  FROM (SELECT DISTINCT user_id FROM src) u,
       (VALUES ('work', '#1f77b4'), ('home', '#ff7f0e'), ('errands', '#2ca02c'), ('health', '#d62728'),
               ('finance', '#9467bd'), ('family', '#8c564b'), ('urgent', '#e377c2'),
               ('someday', '#7f7f7f'), ('reading', '#bcbd22'), ('travel', '#17becf')) g(name, color);

-- k = 0..3 tags per task, names (s, s+3, s+6) mod 10 from a start s skewed towards 0 (work).
CREATE TEMP TABLE tag_pick AS
SELECT id, user_id, floor(random() * 4)::int AS k, floor(10 * random() ^ 2)::int AS s FROM tasks;
INSERT INTO task_tags (task_id, tag_id)
SELECT p.id, g.id
  FROM tag_pick p
  CROSS JOIN LATERAL generate_series(0, p.k - 1) j
  JOIN tags g ON g.user_id = p.user_id
             AND g.name = (ARRAY['work', 'home', 'errands', 'health', 'finance', 'family',
                                 'urgent', 'someday', 'reading', 'travel'])[1 + (p.s + j * 3) % 10];

\echo '  phase: rebuild indexes and foreign keys'
SELECT ddl FROM saved_ddl ORDER BY step DESC \gexec

\echo '  phase: vacuum analyze'
VACUUM (ANALYZE) tasks;
VACUUM (ANALYZE) tags;
VACUUM (ANALYZE) task_tags;

SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM tags) AS tags,
       (SELECT count(*) FROM task_tags) AS task_tags,
       pg_size_pretty(pg_database_size(current_database())) AS db_size;
