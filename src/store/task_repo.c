#include "store/task_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "store/db_internal.h"

#define TASK_COLUMNS \
	"id, user_id, title, description, completed, " \
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
	"updated_at = now() "
	"WHERE user_id = $1 AND id = $2 RETURNING " TASK_COLUMNS,
	6, false,
};

static const struct db_stmt delete_stmt = {
	"task_delete",
	"DELETE FROM tasks WHERE user_id = $1 AND id = $2",
	2, false,
};

static const struct db_stmt toggle_stmt = {
	"task_toggle_complete",
	"UPDATE tasks SET completed = NOT completed, updated_at = now() "
	"WHERE user_id = $1 AND id = $2 RETURNING " TASK_COLUMNS,
	2, false,
};

static void row_to_task(PGresult *r, int row, struct task *t)
{
	memset(t, 0, sizeof(*t));
	t->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
	snprintf(t->user_id, sizeof(t->user_id), "%s", PQgetvalue(r, row, 1));
	t->title = xstrdup(PQgetvalue(r, row, 2));
	t->description = PQgetisnull(r, row, 3) ? NULL : xstrdup(PQgetvalue(r, row, 3));
	t->completed = PQgetvalue(r, row, 4)[0] == 't';
	snprintf(t->created_at, sizeof(t->created_at), "%s", PQgetvalue(r, row, 5));
	snprintf(t->updated_at, sizeof(t->updated_at), "%s", PQgetvalue(r, row, 6));
}

/* Run a statement expected to return at most one task row. */
static int one_task(const struct db_stmt *st, const char *const *params, struct task *out,
		    int64_t id, struct err *e)
{
	PGresult *r;
	int rc = db__exec(st, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = err_set(e, TODO_ENOTFOUND, "id", "task %" PRId64 " not found", id);
	else
		row_to_task(r, 0, out);
	PQclear(r);
	return rc;
}

int task_repo_insert(const char *user_id, const struct task_input *in, struct task *out, struct err *e)
{
	const char *params[] = { user_id, in->title, in->has_description ? in->description : NULL };
	return one_task(&insert_stmt, params, out, 0, e);
}

int task_repo_get(const char *user_id, int64_t id, struct task *out, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf };
	return one_task(&get_stmt, params, out, id, e);
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

int task_repo_update(const char *user_id, int64_t id, const struct task_input *in,
		     struct task *out, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = {
		user_id, idbuf,
		in->has_title ? "true" : "false", in->has_title ? in->title : NULL,
		in->has_description ? "true" : "false", in->has_description ? in->description : NULL,
	};
	return one_task(&update_stmt, params, out, id, e);
}

int task_repo_delete(const char *user_id, int64_t id, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf };
	PGresult *r;
	int rc = db__exec(&delete_stmt, params, &r, e);
	if (rc)
		return rc;
	if (strcmp(PQcmdTuples(r), "0") == 0)
		rc = err_set(e, TODO_ENOTFOUND, "id", "task %" PRId64 " not found", id);
	PQclear(r);
	return rc;
}

int task_repo_toggle_complete(const char *user_id, int64_t id, struct task *out, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf };
	return one_task(&toggle_stmt, params, out, id, e);
}
