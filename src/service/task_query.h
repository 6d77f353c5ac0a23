/*
 * task_query.h - what GET /api/{user_id}/tasks asks for: filters, search,
 * sort and a keyset cursor. Pure: parsing and cursor encoding only; the SQL
 * is built by store/task_repo.c (task_repo_query).
 */
#ifndef TODOD_SERVICE_TASK_QUERY_H
#define TODOD_SERVICE_TASK_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/task.h"

#define TASK_QUERY_LIMIT_DEFAULT 50
#define TASK_QUERY_LIMIT_MAX 200
#define TASK_QUERY_TAGS_MAX 20
#define TASK_SEARCH_MAX 200     /* bytes */

enum task_sort {
	TASK_SORT_CREATED_AT = 0,   /* default: newest first */
	TASK_SORT_DUE_DATE,         /* tasks without a due date last, either order */
	TASK_SORT_PRIORITY,         /* desc = High > Medium > Low (the default) */
	TASK_SORT_TITLE,
	TASK_SORT_RANK,             /* search relevance; only with search and no sort_by */
};

enum {
	PRIORITY_BIT_HIGH = 1u << 0,
	PRIORITY_BIT_MEDIUM = 1u << 1,
	PRIORITY_BIT_LOW = 1u << 2,
};

/* Where the previous page ended. */
struct task_cursor {
	bool has;
	bool value_null;           /* the sort value of the last row was NULL */
	char value[832];           /* its text (time, rank, lower-cased title ...) */
	int64_t id;
};

struct filter;

struct task_query {
	enum task_status_filter status;
	unsigned priorities;       /* PRIORITY_BIT_*; 0 = any */
	char due_from[TIME_TEXT_MAX], due_to[TIME_TEXT_MAX];   /* "" = open */
	bool overdue;
	char *tags[TASK_QUERY_TAGS_MAX];   /* lower-cased names, malloc'd */
	size_t ntags;
	bool tags_all;             /* tags_mode=all */
	char *search;              /* malloc'd, or NULL */
	enum task_sort sort;
	bool desc;
	int limit;
	struct task_cursor after;
	struct filter *filter;     /* parsed filter= expression, or NULL */
};

/* A malloc'd copy of a title cursor value can be long: keep it bounded. */
#define TASK_CURSOR_TITLE_MAX 60

void task_query_init(struct task_query *q);
void task_query_release(struct task_query *q);

/* Parsers of the individual query parameters; each names its parameter in
 * the TODO_EINVAL message. */
int task_query_set_priorities(struct task_query *q, const char *csv, struct err *e);
int task_query_set_tags(struct task_query *q, const char *csv, struct err *e);
int task_query_set_sort(struct task_query *q, const char *sort_by, const char *sort_order,
			struct err *e);
int task_query_set_time(char out[TIME_TEXT_MAX], const char *field, const char *value,
			struct err *e);
int task_query_set_limit(struct task_query *q, const char *s, struct err *e);

/* task_cursor_encode - opaque text for the row (@value may be NULL) that
 * ends a page, bound to the query's sort; malloc'd. */
char *task_cursor_encode(const struct task_query *q, const char *value, int64_t id);

/* task_cursor_decode - the cursor of a previous page; TODO_EINVAL (field
 * "cursor") if it is malformed or was made for another sort. */
int task_cursor_decode(struct task_query *q, const char *text, struct err *e);

#endif
