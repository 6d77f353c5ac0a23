#include "store/tag_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "store/db_internal.h"

#define TAG_COLUMNS \
	"id, name, coalesce(color, ''), " \
	"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/* How many times resolve retries a name whose tag vanished between the
 * INSERT that found it taken and the SELECT that reads it. */
#define RESOLVE_ATTEMPTS 3

static const struct db_stmt list_stmt = {
	"tag_list",
	"SELECT " TAG_COLUMNS " FROM tags WHERE user_id = $1 ORDER BY lower(name), id",
	1, true,
};

/* ON CONFLICT DO NOTHING instead of catching 23505: a taken name returns no
 * row and does not abort the caller's transaction. */
static const struct db_stmt insert_stmt = {
	"tag_insert",
	"INSERT INTO tags (user_id, name, color) VALUES ($1, $2, nullif($3, '')) "
	"ON CONFLICT (user_id, lower(name)) DO NOTHING RETURNING " TAG_COLUMNS,
	3, false,
};

/* $3 NULL keeps the name; $4 NULL keeps the color, '' clears it. */
static const struct db_stmt update_stmt = {
	"tag_update",
	"UPDATE tags SET name = coalesce($3, name), "
	"color = CASE WHEN $4::text IS NULL THEN color ELSE nullif($4::text, '') END "
	"WHERE user_id = $1 AND id = $2 RETURNING " TAG_COLUMNS,
	4, false,
};

/* task_tags rows go with it (ON DELETE CASCADE). */
static const struct db_stmt delete_stmt = {
	"tag_delete",
	"DELETE FROM tags WHERE user_id = $1 AND id = $2",
	2, false,
};

static const struct db_stmt owned_stmt = {
	"tag_owned",
	"SELECT id FROM tags WHERE user_id = $1 AND id = $2",
	2, true,
};

static const struct db_stmt insert_name_stmt = {
	"tag_insert_name",
	"INSERT INTO tags (user_id, name) VALUES ($1, $2) "
	"ON CONFLICT (user_id, lower(name)) DO NOTHING RETURNING id",
	2, false,
};

static const struct db_stmt by_name_stmt = {
	"tag_by_name",
	"SELECT id FROM tags WHERE user_id = $1 AND lower(name) = lower($2)",
	2, true,
};

/* One statement, so it is atomic without a transaction: links outside $2
 * go, missing ones come. The two parts touch disjoint rows. */
static const struct db_stmt set_task_tags_stmt = {
	"tag_set_task_tags",
	"WITH gone AS (DELETE FROM task_tags WHERE task_id = $1 AND tag_id <> ALL ($2::bigint[])) "
	"INSERT INTO task_tags (task_id, tag_id) "
	"SELECT DISTINCT $1::bigint, t FROM unnest($2::bigint[]) AS t "
	"ON CONFLICT DO NOTHING",
	2, false,
};

/* The link is made only when the user owns both; "pair" says whether they
 * do, whether or not the link already existed. */
static const struct db_stmt attach_stmt = {
	"tag_attach",
	"WITH pair AS (SELECT t.id AS task_id, g.id AS tag_id FROM tasks t, tags g "
	"WHERE t.user_id = $1 AND t.id = $2 AND g.user_id = $1 AND g.id = $3), "
	"made AS (INSERT INTO task_tags (task_id, tag_id) SELECT task_id, tag_id FROM pair "
	"ON CONFLICT DO NOTHING) "
	"SELECT count(*) FROM pair",
	3, false,
};

static const struct db_stmt detach_stmt = {
	"tag_detach",
	"DELETE FROM task_tags tt USING tasks t, tags g "
	"WHERE tt.task_id = $2 AND tt.tag_id = $3 "
	"AND t.id = tt.task_id AND t.user_id = $1 AND g.id = tt.tag_id AND g.user_id = $1",
	3, false,
};

/* FOR UPDATE conflicts with the FOR KEY SHARE lock a new task_tags row
 * takes on its tag: links to the tag wait until the caller commits. */
static const struct db_stmt lock_stmt = {
	"tag_lock",
	"SELECT id FROM tags WHERE user_id = $1 AND id = $2 FOR UPDATE",
	2, false,
};

static const struct db_stmt tasks_of_stmt = {
	"tag_tasks_of",
	"SELECT tt.task_id FROM task_tags tt JOIN tags g ON g.id = tt.tag_id "
	"WHERE g.user_id = $1 AND tt.tag_id = $2 ORDER BY tt.task_id",
	2, true,
};

