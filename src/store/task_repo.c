#include "store/task_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "store/db_internal.h"

#define TASK_COLUMNS \
	"id, user_id, title, description, completed, version, " \
	"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), " \
	"to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

static const struct db_stmt insert_stmt = {
	"task_insert",
	"INSERT INTO tasks (user_id, title, description) VALUES ($1, $2, $3) RETURNING " TASK_COLUMNS,
	3, false,
};

static const struct db_stmt get_stmt = {
	"task_get",
	"SELECT " TASK_COLUMNS " FROM tasks WHERE user_id = $1 AND id = $2",
	2, true,
};

static const struct db_stmt get_for_update_stmt = {
	"task_get_for_update",
	"SELECT " TASK_COLUMNS " FROM tasks WHERE user_id = $1 AND id = $2 FOR UPDATE",
	2, false,
};

static const struct db_stmt list_stmt = {
	"task_list",
	"SELECT " TASK_COLUMNS " FROM tasks WHERE user_id = $1 "
	"AND ($2::boolean IS NULL OR completed = $2::boolean) "
	"ORDER BY created_at DESC, id DESC",
	2, true,
};

static const struct db_stmt update_stmt = {
	"task_update",
	"UPDATE tasks SET "
	"title = CASE WHEN $3::boolean THEN $4 ELSE title END, "
	"description = CASE WHEN $5::boolean THEN $6 ELSE description END, "
	"version = version + 1, updated_at = now() "
	"WHERE user_id = $1 AND id = $2 AND ($7::bigint IS NULL OR version = $7::bigint) "
	"RETURNING " TASK_COLUMNS,
	7, false,
};

static const struct db_stmt delete_stmt = {
	"task_delete",
	"DELETE FROM tasks WHERE user_id = $1 AND id = $2 "
	"AND ($3::bigint IS NULL OR version = $3::bigint)",
	3, false,
};

static const struct db_stmt toggle_stmt = {
	"task_toggle_complete",
	"UPDATE tasks SET completed = NOT completed, version = version + 1, updated_at = now() "
	"WHERE user_id = $1 AND id = $2 AND ($3::bigint IS NULL OR version = $3::bigint) "
	"RETURNING " TASK_COLUMNS,
	3, false,
};

static void row_to_task(PGresult *r, int row, struct task *t)
{
	memset(t, 0, sizeof(*t));
	t->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
	snprintf(t->user_id, sizeof(t->user_id), "%s", PQgetvalue(r, row, 1));
	t->title = xstrdup(PQgetvalue(r, row, 2));
	t->description = PQgetisnull(r, row, 3) ? NULL : xstrdup(PQgetvalue(r, row, 3));
	t->completed = PQgetvalue(r, row, 4)[0] == 't';
	t->version = strtoll(PQgetvalue(r, row, 5), NULL, 10);
	snprintf(t->created_at, sizeof(t->created_at), "%s", PQgetvalue(r, row, 6));
	snprintf(t->updated_at, sizeof(t->updated_at), "%s", PQgetvalue(r, row, 7));
}

static const struct db_stmt version_stmt = {
	"task_version",
	"SELECT version FROM tasks WHERE user_id = $1 AND id = $2",
	2, true,
};

/* A write matched no row: the task is missing (404), or an if_version
 * precondition failed (409). */
static int missing_or_conflict(const char *user_id, const char *idbuf, int64_t id,
			       int64_t if_version, struct err *e)
{
	if (if_version == 0)
		return err_set(e, TODO_ENOTFOUND, "id", "task %" PRId64 " not found", id);
	const char *params[] = { user_id, idbuf };
	PGresult *r;
	int rc = db__exec(&version_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = err_set(e, TODO_ENOTFOUND, "id", "task %" PRId64 " not found", id);
	else
		rc = err_set(e, TODO_ECONFLICT, "if_version",
			     "task %" PRId64 " is at version %s, not %" PRId64, id,
			     PQgetvalue(r, 0, 0), if_version);
	PQclear(r);
	return rc;
}

/* Run a statement expected to return at most one task row; params[0] is
 * the user and params[1] the id. */
static int one_task(const struct db_stmt *st, const char *const *params, struct task *out,
		    int64_t id, int64_t if_version, struct err *e)
{
	PGresult *r;
	int rc = db__exec(st, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = missing_or_conflict(params[0], params[1], id, if_version, e);
	else
		row_to_task(r, 0, out);
	PQclear(r);
	return rc;
}

int task_repo_insert(const char *user_id, const struct task_input *in, struct task *out, struct err *e)
{
	const char *params[] = { user_id, in->title, in->has_description ? in->description : NULL };
	return one_task(&insert_stmt, params, out, 0, 0, e);
}

int task_repo_get(const char *user_id, int64_t id, struct task *out, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf };
	return one_task(&get_stmt, params, out, id, 0, e);
}

int task_repo_get_for_update(const char *user_id, int64_t id, struct task *out, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf };
	return one_task(&get_for_update_stmt, params, out, id, 0, e);
}

int task_repo_list(const char *user_id, enum task_status_filter filter,
		   struct task **out, size_t *n, struct err *e)
{
	const char *completed = filter == TASK_FILTER_ALL ? NULL :
				filter == TASK_FILTER_COMPLETED ? "true" : "false";
	const char *params[] = { user_id, completed };
	PGresult *r;
	int rc = db__exec(&list_stmt, params, &r, e);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(r);
	struct task *tasks = xcalloc(rows ? rows : 1, sizeof(*tasks));
	for (size_t i = 0; i < rows; i++)
		row_to_task(r, (int)i, &tasks[i]);
	PQclear(r);
	*out = tasks;
	*n = rows;
	return 0;
}

/* Text of an optional if_version precondition (0 = none -> SQL NULL). */
static const char *version_param(int64_t if_version, char buf[24])
{
	if (if_version == 0)
		return NULL;
	snprintf(buf, 24, "%" PRId64, if_version);
	return buf;
}

int task_repo_update(const char *user_id, int64_t id, int64_t if_version,
		     const struct task_input *in, struct task *out, struct err *e)
{
	char idbuf[24], vbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = {
		user_id, idbuf,
		in->has_title ? "true" : "false", in->has_title ? in->title : NULL,
		in->has_description ? "true" : "false", in->has_description ? in->description : NULL,
		version_param(if_version, vbuf),
	};
	return one_task(&update_stmt, params, out, id, if_version, e);
}

int task_repo_delete(const char *user_id, int64_t id, int64_t if_version, struct err *e)
{
	char idbuf[24], vbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf, version_param(if_version, vbuf) };
	PGresult *r;
	int rc = db__exec(&delete_stmt, params, &r, e);
	if (rc)
		return rc;
	if (strcmp(PQcmdTuples(r), "0") == 0)
		rc = missing_or_conflict(user_id, idbuf, id, if_version, e);
	PQclear(r);
	return rc;
}

int task_repo_toggle_complete(const char *user_id, int64_t id, int64_t if_version,
			      struct task *out, struct err *e)
{
	char idbuf[24], vbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf, version_param(if_version, vbuf) };
	return one_task(&toggle_stmt, params, out, id, if_version, e);
}
