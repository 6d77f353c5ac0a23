#include "store/task_repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "service/task_query.h"
#include "store/db_internal.h"
#include "store/filter_sql.h"

#define UTC_TEXT(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/* Column order is what row_to_task reads. Tags come as one JSON array. */
#define TASK_COLUMNS \
	"id, user_id, title, description, completed, version, " \
	UTC_TEXT("created_at") ", " UTC_TEXT("updated_at") ", " \
	UTC_TEXT("due_datetime") ", priority, timezone, recurrence_pattern, recurrence_interval, " \
	"recurrence_weekdays, recurrence_rule, recurrence_end_date::text, parent_task_id, " \
	"occurrence_index, skipped, " UTC_TEXT("series_start") ", " \
	"coalesce((SELECT json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color) " \
	"ORDER BY lower(g.name), g.id) FROM task_tags tt JOIN tags g ON g.id = tt.tag_id " \
	"WHERE tt.task_id = tasks.id), '[]')::text"

/* The writable columns: $2.. in insert, $3.. in update (see detail_params). */
#define DETAIL_PARAMS 13

static const struct db_stmt insert_stmt = {
	"task_insert",
	"INSERT INTO tasks (user_id, title, description, due_datetime, priority, timezone, "
	"recurrence_pattern, recurrence_interval, recurrence_weekdays, recurrence_rule, "
	"recurrence_end_date, parent_task_id, occurrence_index, series_start) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
	14, false,
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

static const char *version_param(int64_t if_version, char buf[24]);
static int missing_or_conflict(const char *user_id, const char *idbuf, int64_t id,
			       int64_t if_version, struct err *e);

static const struct db_stmt series_stmt = {
	"task_series",
	"SELECT " TASK_COLUMNS " FROM tasks WHERE user_id = $1 "
	"AND coalesce(parent_task_id, id) = $2 ORDER BY occurrence_index, id",
	2, true,
};

static const struct db_stmt skip_stmt = {
	"task_skip",
	"UPDATE tasks SET completed = true, skipped = true, version = version + 1, updated_at = now() "
	"WHERE user_id = $1 AND id = $2 AND NOT completed "
	"AND ($3::bigint IS NULL OR version = $3::bigint) RETURNING id",
	3, false,
};

static const struct db_stmt bump_stmt = {
	"task_bump_version",
	"UPDATE tasks SET version = version + 1, updated_at = now() "
	"WHERE user_id = $1 AND id = $2 RETURNING id",
	2, false,
};

static const struct db_stmt copy_tags_stmt = {
	"task_copy_tags",
	"INSERT INTO task_tags (task_id, tag_id) SELECT $2, tag_id FROM task_tags WHERE task_id = $1 "
	"ON CONFLICT DO NOTHING",
	2, false,
};

static const struct db_stmt update_stmt = {
	"task_update",
	"UPDATE tasks SET title = $3, description = $4, due_datetime = $5, priority = $6, "
	"timezone = $7, recurrence_pattern = $8, recurrence_interval = $9, "
	"recurrence_weekdays = $10, recurrence_rule = $11, recurrence_end_date = $12, "
	"parent_task_id = $13, occurrence_index = $14, series_start = $15, "
	"version = version + 1, updated_at = now() "
	"WHERE user_id = $1 AND id = $2 AND ($16::bigint IS NULL OR version = $16::bigint) "
	"RETURNING id",
	16, false,
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
	snprintf(t->due_datetime, sizeof(t->due_datetime), "%s", PQgetvalue(r, row, 8));
	snprintf(t->priority, sizeof(t->priority), "%s", PQgetvalue(r, row, 9));
	snprintf(t->timezone, sizeof(t->timezone), "%s", PQgetvalue(r, row, 10));
	snprintf(t->recurrence_pattern, sizeof(t->recurrence_pattern), "%s", PQgetvalue(r, row, 11));
	t->recurrence_interval = atoi(PQgetvalue(r, row, 12));
	t->recurrence_weekdays = (unsigned)atoi(PQgetvalue(r, row, 13));
	t->recurrence_rule = PQgetisnull(r, row, 14) ? NULL : xstrdup(PQgetvalue(r, row, 14));
	snprintf(t->recurrence_end_date, sizeof(t->recurrence_end_date), "%s", PQgetvalue(r, row, 15));
	t->parent_task_id = PQgetisnull(r, row, 16) ? 0 : strtoll(PQgetvalue(r, row, 16), NULL, 10);
	t->occurrence_index = atoi(PQgetvalue(r, row, 17));
	t->skipped = PQgetvalue(r, row, 18)[0] == 't';
	snprintf(t->series_start, sizeof(t->series_start), "%s", PQgetvalue(r, row, 19));
	t->tags_json = xstrdup(PQgetvalue(r, row, 20));
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

/* The writable columns of @t as DETAIL_PARAMS text parameters (NULL = SQL NULL). */
struct detail_text {
	char interval[12], weekdays[12], parent[24], occurrence[12];
};

static void detail_params(const struct task *t, struct detail_text *b, const char **p)
{
	snprintf(b->interval, sizeof(b->interval), "%d", t->recurrence_interval);
	snprintf(b->weekdays, sizeof(b->weekdays), "%u", t->recurrence_weekdays);
	snprintf(b->parent, sizeof(b->parent), "%" PRId64, t->parent_task_id);
	snprintf(b->occurrence, sizeof(b->occurrence), "%d", t->occurrence_index ? t->occurrence_index : 1);
	p[0] = t->title;
	p[1] = t->description;
	p[2] = t->due_datetime[0] ? t->due_datetime : NULL;
	p[3] = t->priority;
	p[4] = t->timezone;
	p[5] = t->recurrence_pattern;
	p[6] = b->interval;
	p[7] = b->weekdays;
	p[8] = t->recurrence_rule;
	p[9] = t->recurrence_end_date[0] ? t->recurrence_end_date : NULL;
	p[10] = t->parent_task_id ? b->parent : NULL;
	p[11] = b->occurrence;
	p[12] = t->series_start[0] ? t->series_start : NULL;
}

int task_repo_insert(const char *user_id, const struct task *t, int64_t *id, struct err *e)
{
	struct detail_text b;
	const char *params[1 + DETAIL_PARAMS] = { user_id };
	detail_params(t, &b, params + 1);
	PGresult *r;
	int rc = db__exec(&insert_stmt, params, &r, e);
	if (rc)
		return rc;
	*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
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

int task_repo_series(const char *user_id, int64_t root_id, struct task **out, size_t *n,
		     struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, root_id);
	const char *params[] = { user_id, idbuf };
	PGresult *r;
	int rc = db__exec(&series_stmt, params, &r, e);
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

int task_repo_skip(const char *user_id, int64_t id, int64_t if_version, struct err *e)
{
	char idbuf[24], vbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf, version_param(if_version, vbuf) };
	PGresult *r;
	int rc = db__exec(&skip_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = missing_or_conflict(user_id, idbuf, id, if_version, e);
	PQclear(r);
	return rc;
}

int task_repo_bump_version(const char *user_id, int64_t id, struct err *e)
{
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	const char *params[] = { user_id, idbuf };
	PGresult *r;
	int rc = db__exec(&bump_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = err_set(e, TODO_ENOTFOUND, "id", "task %" PRId64 " not found", id);
	PQclear(r);
	return rc;
}

int task_repo_copy_tags(int64_t from_id, int64_t to_id, struct err *e)
{
	char a[24], b[24];
	snprintf(a, sizeof(a), "%" PRId64, from_id);
	snprintf(b, sizeof(b), "%" PRId64, to_id);
	const char *params[] = { a, b };
	PGresult *r;
	int rc = db__exec(&copy_tags_stmt, params, &r, e);
	if (rc == 0)
		PQclear(r);
	return rc;
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
		     const struct task *t, struct err *e)
{
	char idbuf[24], vbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	struct detail_text b;
	const char *params[3 + DETAIL_PARAMS] = { user_id, idbuf };
	detail_params(t, &b, params + 2);
	params[2 + DETAIL_PARAMS] = version_param(if_version, vbuf);
	PGresult *r;
	int rc = db__exec(&update_stmt, params, &r, e);
	if (rc)
		return rc;
	if (PQntuples(r) == 0)
		rc = missing_or_conflict(user_id, idbuf, id, if_version, e);
	PQclear(r);
	return rc;
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

/* ---- GET /tasks: filters, search, sort, keyset pages ---- */

#define PRIORITY_RANK "(CASE tasks.priority WHEN 'High' THEN 0 WHEN 'Medium' THEN 1 ELSE 2 END)"
#define RANK_WINDOW 500    /* newest matches ranked by relevance */

/* A query being built: its SQL and its parameters, both growing as needed
 * (the filter language alone can add hundreds of parameters). */
struct sqlb {
	struct strbuf sql;
	const char **params;
	char **owned;       /* owned[i]: params[i] if we allocated it, else NULL */
	int n, cap;
};

/* Add a parameter; returns its number ($n). With @take the builder frees
 * @value when it is released. */
static int param(struct sqlb *b, const char *value, bool take)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->params = xrealloc(b->params, (size_t)b->cap * sizeof(*b->params));
		b->owned = xrealloc(b->owned, (size_t)b->cap * sizeof(*b->owned));
	}
	b->params[b->n] = value;
	b->owned[b->n] = take ? (char *)value : NULL;
	return ++b->n;
}

static void sqlb_release(struct sqlb *b)
{
	strbuf_release(&b->sql);
	for (int i = 0; i < b->n; i++)
		free(b->owned[i]);
	free(b->owned);
	free(b->params);
}

/* A text[] literal of @n strings, each quoted and escaped. */
static char *text_array(char *const *v, size_t n)
{
	struct strbuf out = STRBUF_INIT;
	strbuf_putc(&out, '{');
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(&out, i ? ",\"" : "\"");
		for (const char *c = v[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				strbuf_putc(&out, '\\');
			strbuf_putc(&out, *c);
		}
		strbuf_putc(&out, '"');
	}
	strbuf_putc(&out, '}');
	return strbuf_detach(&out);
}

/* The key a sort orders by (after id ties), its SQL type, and whether the
 * SQL order is descending for this query. */
static const char *sort_key(const struct task_query *q, int search_param, char *buf, size_t size,
			    const char **type, bool *sql_desc)
{
	*sql_desc = q->desc;
	switch (q->sort) {
	case TASK_SORT_DUE_DATE:
		*type = "timestamptz";
		return "tasks.due_datetime";
	case TASK_SORT_PRIORITY:
		*type = "integer";
		*sql_desc = !q->desc;   /* rank 0 is High: "desc" means High first */
		return PRIORITY_RANK;
	case TASK_SORT_TITLE:
		*type = "text";
		return "lower(tasks.title)";
	case TASK_SORT_RANK:
		*type = "real";
		snprintf(buf, size, "(ts_rank(tasks.search_vector, websearch_to_tsquery('simple', $%d)) + "
			 "similarity(tasks.title, $%d))::real", search_param, search_param);
		return buf;
	case TASK_SORT_CREATED_AT:
	default:
		*type = "timestamptz";
		return "tasks.created_at";
	}
}

/* The sort of a query: its key expression, the key's SQL type and the SQL
 * direction. */
struct sort_spec {
	char keybuf[200];
	const char *key, *type;
	bool desc;
};

/* " AND priority = ANY(...)" for the priorities asked for. */
static void where_priorities(struct sqlb *b, unsigned priorities)
{
	char *names[3];
	size_t k = 0;
	if (priorities & PRIORITY_BIT_HIGH)
		names[k++] = "High";
	if (priorities & PRIORITY_BIT_MEDIUM)
		names[k++] = "Medium";
	if (priorities & PRIORITY_BIT_LOW)
		names[k++] = "Low";
	strbuf_printf(&b->sql, " AND priority = ANY($%d::text[])", param(b, text_array(names, k), true));
}

/* The task carries any (or, with tags_all, every) of the tag names. */
static void where_tags(struct sqlb *b, const struct task_query *q)
{
	int p = param(b, text_array(q->tags, q->ntags), true);
	if (q->tags_all)
		strbuf_printf(&b->sql, " AND (SELECT count(DISTINCT lower(g.name)) FROM task_tags tt JOIN tags g "
			      "ON g.id = tt.tag_id WHERE tt.task_id = tasks.id AND lower(g.name) = ANY($%d::text[])) = %zu",
			      p, q->ntags);
	else
		strbuf_printf(&b->sql, " AND EXISTS (SELECT 1 FROM task_tags tt JOIN tags g ON g.id = tt.tag_id "
			      "WHERE tt.task_id = tasks.id AND lower(g.name) = ANY($%d::text[]))", p);
}

/* Full text first; a trigram match catches partial words ("mil" in "milk"). */
static void where_search(struct sqlb *b, const char *search, int p_search)
{
	char *pattern = xmalloc(2 * strlen(search) + 3);
	char *o = pattern;
	*o++ = '%';
	for (const char *c = search; *c; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			*o++ = '\\';
		*o++ = *c;
	}
	*o++ = '%';
	*o = '\0';
	int pp = param(b, pattern, true);
	strbuf_printf(&b->sql, " AND (search_vector @@ websearch_to_tsquery('simple', $%d) "
		      "OR title ILIKE $%d)", p_search, pp);
}

/* " AND (<filter SQL>)", its values as parameters. */
static int where_filter(struct sqlb *b, const struct filter *f, struct err *e)
{
	struct filter_sql fs;
	int rc = filter_sql_compile(f, b->n + 1, &fs, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < fs.nparams; i++) {
		param(b, fs.params[i], true);
		fs.params[i] = NULL;
	}
	strbuf_printf(&b->sql, " AND (%s)", fs.sql);
	filter_sql_release(&fs);
	return 0;
}

/* The filters of @q as a WHERE condition in b->sql. */
static int where_clause(struct sqlb *b, const struct task_query *q, int p_user, int p_search,
			struct err *e)
{
	strbuf_printf(&b->sql, "user_id = $%d", p_user);
	if (q->status != TASK_FILTER_ALL)
		strbuf_printf(&b->sql, " AND completed = %s", q->status == TASK_FILTER_COMPLETED ? "true" : "false");
	if (q->priorities)
		where_priorities(b, q->priorities);
	if (q->due_from[0])
		strbuf_printf(&b->sql, " AND due_datetime >= $%d::timestamptz", param(b, q->due_from, false));
	if (q->due_to[0])
		strbuf_printf(&b->sql, " AND due_datetime <= $%d::timestamptz", param(b, q->due_to, false));
	if (q->overdue)
		strbuf_puts(&b->sql, " AND NOT completed AND due_datetime < now()");
	if (q->ntags)
		where_tags(b, q);
	if (q->search)
		where_search(b, q->search, p_search);
	return q->filter ? where_filter(b, q->filter, e) : 0;
}

/* After the cursor's row, in the sort's order (keyset pagination). */
static void after_cursor(struct sqlb *b, const struct task_query *q, const struct sort_spec *s)
{
	const char *op = s->desc ? "<" : ">";
	char idbuf[24];
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, q->after.id);
	int p_id = param(b, xstrdup(idbuf), true);
	if (q->sort == TASK_SORT_DUE_DATE && q->after.value_null)
		strbuf_printf(&b->sql, " AND tasks.due_datetime IS NULL AND tasks.id %s $%d::bigint", op, p_id);
	else if (q->sort == TASK_SORT_DUE_DATE)
		strbuf_printf(&b->sql, " AND (tasks.due_datetime IS NULL OR (tasks.due_datetime, tasks.id) %s "
			      "($%d::timestamptz, $%d::bigint))", op, param(b, q->after.value, false), p_id);
	else
		strbuf_printf(&b->sql, " AND (%s, tasks.id) %s ($%d::%s, $%d::bigint)", s->key, op,
			      param(b, q->after.value, false), s->type, p_id);
}

/* The whole statement: SELECT ... WHERE <@where> [after the cursor]
 * ORDER BY ... LIMIT limit + 1 (the extra row says a next page exists).
 * With search ranking, only the RANK_WINDOW newest matches are ranked:
 * ranking every match of a common word for a user with 100k tasks cannot
 * stay under 20 ms. */
static void select_page(struct sqlb *b, const struct task_query *q, const struct sort_spec *s,
			const char *where)
{
	if (q->sort == TASK_SORT_RANK)
		strbuf_printf(&b->sql, "SELECT " TASK_COLUMNS ", (%s)::text AS sort_value FROM (SELECT * FROM tasks "
			      "WHERE %s ORDER BY created_at DESC, id DESC LIMIT %d) tasks WHERE true",
			      s->key, where, RANK_WINDOW);
	else
		strbuf_printf(&b->sql, "SELECT " TASK_COLUMNS ", (%s)::text AS sort_value FROM tasks WHERE %s",
			      s->key, where);
	if (q->after.has)
		after_cursor(b, q, s);
	const char *dir = s->desc ? "DESC" : "ASC";
	/* Qualified names: a bare "created_at" would resolve to an output
	 * column first. Tasks without a due date come last in both orders. */
	if (q->sort == TASK_SORT_DUE_DATE)
		strbuf_printf(&b->sql, " ORDER BY tasks.due_datetime %s NULLS LAST, tasks.id %s", dir, dir);
	else
		strbuf_printf(&b->sql, " ORDER BY %s %s, tasks.id %s", s->key, dir, dir);
	strbuf_printf(&b->sql, " LIMIT %d", q->limit + 1);
}

/* The page's tasks from @r (at most q->limit) and, when a row past the
 * page came back, the cursor of its last task. */
static void read_page(PGresult *r, const struct task_query *q, struct task **out, size_t *n,
		      char **next_cursor)
{
	size_t rows = (size_t)PQntuples(r);
	bool more = rows > (size_t)q->limit;
	if (more)
		rows = (size_t)q->limit;
	struct task *tasks = xcalloc(rows ? rows : 1, sizeof(*tasks));
	for (size_t i = 0; i < rows; i++)
		row_to_task(r, (int)i, &tasks[i]);
	if (more && rows) {
		int last = (int)rows - 1;
		int col = PQnfields(r) - 1;
		*next_cursor = task_cursor_encode(q, PQgetisnull(r, last, col) ? NULL : PQgetvalue(r, last, col),
						  tasks[rows - 1].id);
	}
	*out = tasks;
	*n = rows;
}

int task_repo_query(const char *user_id, const struct task_query *q, struct task **out,
		    size_t *n, char **next_cursor, struct err *e)
{
	struct sqlb b = { .sql = STRBUF_INIT };
	struct sort_spec s;
	*next_cursor = NULL;
	int p_user = param(&b, user_id, false);
	int p_search = q->search ? param(&b, q->search, false) : 0;
	s.key = sort_key(q, p_search, s.keybuf, sizeof(s.keybuf), &s.type, &s.desc);
	int rc = where_clause(&b, q, p_user, p_search, e);
	if (rc) {
		sqlb_release(&b);
		return rc;
	}
	char *where = strbuf_detach(&b.sql);
	select_page(&b, q, &s, where);
	free(where);
	PGresult *r;
	rc = db__exec_sql(strbuf_str(&b.sql), b.n, b.params, true, &r, e);
	sqlb_release(&b);
	if (rc)
		return rc;
	read_page(r, q, out, n, next_cursor);
	PQclear(r);
	return 0;
}