static const struct db_stmt owns_both_stmt = {
	"tag_owns_both",
	"SELECT EXISTS (SELECT 1 FROM tasks WHERE user_id = $1 AND id = $2), "
	"EXISTS (SELECT 1 FROM tags WHERE user_id = $1 AND id = $3)",
	3, true,
};

static void row_to_tag(PGresult *r, int row, struct tag *t)
{
	memset(t, 0, sizeof(*t));
	t->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
	t->name = xstrdup(PQgetvalue(r, row, 1));
	snprintf(t->color, sizeof(t->color), "%s", PQgetvalue(r, row, 2));
	snprintf(t->created_at, sizeof(t->created_at), "%s", PQgetvalue(r, row, 3));
}

static int tag_not_found(int64_t id, struct err *e)
{
	return err_set(e, TODO_ENOTFOUND, "tag_id", "tag %" PRId64 " not found", id);
}

/* The name of a tag is unique per user, whatever its case. */
static int name_taken(const char *name, struct err *e)
{
	return err_set(e, TODO_ECONFLICT, "name",
		       "a tag named \"%.*s\" already exists (tag names ignore case)",
		       TAG_NAME_MAX * 4, name);
}

int tag_repo_list(const char *user_id, struct tag **out, size_t *n, struct err *e)
{
	const char *params[] = { user_id };
	PGresult *r;
	int rc = db__exec(&list_stmt, params, &r, e);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(r);
	struct tag *tags = xcalloc(rows ? rows : 1, sizeof(*tags));
	for (size_t i = 0; i < rows; i++)
		row_to_tag(r, (int)i, &tags[i]);
	PQclear(r);
	*out = tags;
	*n = rows;
	return 0;
}

int tag_repo_create(const char *user_id, const char *name, const char *color, struct tag *out,
		    struct err *e)
{
	const char *params[] = { user_id, name, color };
	PGresult *r;
	int rc = db__exec(&insert_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = name_taken(name, e);
	else
		row_to_tag(r, 0, out);
	PQclear(r);
	return rc;
}

int tag_repo_update(const char *user_id, int64_t id, const char *name, const char *color,
		    struct tag *out, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf, name, color };
	PGresult *r;
	int rc = db__exec(&update_stmt, params, &r, e);
	/* The only conflict an UPDATE of tags can meet is the unique name. */
	if (rc == TODO_ECONFLICT && name)
		return name_taken(name, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = tag_not_found(id, e);
	else
		row_to_tag(r, 0, out);
	PQclear(r);
	return rc;
}

int tag_repo_delete(const char *user_id, int64_t id, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf };
	PGresult *r;
	int rc = db__exec(&delete_stmt, params, &r, e);
	if (rc)
		return rc;
	if (strcmp(PQcmdTuples(r), "0") == 0)
		rc = tag_not_found(id, e);
	PQclear(r);
	return rc;
}

/* Run @st (params: user, value) and store the id of its first row in *@id,
 * or 0 when it returns none. */
static int first_id(const struct db_stmt *st, const char *user_id, const char *value,
		    int64_t *id, struct err *e)
{
	const char *params[] = { user_id, value };
	PGresult *r;
	int rc = db__exec(st, params, &r, e);
	if (rc)
		return rc;
	*id = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	return 0;
}

/* The id of the user's tag @name, created if missing. Safe against a
 * concurrent creator: the INSERT waits for it and does nothing, and the
 * SELECT (a new statement, so a new snapshot under READ COMMITTED) then
 * sees its committed row. If that row is deleted in between, try again. */
static int resolve_name(const char *user_id, const char *name, int64_t *id, struct err *e)
{
	for (int attempt = 0; attempt < RESOLVE_ATTEMPTS; attempt++) {
		int rc = first_id(&insert_name_stmt, user_id, name, id, e);
		if (rc == 0 && *id == 0)
			rc = first_id(&by_name_stmt, user_id, name, id, e);
		if (rc || *id)
			return rc;
	}
	return err_set(e, TODO_EUNAVAIL, "tags",
		       "tag \"%.*s\" kept changing while it was looked up; retry", TAG_NAME_MAX * 4, name);
}

int tag_repo_resolve(const char *user_id, const struct tag_ref *refs, size_t n, int64_t *ids,
		     struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		int rc;
		if (refs[i].id > 0) {
			char idbuf[24];
			snprintf(idbuf, sizeof(idbuf), "%" PRId64, refs[i].id);
			rc = first_id(&owned_stmt, user_id, idbuf, &ids[i], e);
			if (rc == 0 && ids[i] == 0)
				rc = err_set(e, TODO_ENOTFOUND, "tags", "tags: tag %" PRId64 " not found",
					     refs[i].id);
		} else if (refs[i].name) {
			rc = resolve_name(user_id, refs[i].name, &ids[i], e);
		} else {
			rc = err_set(e, TODO_EINVAL, "tags", "a tag must be given by id or by name");
		}
		if (rc)
			return rc;
	}
	return 0;
}

