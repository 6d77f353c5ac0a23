#include "store/reminder_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "store/db_internal.h"

#define UTC(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define REMINDER_COLUMNS \
	"id, task_id, user_id, reminder_type, coalesce(offset_seconds, -1), " UTC("reminder_time") ", " \
	"status, late, version, " UTC("created_at") ", coalesce(" UTC("sent_at") ", '')"
#define SLOT_COLUMNS "id, version, " UTC("reminder_time")

static const struct db_stmt insert_stmt = {
	"reminder_insert",
	"INSERT INTO reminders (task_id, user_id, reminder_type, offset_seconds, reminder_time) "
	"VALUES ($1, $2, CASE WHEN $3::integer IS NULL THEN 'absolute' ELSE 'relative' END, $3::integer, "
	"CASE WHEN $3::integer IS NULL THEN $4::timestamptz "
	"ELSE $5::timestamptz - make_interval(secs => $3::integer) END) RETURNING " REMINDER_COLUMNS,
	5, false,
};

static const struct db_stmt cancel_task_stmt = {
	"reminder_cancel_task",
	"UPDATE reminders SET status = 'cancelled', cancelled_at = now(), version = version + 1 "
	"WHERE task_id = $1 AND status = 'pending' RETURNING " SLOT_COLUMNS,
	1, false,
};

static const struct db_stmt cancel_stmt = {
	"reminder_cancel",
	"UPDATE reminders SET status = 'cancelled', cancelled_at = now(), version = version + 1 "
	"WHERE user_id = $1 AND id = $2 AND status = 'pending' RETURNING " REMINDER_COLUMNS,
	2, false,
};

static const struct db_stmt exists_stmt = {
	"reminder_exists",
	"SELECT status FROM reminders WHERE user_id = $1 AND id = $2",
	2, true,
};

static const struct db_stmt follow_stmt = {
	"reminder_follow_due",
	"UPDATE reminders SET reminder_time = $2::timestamptz - make_interval(secs => offset_seconds), "
	"version = version + 1 WHERE task_id = $1 AND status = 'pending' AND reminder_type = 'relative' "
	"RETURNING " SLOT_COLUMNS,
	2, false,
};

static const struct db_stmt cancel_relative_stmt = {
	"reminder_cancel_relative",
	"UPDATE reminders SET status = 'cancelled', cancelled_at = now(), version = version + 1 "
	"WHERE task_id = $1 AND status = 'pending' AND reminder_type = 'relative' RETURNING " SLOT_COLUMNS,
	1, false,
};

static const struct db_stmt copy_stmt = {
	"reminder_copy_relative",
	"INSERT INTO reminders (task_id, user_id, reminder_type, offset_seconds, reminder_time) "
	"SELECT DISTINCT ON (offset_seconds) $2::bigint, user_id, 'relative', offset_seconds, "
	"$3::timestamptz - make_interval(secs => offset_seconds) FROM reminders "
	"WHERE task_id = $1 AND reminder_type = 'relative' AND status <> 'cancelled' "
	"ORDER BY offset_seconds, id RETURNING " SLOT_COLUMNS,
	3, false,
};

static const struct db_stmt list_stmt = {
	"reminder_list",
	"SELECT " REMINDER_COLUMNS " FROM reminders WHERE user_id = $1 "
	"AND ($2::text IS NULL OR status = $2::text) ORDER BY reminder_time DESC, id DESC LIMIT $3",
	3, true,
};

static const struct db_stmt fire_lock_stmt = {
	"reminder_fire_lock",
	"SELECT status, version FROM reminders WHERE id = $1 FOR UPDATE",
	1, false,
};

static const struct db_stmt fire_stmt = {
	"reminder_fire",
	"UPDATE reminders SET status = 'sent', sent_at = clock_timestamp(), late = $2::boolean "
	"WHERE id = $1 RETURNING " REMINDER_COLUMNS,
	2, false,
};

static const struct db_stmt overdue_stmt = {
	"reminder_overdue",
	"SELECT " SLOT_COLUMNS " FROM reminders WHERE status = 'pending' "
	"AND reminder_time < now() - make_interval(secs => $1::integer) ORDER BY reminder_time LIMIT $2",
	2, true,
};

static const struct db_stmt future_stmt = {
	"reminder_pending_future",
	"SELECT " SLOT_COLUMNS " FROM reminders WHERE status = 'pending' AND reminder_time >= now() "
	"ORDER BY reminder_time",
	0, true,
};

static void row_to_reminder(PGresult *r, int row, struct reminder *m)
{
	memset(m, 0, sizeof(*m));
	m->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
	m->task_id = strtoll(PQgetvalue(r, row, 1), NULL, 10);
	snprintf(m->user_id, sizeof(m->user_id), "%s", PQgetvalue(r, row, 2));
	snprintf(m->type, sizeof(m->type), "%s", PQgetvalue(r, row, 3));
	m->offset_seconds = atoi(PQgetvalue(r, row, 4));
	snprintf(m->reminder_time, sizeof(m->reminder_time), "%s", PQgetvalue(r, row, 5));
	snprintf(m->status, sizeof(m->status), "%s", PQgetvalue(r, row, 6));
	m->late = PQgetvalue(r, row, 7)[0] == 't';
	m->version = atoi(PQgetvalue(r, row, 8));
	snprintf(m->created_at, sizeof(m->created_at), "%s", PQgetvalue(r, row, 9));
	snprintf(m->sent_at, sizeof(m->sent_at), "%s", PQgetvalue(r, row, 10));
}

