#include "store/filter_sql.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"

#define USEC_PER_DAY (INT64_C(86400) * 1000000)
#define PG_PARAMS_MAX 65535


/* The column of each field; tags live in their own tables. */
static const char *const columns[] = {
	[FILTER_FIELD_STATUS] = "tasks.completed",
	[FILTER_FIELD_PRIORITY] = "tasks.priority",
	[FILTER_FIELD_DUE] = "tasks.due_datetime",
	[FILTER_FIELD_CREATED] = "tasks.created_at",
	[FILTER_FIELD_UPDATED] = "tasks.updated_at",
	[FILTER_FIELD_TITLE] = "tasks.title",
	[FILTER_FIELD_DESCRIPTION] = "tasks.description",
	[FILTER_FIELD_TAGS] = NULL,
	[FILTER_FIELD_COMPLETED] = "tasks.completed",
	[FILTER_FIELD_ID] = "tasks.id",
};

static const char *const priority_names[] = { NULL, "Low", "Medium", "High" };

static const char *const sql_ops[] = {
	[FILTER_OP_EQ] = " = ",
	[FILTER_OP_NE] = " <> ",
	[FILTER_OP_LT] = " < ",
	[FILTER_OP_LE] = " <= ",
	[FILTER_OP_GT] = " > ",
	[FILTER_OP_GE] = " >= ",
};

static bool nullable(enum filter_field f)
{
	return f == FILTER_FIELD_DUE || f == FILTER_FIELD_DESCRIPTION;
}

struct compiler {
	struct strbuf sql;
	char **params;
	size_t nparams;
	int first;
};

/* Append "$N" + @cast for a new parameter @value (consumed). */
static void param(struct compiler *c, struct strbuf *b, char *value, const char *cast)
{
	c->params = xrealloc(c->params, (c->nparams + 1) * sizeof(*c->params));
	c->params[c->nparams] = value;
	char num[24];
	snprintf(num, sizeof(num), "$%zu", (size_t)c->first + c->nparams);
	c->nparams++;
	strbuf_puts(b, num);
	strbuf_puts(b, cast);
}

/* The text of one value as PostgreSQL reads it. */
static char *value_text(enum filter_field field, const struct filter_value *v)
{
	char buf[FILTER_TIME_TEXT_MAX];
	switch (field) {
	case FILTER_FIELD_STATUS:
	case FILTER_FIELD_COMPLETED:
		return xstrdup(v->num ? "true" : "false");
	case FILTER_FIELD_PRIORITY:
		return xstrdup(priority_names[v->num]);
	case FILTER_FIELD_ID:
		return xasprintf("%lld", (long long)v->num);
	case FILTER_FIELD_DUE:
	case FILTER_FIELD_CREATED:
	case FILTER_FIELD_UPDATED:
		filter_format_time(v->num, buf);
		return xstrdup(buf);
	case FILTER_FIELD_TITLE:
	case FILTER_FIELD_DESCRIPTION:
	case FILTER_FIELD_TAGS:
		break;
	}
	return xstrdup(v->text);
}

/* An array literal {"a","b"} of @n texts; inside the quotes " and \ are
 * backslash-escaped, so any text round-trips (and "NULL" stays a string). */
static void array_add(struct strbuf *b, const char *text)
{
	strbuf_add(b, b->len > 1 ? ",\"" : "\"", b->len > 1 ? 2 : 1);
	for (const char *t = text; *t; t++) {
		if (*t == '"' || *t == '\\')
			strbuf_add(b, "\\", 1);
		strbuf_add(b, t, 1);
	}
	strbuf_add(b, "\"", 1);
}

static char *array_of_values(const struct filter_node *n)
{
	struct strbuf b = { 0 };
	strbuf_add(&b, "{", 1);
	for (size_t i = 0; i < n->nvalues; i++) {
		char *t = value_text(n->field, &n->values[i]);
		array_add(&b, t);
		free(t);
	}
	strbuf_add(&b, "}", 1);
	return b.s;
}

/* The priorities that satisfy "priority @op @rank", as an array literal. */
static char *priority_set(enum filter_op op, int64_t rank)
{
	struct strbuf b = { 0 };
	strbuf_add(&b, "{", 1);
	for (int64_t r = FILTER_PRIORITY_LOW; r <= FILTER_PRIORITY_HIGH; r++) {
		bool in = op == FILTER_OP_LT ? r < rank : op == FILTER_OP_LE ? r <= rank
			: op == FILTER_OP_GT ? r > rank : r >= rank;
		if (in)
			array_add(&b, priority_names[r]);
	}
	strbuf_add(&b, "}", 1);
	return b.s;
}