int tag_repo_set_task_tags(int64_t task_id, const int64_t *ids, size_t n, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, task_id);
	/* The ids as a bigint[] literal: "{1,2,3}". */
	char *arr = xmalloc(n * 21 + 3);
	size_t o = 0;
	arr[o++] = '{';
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(arr + o, "%s%" PRId64, i ? "," : "", ids[i]);
	arr[o++] = '}';
	arr[o] = '\0';
	const char *params[] = { idbuf, arr };
	PGresult *r;
	int rc = db__exec(&set_task_tags_stmt, params, &r, e);
	free(arr);
	if (rc)
		return rc;
	PQclear(r);
	return 0;
}

/* Which of task @task_id and tag @tag_id the user does not own:
 * TODO_ENOTFOUND naming it, or 0 when the user owns both. */
static int check_owns_both(const char *const *params, int64_t task_id, int64_t tag_id,
			   struct err *e)
{
	PGresult *r;
	int rc = db__exec(&owns_both_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQgetvalue(r, 0, 0)[0] != 't')
		rc = err_set(e, TODO_ENOTFOUND, "task_id", "task %" PRId64 " not found", task_id);
	else if (PQgetvalue(r, 0, 1)[0] != 't')
		rc = tag_not_found(tag_id, e);
	PQclear(r);
	return rc;
}

int tag_repo_attach(const char *user_id, int64_t task_id, int64_t tag_id, struct err *e)
{
	char taskbuf[24], tagbuf[24];
	snprintf(taskbuf, sizeof(taskbuf), "%" PRId64, task_id);
	snprintf(tagbuf, sizeof(tagbuf), "%" PRId64, tag_id);
	const char *params[] = { user_id, taskbuf, tagbuf };
	PGresult *r;
	int rc = db__exec(&attach_stmt, params, &r, e);
	/* 23503: the task or the tag was deleted while the link was made. */
	if (rc == TODO_ECONFLICT)
		return err_set(e, TODO_ECONFLICT, "tag_id",
			       "task %" PRId64 " or tag %" PRId64 " was deleted concurrently",
			       task_id, tag_id);
	if (rc)
		return rc;
	bool owned = strcmp(PQgetvalue(r, 0, 0), "0") != 0;
	PQclear(r);
	return owned ? 0 : check_owns_both(params, task_id, tag_id, e);
}

int tag_repo_detach(const char *user_id, int64_t task_id, int64_t tag_id, struct err *e)
{
	char taskbuf[24], tagbuf[24];
	snprintf(taskbuf, sizeof(taskbuf), "%" PRId64, task_id);
	snprintf(tagbuf, sizeof(tagbuf), "%" PRId64, tag_id);
	const char *params[] = { user_id, taskbuf, tagbuf };
	PGresult *r;
	int rc = db__exec(&detach_stmt, params, &r, e);
	if (rc)
		return rc;
	bool removed = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	if (removed)
		return 0;
	rc = check_owns_both(params, task_id, tag_id, e);
	if (rc == 0)
		rc = err_set(e, TODO_ENOTFOUND, "tag_id", "tag %" PRId64 " is not attached to task %" PRId64,
			     tag_id, task_id);
	return rc;
}

int tag_repo_task_ids(const char *user_id, int64_t tag_id, int64_t **ids, size_t *n,
		      struct err *e)
{
	char tagbuf[24];
	snprintf(tagbuf, sizeof(tagbuf), "%" PRId64, tag_id);
	const char *params[] = { user_id, tagbuf };
	PGresult *r;
	*ids = NULL;
	*n = 0;
	int rc = db__exec(&tasks_of_stmt, params, &r, e);
	if (rc)
		return rc;
	size_t rows = (size_t)PQntuples(r);
	*ids = xcalloc(rows ? rows : 1, sizeof(**ids));
	for (size_t i = 0; i < rows; i++)
		(*ids)[i] = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
	*n = rows;
	PQclear(r);
	return 0;
}

int tag_repo_lock(const char *user_id, int64_t tag_id, struct err *e)
{
	char tagbuf[24];
	snprintf(tagbuf, sizeof(tagbuf), "%" PRId64, tag_id);
	const char *params[] = { user_id, tagbuf };
	PGresult *r;
	int rc = db__exec(&lock_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = tag_not_found(tag_id, e);
	PQclear(r);
	return rc;
}