static int slots(const struct db_stmt *st, const char *const *params, struct reminder_slot **out,
		 size_t *n, struct err *e)
{
	PGresult *r;
	*out = NULL;
	*n = 0;
	int rc = db__exec(st, params, &r, e);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(r);
	struct reminder_slot *s = xcalloc(rows ? rows : 1, sizeof(*s));
	for (size_t i = 0; i < rows; i++) {
		s[i].id = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
		s[i].version = atoi(PQgetvalue(r, (int)i, 1));
		snprintf(s[i].reminder_time, sizeof(s[i].reminder_time), "%s", PQgetvalue(r, (int)i, 2));
	}
	PQclear(r);
	*out = s;
	*n = rows;
	return 0;
}

int reminder_repo_insert(const char *user_id, int64_t task_id, const char *remind_at, int offset_seconds,
		    const char *task_due, struct reminder *out, struct err *e)
{
	char tid[24], off[16];
	snprintf(tid, sizeof(tid), "%" PRId64, task_id);
	snprintf(off, sizeof(off), "%d", offset_seconds);
	const char *params[] = { tid, user_id, offset_seconds >= 0 ? off : NULL, remind_at,
				 task_due && *task_due ? task_due : NULL };
	PGresult *r;
	int rc = db__exec(&insert_stmt, params, &r, e);
	if (rc)
		return rc;
	row_to_reminder(r, 0, out);
	PQclear(r);
	return 0;
}

int reminder_repo_cancel_task(int64_t task_id, struct reminder_slot **out, size_t *n, struct err *e)
{
	char tid[24];
	snprintf(tid, sizeof(tid), "%" PRId64, task_id);
	const char *params[] = { tid };
	return slots(&cancel_task_stmt, params, out, n, e);
}

int reminder_repo_cancel(const char *user_id, int64_t id, struct reminder *out, struct err *e)
{
	char rid[24];
	snprintf(rid, sizeof(rid), "%" PRId64, id);
	const char *params[] = { user_id, rid };
	PGresult *r;
	int rc = db__exec(&cancel_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 1) {
		row_to_reminder(r, 0, out);
		PQclear(r);
		return 0;
	}
	PQclear(r);
	rc = db__exec(&exists_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = err_set(e, TODO_ENOTFOUND, "reminder_id", "reminder %" PRId64 " not found", id);
	else
		rc = err_set(e, TODO_ECONFLICT, "reminder_id", "reminder %" PRId64 " is already %s", id,
			     PQgetvalue(r, 0, 0));
	PQclear(r);
	return rc;
}

int reminder_repo_follow_due(int64_t task_id, const char *due, struct reminder_slot **moved, size_t *nmoved,
			struct reminder_slot **cancelled, size_t *ncancelled, struct err *e)
{
	char tid[24];
	snprintf(tid, sizeof(tid), "%" PRId64, task_id);
	*moved = *cancelled = NULL;
	*nmoved = *ncancelled = 0;
	if (!due) {
		const char *params[] = { tid };
		return slots(&cancel_relative_stmt, params, cancelled, ncancelled, e);
	}
	const char *params[] = { tid, due };
	return slots(&follow_stmt, params, moved, nmoved, e);
}

int reminder_repo_copy_relative(int64_t from_id, int64_t to_id, const char *due,
			   struct reminder_slot **out, size_t *n, struct err *e)
{
	char a[24], b[24];
	snprintf(a, sizeof(a), "%" PRId64, from_id);
	snprintf(b, sizeof(b), "%" PRId64, to_id);
	const char *params[] = { a, b, due };
	return slots(&copy_stmt, params, out, n, e);
}

int reminder_repo_list(const char *user_id, const char *status, int limit, struct reminder **out,
		  size_t *n, struct err *e)
{
	char lim[16];
	snprintf(lim, sizeof(lim), "%d", limit);
	const char *params[] = { user_id, status, lim };
	PGresult *r;
	int rc = db__exec(&list_stmt, params, &r, e);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(r);
	struct reminder *m = xcalloc(rows ? rows : 1, sizeof(*m));
	for (size_t i = 0; i < rows; i++)
		row_to_reminder(r, (int)i, &m[i]);
	PQclear(r);
	*out = m;
	*n = rows;
	return 0;
}

int reminder_repo_fire(int64_t id, int version, bool late, struct reminder *out, bool *fired, struct err *e)
{
	char rid[24];
	snprintf(rid, sizeof(rid), "%" PRId64, id);
	*fired = false;
	const char *params[] = { rid };
	PGresult *r;
	int rc = db__exec(&fire_lock_stmt, params, &r, e);
	if (rc)
		return rc;
	bool ok = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "pending") == 0 &&
		  atoi(PQgetvalue(r, 0, 1)) == version;
	PQclear(r);
	if (!ok)
		return 0;       /* gone, cancelled, already sent, or rescheduled since */
	const char *fparams[] = { rid, late ? "true" : "false" };
	rc = db__exec(&fire_stmt, fparams, &r, e);
	if (rc)
		return rc;
	row_to_reminder(r, 0, out);
	PQclear(r);
	*fired = true;
	return 0;
}

int reminder_repo_overdue(int grace_seconds, int limit, struct reminder_slot **out, size_t *n, struct err *e)
{
	char g[16], l[16];
	snprintf(g, sizeof(g), "%d", grace_seconds);
	snprintf(l, sizeof(l), "%d", limit);
	const char *params[] = { g, l };
	return slots(&overdue_stmt, params, out, n, e);
}

int reminder_repo_pending_future(struct reminder_slot **out, size_t *n, struct err *e)
{
	return slots(&future_stmt, NULL, out, n, e);
}