/* '%' + @s with % _ \ escaped + '%': an ILIKE pattern for "contains @s". */
static char *contains_pattern(const char *s)
{
	struct strbuf b = { 0 };
	strbuf_add(&b, "%", 1);
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			strbuf_add(&b, "\\", 1);
		strbuf_add(&b, s, 1);
	}
	strbuf_add(&b, "%", 1);
	return b.s;
}

static const char *const time_cast = "::timestamptz";

/* The cast of a single value of @field ("" for text). */
static const char *scalar_cast(enum filter_field field)
{
	switch (field) {
	case FILTER_FIELD_STATUS:
	case FILTER_FIELD_COMPLETED:
		return "::boolean";
	case FILTER_FIELD_ID:
		return "::bigint";
	case FILTER_FIELD_DUE:
	case FILTER_FIELD_CREATED:
	case FILTER_FIELD_UPDATED:
		return time_cast;
	default:
		return "";
	}
}

/* A timestamp comparison; a date is the UTC day [start, start + 1 day). */
static void time_predicate(struct compiler *c, struct strbuf *b, const char *col,
			   enum filter_op op, const struct filter_value *v)
{
	char buf[FILTER_TIME_TEXT_MAX];
	if (!v->is_date) {
		strbuf_puts(b, col);
		strbuf_puts(b, sql_ops[op]);
		filter_format_time(v->num, buf);
		param(c, b, xstrdup(buf), time_cast);
		return;
	}
	int64_t start = v->num, end = v->num + USEC_PER_DAY;
	if (op == FILTER_OP_EQ) {
		strbuf_puts(b, "(");
		time_predicate(c, b, col, FILTER_OP_GE, &(struct filter_value){ .num = start });
		strbuf_puts(b, " AND ");
		time_predicate(c, b, col, FILTER_OP_LT, &(struct filter_value){ .num = end });
		strbuf_puts(b, ")");
		return;
	}
	/* < d: before the day; <= d: before the next; > d: from the next; >= d: from the day. */
	bool next_day = op == FILTER_OP_LE || op == FILTER_OP_GT;
	enum filter_op sql_op = op == FILTER_OP_LE ? FILTER_OP_LT : op == FILTER_OP_GT ? FILTER_OP_GE : op;
	time_predicate(c, b, col, sql_op, &(struct filter_value){ .num = next_day ? end : start });
}

/* The comparison @n with @op (=, <, <=, >, >=, ~ or in: never a negation)
 * into @b. */
static void positive_predicate(struct compiler *c, struct strbuf *b, const struct filter_node *n,
			       enum filter_op op)
{
	const char *col = columns[n->field];
	const struct filter_value *v = &n->values[0];
	switch (n->field) {
	case FILTER_FIELD_TAGS:
		strbuf_puts(b, "EXISTS (SELECT 1 FROM task_tags tt JOIN tags g ON g.id = tt.tag_id "
			"WHERE tt.task_id = tasks.id AND lower(g.name) IN "
			"(SELECT lower(v) FROM unnest(");
		param(c, b, array_of_values(n), "::text[]");
		strbuf_puts(b, ") AS v))");
		return;
	case FILTER_FIELD_DUE:
	case FILTER_FIELD_CREATED:
	case FILTER_FIELD_UPDATED:
		time_predicate(c, b, col, op, v);
		return;
	case FILTER_FIELD_TITLE:
	case FILTER_FIELD_DESCRIPTION:
		strbuf_puts(b, col);
		if (op == FILTER_OP_CONTAINS) {
			strbuf_puts(b, " ILIKE ");
			param(c, b, contains_pattern(v->text), " ESCAPE '\\'");
		} else {
			strbuf_puts(b, " = ");
			param(c, b, xstrdup(v->text), "");
		}
		return;
	case FILTER_FIELD_PRIORITY:
		strbuf_puts(b, col);
		if (op == FILTER_OP_EQ) {
			strbuf_puts(b, " = ");
			param(c, b, value_text(n->field, v), "");
		} else {
			strbuf_puts(b, " = ANY(");
			param(c, b, op == FILTER_OP_IN ? array_of_values(n) : priority_set(op, v->num),
			      "::text[]");
			strbuf_puts(b, ")");
		}
		return;
	case FILTER_FIELD_STATUS:
	case FILTER_FIELD_COMPLETED:
	case FILTER_FIELD_ID: {
		const char *type = scalar_cast(n->field);
		strbuf_puts(b, col);
		if (op == FILTER_OP_IN) {
			char cast[16];
			snprintf(cast, sizeof(cast), "%s[]", type);
			strbuf_puts(b, " = ANY(");
			param(c, b, array_of_values(n), cast);
			strbuf_puts(b, ")");
		} else {
			strbuf_puts(b, sql_ops[op]);
			param(c, b, value_text(n->field, v), type);
		}
		return;
	}
	}
}

