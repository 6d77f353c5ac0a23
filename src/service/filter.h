/*
 * filter.h - the task filter language: text -> syntax tree. Pure logic, no I/O.
 *
 * One small language for every place that selects tasks (REST ?filter=,
 * MCP tools, saved views), for example
 *
 *     status = pending && priority >= Medium && due < now+7d && tags in (home, errands)
 *
 * Grammar (keywords, field names and enumerated values are case-insensitive):
 *
 *     expr       := or
 *     or         := and ('||' and)*
 *     and        := unary ('&&' unary)*
 *     unary      := '!' unary | '(' expr ')' | comparison
 *     comparison := field op value
 *                 | field 'in' '(' value (',' value)* ')'
 *                 | field 'not' 'in' '(' value (',' value)* ')'
 *                 | field 'is' 'null' | field 'is' 'not' 'null'
 *     op         := '=' | '!=' | '<' | '<=' | '>' | '>=' | '~'
 *     value      := bare word | '"' chars '"'   (inside quotes \" and \\ are
 *                                                the only escapes)
 *
 * A bare word is a run of anything but white space, control characters and
 * the characters = ! < > ~ ( ) , & | " ' (so now+7d, 2026-03-01T09:00:00+02:00
 * and c++ need no quotes; "buy milk" does).
 *
 * Fields, their values and operators (anything else is an error):
 *
 *     status       pending | completed          = != in, not in
 *     priority     High | Medium | Low          = != < <= > >= in, not in
 *                  (ordered Low < Medium < High: >= Medium is Medium or High)
 *     due          timestamp                    = != < <= > >=, is [not] null
 *     created      timestamp                    = != < <= > >=
 *     updated      timestamp                    = != < <= > >=
 *     title        text                         = != ~
 *     description  text                         = != ~, is [not] null
 *     tags         tag name                     = != in, not in
 *     completed    true | false                 = !=
 *     id           positive integer             = != < <= > >= in, not in
 *
 * "~" is "contains", case-insensitive; = and != on text are exact. A tag
 * comparison is true when the task has a tag of that name (case-insensitive);
 * "tags != x" and "tags not in (...)" are its negation.
 *
 * Timestamps: RFC 3339 (2026-03-01T09:00:00Z, 2026-03-01T09:00:00.5+02:00),
 * a date YYYY-MM-DD (a whole UTC day: "= 2026-03-01" is any time that day,
 * "<= 2026-03-01" includes that day, "> 2026-03-01" starts the next), or
 * now, now+N<unit>, now-N<unit> with unit m (minutes), h, d or w (weeks).
 * `now` is the value given to filter_parse, so results are reproducible.
 *
 * Missing values (no due date, no description) never satisfy a
 * comparison; != and "not in" are the exact negation of = and "in", so they
 * do match a missing value, and "!" always flips the result.
 *
 * Limits: FILTER_TEXT_MAX bytes of UTF-8 (no NUL), FILTER_DEPTH_MAX nested
 * "(" and "!", FILTER_COMPARISONS_MAX comparisons.
 *
 * Errors are TODO_EINVAL with field "filter" and a message naming the
 * 1-based column (in characters) of the offending token, e.g.
 *     could not parse filter at column 17: expected a value after ">=", got end of input
 *     unknown field "prio" at column 1
 *     priority "Urgent" at column 13 is not one of High, Medium, Low
 */
#ifndef TODOD_SERVICE_FILTER_H
#define TODOD_SERVICE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define FILTER_TEXT_MAX 2000       /* bytes */
#define FILTER_DEPTH_MAX 32        /* nested '(' and '!' */
#define FILTER_COMPARISONS_MAX 100

enum filter_field {
	FILTER_FIELD_STATUS,
	FILTER_FIELD_PRIORITY,
	FILTER_FIELD_DUE,
	FILTER_FIELD_CREATED,
	FILTER_FIELD_UPDATED,
	FILTER_FIELD_TITLE,
	FILTER_FIELD_DESCRIPTION,
	FILTER_FIELD_TAGS,
	FILTER_FIELD_COMPLETED,
	FILTER_FIELD_ID,
};

