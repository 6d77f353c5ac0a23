/*
 * filter_sql.h - a parsed task filter (service/filter.h) as a parameterised
 * SQL boolean expression over the `tasks` table.
 *
 * No value of the filter ever appears in the SQL text: every value travels
 * as a text parameter $N, cast in SQL where the column needs it. The text
 * depends only on the shape of the filter (fields, operators, nesting), so
 * it is also safe to use as a prepared statement's key.
 *
 * The expression is atomic or parenthesised, so a query can AND it into its
 * WHERE clause as is:
 *     ... WHERE tasks.user_id = $1 AND <sql> ...
 *
 * Columns it reads (migrations 0001 and 0003): tasks.completed,
 * tasks.priority (NOT NULL, 'High' | 'Medium' | 'Low'), tasks.due_datetime,
 * tasks.created_at, tasks.updated_at, tasks.title, tasks.description,
 * tasks.id, and task_tags (task_id, tag_id) joined to tags (id, name).
 *
 * Semantics the SQL keeps (see filter.h): a comparison with a missing value
 * (NULL due_datetime or description) is false and "!" flips it;
 * != and "not in" are the negation of = and "in"; a date is a whole UTC
 * day; "~" is a case-insensitive substring match with % _ \ taken
 * literally; tag names compare case-insensitively with lower() on both
 * sides; priority order comparisons become sets (>= Medium: Medium, High).
 */
#ifndef TODOD_STORE_FILTER_SQL_H
#define TODOD_STORE_FILTER_SQL_H

#include <stddef.h>

#include "base/err.h"
#include "service/filter.h"

struct filter_sql {
	char *sql;         /* the boolean expression, malloc'd */
	char **params;     /* params[i] is the text of $(first_param + i), malloc'd */
	size_t nparams;
};

/* filter_sql_compile - compile @f into @out, numbering parameters from
 * @first_param (2 when the query already has $1). @out is filled on success
 * only; release it with filter_sql_release. Returns 0, or TODO_EINTERNAL
 * (a bug in the caller) when @f has no tree or @first_param is below 1 or
 * the parameters would not fit PostgreSQL's 65535. */
int filter_sql_compile(const struct filter *f, int first_param, struct filter_sql *out,
		       struct err *e);

/* filter_sql_release - free the contents of @q (not @q). */
void filter_sql_release(struct filter_sql *q);

#endif
