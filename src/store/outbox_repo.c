#include "store/outbox_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/trace.h"
#include "store/db_internal.h"

static const struct db_stmt insert_stmt = {
	"outbox_insert",
	"INSERT INTO outbox (event_id, event_type, topic, partition_key, payload, traceparent, tracestate) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7)",
	7, false,
};

/* A row is publishable when its back-off has passed and no older row of the
 * same (topic, partition_key) is still waiting. */
static const struct db_stmt claim_stmt = {
	"outbox_claim",
	"SELECT id, event_id, event_type, topic, partition_key, payload, attempts, "
	"traceparent, tracestate FROM outbox o "
	"WHERE next_attempt_at <= now() "
	"AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.topic = o.topic "
	"AND p.partition_key = o.partition_key AND p.id < o.id) "
	"ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
	1, false,
};

static const struct db_stmt delete_stmt = {
	"outbox_delete",
	"DELETE FROM outbox WHERE id = ANY($1::bigint[])",
	1, false,
};

static const struct db_stmt defer_stmt = {
	"outbox_defer",
	"UPDATE outbox SET attempts = attempts + 1, last_error = left($2, 500), "
	"next_attempt_at = now() + least(interval '5 s', interval '100 ms' * power(2, least(attempts, 10))) "
	"WHERE id = ANY($1::bigint[])",
	2, false,
};

static const struct db_stmt backlog_stmt = {
	"outbox_backlog",
	"SELECT count(*), coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0) FROM outbox",
	0, true,
};

/* The oldest row by id (the primary key: one index probe, whatever the backlog). */
static const struct db_stmt oldest_stmt = {
	"outbox_oldest_age",
	"SELECT greatest((extract(epoch FROM clock_timestamp() - created_at) * 1000)::bigint, 0) "
	"FROM outbox ORDER BY id LIMIT 1",
	0, true,
};

int outbox_repo_insert(const char *event_id, const char *event_type, const char *topic,
		  const char *partition_key, const char *payload, struct err *e)
{
	const char *params[] = { event_id, event_type, topic, partition_key, payload,
				 trace_parent(), trace_state() };
	PGresult *r;
	int rc = db__exec(&insert_stmt, params, &r, e);
	if (rc == 0)
		PQclear(r);
	return rc;
}

int outbox_repo_claim(int limit, struct outbox_row **rows, size_t *n, struct err *e)
{
	char lim[16];
	snprintf(lim, sizeof(lim), "%d", limit);
	const char *params[] = { lim };
	PGresult *r;
	int rc = db__exec(&claim_stmt, params, &r, e);
	if (rc)
		return rc;
	size_t count = (size_t)PQntuples(r);
	struct outbox_row *out = xcalloc(count ? count : 1, sizeof(*out));
	for (size_t i = 0; i < count; i++) {
		out[i].id = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
		snprintf(out[i].event_id, sizeof(out[i].event_id), "%s", PQgetvalue(r, (int)i, 1));
		out[i].event_type = xstrdup(PQgetvalue(r, (int)i, 2));
		out[i].topic = xstrdup(PQgetvalue(r, (int)i, 3));
		out[i].partition_key = xstrdup(PQgetvalue(r, (int)i, 4));
		out[i].payload = xstrdup(PQgetvalue(r, (int)i, 5));
		out[i].attempts = atoi(PQgetvalue(r, (int)i, 6));
		snprintf(out[i].traceparent, sizeof(out[i].traceparent), "%s", PQgetvalue(r, (int)i, 7));
		out[i].tracestate = PQgetisnull(r, (int)i, 8) ? NULL : xstrdup(PQgetvalue(r, (int)i, 8));
	}
	PQclear(r);
	*rows = out;
	*n = count;
	return 0;
}

void outbox_repo_rows_free(struct outbox_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].event_type);
		free(rows[i].topic);
		free(rows[i].partition_key);
		free(rows[i].payload);
		free(rows[i].tracestate);
	}
	free(rows);
}

/* "{1,2,3}": an array literal of integers (no user text, so no quoting). */
static char *id_array(const int64_t *ids, size_t n)
{
	size_t cap = 2 + n * 21, len = 0;
	char *s = xmalloc(cap + 1);
	s[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap + 1 - len, "%s%" PRId64, i ? "," : "", ids[i]);
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

static int exec_ids(const struct db_stmt *st, const int64_t *ids, size_t n, const char *extra,
		    struct err *e)
{
	if (n == 0)
		return 0;
	char *arr = id_array(ids, n);
	const char *params[] = { arr, extra };
	PGresult *r;
	int rc = db__exec(st, params, &r, e);
	if (rc == 0)
		PQclear(r);
	free(arr);
	return rc;
}

int outbox_repo_delete(const int64_t *ids, size_t n, struct err *e)
{
	return exec_ids(&delete_stmt, ids, n, NULL, e);
}

int outbox_repo_defer(const int64_t *ids, size_t n, const char *error, struct err *e)
{
	return exec_ids(&defer_stmt, ids, n, error ? error : "", e);
}

int outbox_repo_analyze(struct err *e)
{
	PGresult *r;
	int rc = db__exec_sql("ANALYZE outbox", 0, NULL, false, &r, e);
	if (rc == 0)
		PQclear(r);
	return rc;
}

int outbox_repo_backlog(int64_t *count, int64_t *oldest_age_ms, struct err *e)
{
	PGresult *r;
	int rc = db__exec(&backlog_stmt, NULL, &r, e);
	if (rc)
		return rc;
	*count = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	*oldest_age_ms = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	PQclear(r);
	return 0;
}

int outbox_repo_oldest_age(int64_t *age_ms, struct err *e)
{
	PGresult *r;
	int rc = db__exec(&oldest_stmt, NULL, &r, e);
	if (rc)
		return rc;
	*age_ms = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return 0;
}
