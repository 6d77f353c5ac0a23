#include "store/activity_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "store/db_internal.h"

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

static const struct db_stmt insert_stmt = {
	"activity_insert",
	"INSERT INTO activity_logs (event_id, user_id, task_id, action, task_version, actor_type, "
	"actor_id, changes, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) "
	"ON CONFLICT (event_id) DO NOTHING RETURNING id",
	9, false,
};

static const struct db_stmt list_stmt = {
	"activity_list",
	"SELECT id, event_id, user_id, task_id, action, task_version, actor_type, actor_id, "
	"changes::text, " TS("occurred_at") ", " TS("recorded_at") ", "
	"(extract(epoch FROM occurred_at) * 1000000)::bigint FROM activity_logs "
	"WHERE user_id = $1 AND ($2::bigint IS NULL OR task_id = $2::bigint) "
	"AND ($3::bigint IS NULL OR (occurred_at, id) < "
	"('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::bigint)) "
	"ORDER BY occurred_at DESC, id DESC LIMIT $5",
	5, true,
};

static const struct db_stmt dead_insert_stmt = {
	"dead_letter_insert",
	"INSERT INTO dead_letters (topic, event_id, payload) VALUES ($1, $2, $3::bytea) "
	"ON CONFLICT (topic, event_id) DO NOTHING",
	3, false,
};

static const struct db_stmt dead_exists_stmt = {
	"dead_letter_exists",
	"SELECT 1 FROM dead_letters WHERE topic = $1 AND event_id = $2",
	2, true,
};

int activity_insert(const struct activity_entry *a, bool *inserted, int64_t *id, struct err *e)
{
	char task_id[24], version[24];
	snprintf(task_id, sizeof(task_id), "%" PRId64, a->task_id);
	snprintf(version, sizeof(version), "%" PRId64, a->task_version);
	const char *params[] = { a->event_id, a->user_id, task_id, a->action, version,
				 a->actor_type, a->actor_id, a->changes_json, a->occurred_at };
	PGresult *r;
	int rc = db__exec(&insert_stmt, params, &r, e);
	if (rc)
		return rc;
	*inserted = PQntuples(r) == 1;
	if (*inserted)
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

int activity_list(const char *user_id, int64_t task_id, const struct activity_key *before,
		  int limit, struct activity_entry **out, size_t *n, struct err *e)
{
	char tbuf[24], ubuf[24], bbuf[24], lbuf[16];
	snprintf(tbuf, sizeof(tbuf), "%" PRId64, task_id);
	snprintf(ubuf, sizeof(ubuf), "%" PRId64, before ? before->occurred_us : 0);
	snprintf(bbuf, sizeof(bbuf), "%" PRId64, before ? before->id : 0);
	snprintf(lbuf, sizeof(lbuf), "%d", limit);
	const char *params[] = { user_id, task_id ? tbuf : NULL, before ? ubuf : NULL,
				 before ? bbuf : NULL, lbuf };
	PGresult *r;
	int rc = db__exec(&list_stmt, params, &r, e);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(r);
	struct activity_entry *a = xcalloc(rows ? rows : 1, sizeof(*a));
	for (size_t i = 0; i < rows; i++) {
		int row = (int)i;
		a[i].id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
		snprintf(a[i].event_id, sizeof(a[i].event_id), "%s", PQgetvalue(r, row, 1));
		snprintf(a[i].user_id, sizeof(a[i].user_id), "%s", PQgetvalue(r, row, 2));
		a[i].task_id = strtoll(PQgetvalue(r, row, 3), NULL, 10);
		snprintf(a[i].action, sizeof(a[i].action), "%s", PQgetvalue(r, row, 4));
		a[i].task_version = strtoll(PQgetvalue(r, row, 5), NULL, 10);
		snprintf(a[i].actor_type, sizeof(a[i].actor_type), "%s", PQgetvalue(r, row, 6));
		snprintf(a[i].actor_id, sizeof(a[i].actor_id), "%s", PQgetvalue(r, row, 7));
		a[i].changes_json = xstrdup(PQgetvalue(r, row, 8));
		snprintf(a[i].occurred_at, sizeof(a[i].occurred_at), "%s", PQgetvalue(r, row, 9));
		snprintf(a[i].recorded_at, sizeof(a[i].recorded_at), "%s", PQgetvalue(r, row, 10));
		a[i].key.occurred_us = strtoll(PQgetvalue(r, row, 11), NULL, 10);
		a[i].key.id = a[i].id;
	}
	PQclear(r);
	*out = a;
	*n = rows;
	return 0;
}

void activity_entries_free(struct activity_entry *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].changes_json);
	free(a);
}

int dead_letter_insert(const char *topic, const char *event_id, const uint8_t *payload,
		       size_t len, struct err *e)
{
	/* bytea in hex text form: no escaping questions for arbitrary bytes. */
	char *hex = xmalloc(3 + 2 * len);
	hex[0] = '\\';
	hex[1] = 'x';
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02x", payload[i]);
	hex[2 + 2 * len] = '\0';
	const char *params[] = { topic, event_id, hex };
	PGresult *r;
	int rc = db__exec(&dead_insert_stmt, params, &r, e);
	if (rc == 0)
		PQclear(r);
	free(hex);
	return rc;
}

int dead_letter_exists(const char *topic, const char *event_id, bool *exists, struct err *e)
{
	const char *params[] = { topic, event_id };
	PGresult *r;
	int rc = db__exec(&dead_exists_stmt, params, &r, e);
	if (rc)
		return rc;
	*exists = PQntuples(r) > 0;
	PQclear(r);
	return 0;
}