enum filter_op {
	FILTER_OP_EQ,
	FILTER_OP_NE,
	FILTER_OP_LT,
	FILTER_OP_LE,
	FILTER_OP_GT,
	FILTER_OP_GE,
	FILTER_OP_CONTAINS,    /* ~ */
	FILTER_OP_IN,
	FILTER_OP_NOT_IN,
	FILTER_OP_IS_NULL,
	FILTER_OP_IS_NOT_NULL,
};

enum filter_kind {
	FILTER_AND,            /* all children hold (n >= 2) */
	FILTER_OR,             /* any child holds (n >= 2) */
	FILTER_NOT,            /* one child */
	FILTER_CMP,            /* a comparison */
};

/* Priority ranks: the order of the enumeration. */
enum filter_priority {
	FILTER_PRIORITY_LOW = 1,
	FILTER_PRIORITY_MEDIUM = 2,
	FILTER_PRIORITY_HIGH = 3,
};

/* One value of a comparison, already checked against its field. */
struct filter_value {
	/* status: 1 completed, 0 pending; completed: 1 true, 0 false;
	 * priority: enum filter_priority; id: the id; timestamps: microseconds
	 * since 1970-01-01T00:00:00Z; text and tags: 0. */
	int64_t num;
	/* Timestamps: the value was a date (a whole UTC day starting at num). */
	bool is_date;
	/* text and tags: the value as written (unescaped), malloc'd; other
	 * fields: NULL. */
	char *text;
};

struct filter_node {
	enum filter_kind kind;
	size_t column;                  /* 1-based column where the node starts */
	/* FILTER_AND, FILTER_OR, FILTER_NOT */
	struct filter_node **children;  /* malloc'd array of owned nodes */
	size_t nchildren;
	/* FILTER_CMP */
	enum filter_field field;
	enum filter_op op;
	struct filter_value *values;    /* malloc'd; 0 for is [not] null, 1 for
					 * the others, >= 1 for [not] in */
	size_t nvalues;
};

/* A parsed filter; owns all its nodes. */
struct filter {
	struct filter_node *root;
	size_t ncomparisons;
};

/* --- parsing --------------------------------------------------------- */

/* filter_parse - parse @len bytes of @text into a new filter (*@out, freed
 * with filter_free). @now (Unix seconds) is the value of `now`.
 * Returns 0, or TODO_EINVAL with @e filled (field "filter") and, when
 * @err_column is not NULL, the 1-based character column of the error there
 * (1 .. characters in @text + 1, the latter meaning "at the end"); *@out is
 * then NULL. An empty filter is an error: callers treat an absent
 * parameter as "no filter" themselves. */
int filter_parse(const char *text, size_t len, int64_t now, struct filter **out,
		 size_t *err_column, struct err *e);

/* filter_free - free @f and all its nodes; NULL is a no-op. */
void filter_free(struct filter *f);

/* --- inspection ------------------------------------------------------ */

/* filter_dump - the normalised tree as one line of S-expressions, malloc'd:
 *     (and (= status pending) (>= priority Medium) (< due 2026-03-08T00:00:00Z)
 *          (in tags "home" "errands"))
 * Operators: = != < <= > >= ~ in not-in is-null is-not-null; and, or, not.
 * Text values are double-quoted with \" and \\ escaped; timestamps are UTC
 * RFC 3339 (with microseconds only when not zero), dates YYYY-MM-DD;
 * enumerations are canonical (pending, Medium, true). */
char *filter_dump(const struct filter *f);

/* filter_field_name / filter_op_name - "priority", ">=" ("not in",
 * "is null", ...). */
const char *filter_field_name(enum filter_field field);
const char *filter_op_name(enum filter_op op);

/* filter_format_time - @usec (microseconds since the epoch, within years
 * 1..9999) as UTC RFC 3339 into @buf (at least FILTER_TIME_TEXT_MAX bytes):
 * "2026-03-01T09:00:00Z", or "2026-03-01T09:00:00.500000Z" when the
 * microseconds are not zero. */
#define FILTER_TIME_TEXT_MAX 32
void filter_format_time(int64_t usec, char *buf);

#endif