/* A comparison. Under an odd number of NOTs (@negated) it must be true or
 * false, never NULL, so NOT flips it: nullable columns get COALESCE there.
 * Elsewhere NULL and false select the same rows, and the bare comparison
 * keeps indexes usable. */
static void compile_cmp(struct compiler *c, const struct filter_node *n, bool negated)
{
	struct strbuf *b = &c->sql;
	const char *col = columns[n->field];
	if (n->op == FILTER_OP_IS_NULL || n->op == FILTER_OP_IS_NOT_NULL) {
		strbuf_puts(b, col);
		strbuf_puts(b, n->op == FILTER_OP_IS_NULL ? " IS NULL" : " IS NOT NULL");
		return;
	}
	bool negative = n->op == FILTER_OP_NE || n->op == FILTER_OP_NOT_IN;
	enum filter_op op = n->op == FILTER_OP_NE ? FILTER_OP_EQ
		: n->op == FILTER_OP_NOT_IN ? FILTER_OP_IN : n->op;
	if (nullable(n->field)) {
		if (negative || negated)
			strbuf_puts(b, negative ? "NOT COALESCE(" : "COALESCE(");
		positive_predicate(c, b, n, op);
		if (negative || negated)
			strbuf_puts(b, ", false)");
		return;
	}
	if (!negative) {
		positive_predicate(c, b, n, op);
		return;
	}
	bool scalar_ne = n->op == FILTER_OP_NE && n->field != FILTER_FIELD_TAGS &&
		!(n->nvalues == 1 && n->values[0].is_date);
	if (scalar_ne) {
		/* col <> $N */
		strbuf_puts(b, col);
		strbuf_puts(b, " <> ");
		param(c, b, value_text(n->field, &n->values[0]), scalar_cast(n->field));
		return;
	}
	/* EXISTS (...) and (a AND b) need no more parentheses. */
	bool delimited = n->field == FILTER_FIELD_TAGS || n->op == FILTER_OP_NE;
	strbuf_puts(b, delimited ? "NOT " : "NOT (");
	positive_predicate(c, b, n, op);
	if (!delimited)
		strbuf_puts(b, ")");
}

static void compile(struct compiler *c, const struct filter_node *n, bool negated)
{
	struct strbuf *b = &c->sql;
	switch (n->kind) {
	case FILTER_AND:
	case FILTER_OR:
		strbuf_puts(b, "(");
		for (size_t i = 0; i < n->nchildren; i++) {
			if (i)
				strbuf_puts(b, n->kind == FILTER_AND ? " AND " : " OR ");
			compile(c, n->children[i], negated);
		}
		strbuf_puts(b, ")");
		return;
	case FILTER_NOT: {
		const struct filter_node *child = n->children[0];
		bool delimited = child->kind == FILTER_AND || child->kind == FILTER_OR;
		strbuf_puts(b, delimited ? "NOT " : "NOT (");
		compile(c, child, !negated);
		if (!delimited)
			strbuf_puts(b, ")");
		return;
	}
	case FILTER_CMP:
		compile_cmp(c, n, negated);
		return;
	}
}

int filter_sql_compile(const struct filter *f, int first_param, struct filter_sql *out,
		       struct err *e)
{
	if (!f || !f->root || first_param < 1)
		return err_set(e, TODO_EINTERNAL, "filter", "filter_sql_compile called without a "
			       "filter or with first parameter %d", first_param);
	struct compiler c = { .first = first_param };
	compile(&c, f->root, false);
	if (first_param > PG_PARAMS_MAX || c.nparams > (size_t)(PG_PARAMS_MAX - first_param + 1)) {
		size_t n = c.nparams;
		struct filter_sql q = { c.sql.s, c.params, c.nparams };
		filter_sql_release(&q);
		return err_set(e, TODO_EINTERNAL, "filter", "filter needs %zu parameters from $%d, "
			       "more than PostgreSQL allows", n, first_param);
	}
	out->sql = c.sql.s;
	out->params = c.params;
	out->nparams = c.nparams;
	return 0;
}

void filter_sql_release(struct filter_sql *q)
{
	for (size_t i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	memset(q, 0, sizeof(*q));
}
