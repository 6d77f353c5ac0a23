#include "store/feed_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "store/db_internal.h"

static const struct db_stmt next_stmt = {
	"feed_next_cursor",
	"INSERT INTO change_feed_heads AS h (user_id, seq) VALUES ($1, 1) "
	"ON CONFLICT (user_id) DO UPDATE SET seq = h.seq + 1 RETURNING seq",
	1, false,
};

static const struct db_stmt insert_stmt = {
	"feed_insert",
	"INSERT INTO change_feed (user_id, cursor, event_type, task_id, tags, occurred_at, payload) "
	"VALUES ($1, $2, $3, $4, ARRAY(SELECT json_array_elements_text($5::json)), $6, $7)",
	7, false,
};

static const struct db_stmt bounds_stmt = {
	"feed_bounds",
	"SELECT coalesce((SELECT seq FROM change_feed_heads WHERE user_id = $1), 0), "
	"coalesce((SELECT min(cursor) FROM change_feed WHERE user_id = $1), 0)",
	1, true,
};

static const struct db_stmt read_stmt = {
	"feed_read",
	"SELECT cursor, task_id, array_to_json(tags), payload FROM change_feed "
	"WHERE user_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3",
	3, true,
};

/* Age first (one index range), then count per user (joined to the head). */
static const struct db_stmt prune_stmt = {
	"feed_prune",
	"WITH old AS (SELECT f.user_id, f.cursor FROM change_feed f "
	"  LEFT JOIN change_feed_heads h ON h.user_id = f.user_id "
	"  WHERE ($1::bigint > 0 AND f.created_at < now() - make_interval(secs => $1::bigint)) "
	"     OR ($2::bigint > 0 AND f.cursor <= h.seq - $2::bigint) "
	"  LIMIT $3), "
	"gone AS (DELETE FROM change_feed f USING old "
	"  WHERE f.user_id = old.user_id AND f.cursor = old.cursor RETURNING 1) "
	"SELECT count(*) FROM gone",
	3, false,
};

static int exec_clear(const struct db_stmt *st, const char *const *params, struct err *e)
{
	PGresult *r;
	int rc = db__exec(st, params, &r, e);
	if (rc == 0)
		PQclear(r);
	return rc;
}

int feed_repo_next_cursor(const char *user_id, int64_t *cursor, struct err *e)
{
	const char *params[] = { user_id };
	PGresult *r;
	int rc = db__exec(&next_stmt, params, &r, e);
	if (rc)
		return rc;
	*cursor = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

int feed_repo_insert(const char *user_id, int64_t cursor, const char *event_type, int64_t task_id,
		     const char *tags_json, const char *occurred_at, const char *payload,
		     struct err *e)
{
	char c[24], t[24];
	snprintf(c, sizeof(c), "%" PRId64, cursor);
	snprintf(t, sizeof(t), "%" PRId64, task_id);
	const char *params[] = { user_id, c, event_type, t, tags_json ? tags_json : "[]", occurred_at,
				 payload };
	return exec_clear(&insert_stmt, params, e);
}

int feed_repo_bounds(const char *user_id, int64_t *head, int64_t *oldest, struct err *e)
{
	const char *params[] = { user_id };
	PGresult *r;
	int rc = db__exec(&bounds_stmt, params, &r, e);
	if (rc)
		return rc;
	*head = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	*oldest = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	return 0;
}

int feed_repo_read(const char *user_id, int64_t after, int limit, struct feed_row **rows, size_t *n,
		   struct err *e)
{
	char a[24], l[16];
	snprintf(a, sizeof(a), "%" PRId64, after);
	snprintf(l, sizeof(l), "%d", limit);
	const char *params[] = { user_id, a, l };
	PGresult *r;
	int rc = db__exec(&read_stmt, params, &r, e);
	if (rc)
		return rc;
	size_t count = (size_t)PQntuples(r);
	struct feed_row *out = xcalloc(count ? count : 1, sizeof(*out));
	for (size_t i = 0; i < count; i++) {
		out[i].cursor = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
		out[i].task_id = strtoll(PQgetvalue(r, (int)i, 1), NULL, 10);
		out[i].tags_json = xstrdup(PQgetvalue(r, (int)i, 2));
		out[i].payload = xstrdup(PQgetvalue(r, (int)i, 3));
	}
	PQclear(r);
	*rows = out;
	*n = count;
	return 0;
}

void feed_repo_rows_free(struct feed_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].tags_json);
		free(rows[i].payload);
	}
	free(rows);
}

int feed_repo_prune(int64_t max_age_s, int64_t keep, int limit, int64_t *deleted, struct err *e)
{
	char a[24], k[24], l[16];
	snprintf(a, sizeof(a), "%" PRId64, max_age_s);
	snprintf(k, sizeof(k), "%" PRId64, keep);
	snprintf(l, sizeof(l), "%d", limit);
	const char *params[] = { a, k, l };
	PGresult *r;
	int rc = db__exec(&prune_stmt, params, &r, e);
	if (rc)
		return rc;
	*deleted = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}
