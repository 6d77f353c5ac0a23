/*
 * Unit tests for src/store/filter_sql.c: golden SQL text and parameters for
 * representative filters (no database needed), parameter numbering, and a
 * randomized check that no value ever reaches the SQL text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/alloc.h"
#include "service/filter.h"
#include "store/filter_sql.h"

/* 2026-03-01T00:00:00Z. */
#define NOW INT64_C(1772323200)
#define MAX_PARAMS 8

#define TAGS_IN(n) "EXISTS (SELECT 1 FROM task_tags tt JOIN tags g ON g.id = tt.tag_id " \
	"WHERE tt.task_id = tasks.id AND lower(g.name) IN (SELECT lower(v) FROM unnest($" #n \
	"::text[]) AS v))"

struct sql_case {
	const char *filter;
	const char *sql;
	const char *params[MAX_PARAMS + 1];    /* NULL-terminated; $2 first */
};

static const struct sql_case cases[] = {
	/* The example of the issue. */
	{ "status = pending && priority >= Medium && due < now+7d && tags in (home, errands)",
	  "(tasks.completed = $2::boolean AND tasks.priority = ANY($3::text[]) AND "
	  "tasks.due_datetime < $4::timestamptz AND " TAGS_IN(5) ")",
	  { "false", "{\"Medium\",\"High\"}", "2026-03-08T00:00:00Z", "{\"home\",\"errands\"}" } },
	/* status and completed: the completed column. */
	{ "status = pending", "tasks.completed = $2::boolean", { "false" } },
	{ "status != completed", "tasks.completed <> $2::boolean", { "true" } },
	{ "status in (pending, completed)", "tasks.completed = ANY($2::boolean[])",
	  { "{\"false\",\"true\"}" } },
	{ "status not in (completed)", "NOT (tasks.completed = ANY($2::boolean[]))", { "{\"true\"}" } },
	{ "completed = true", "tasks.completed = $2::boolean", { "true" } },
	{ "completed != FALSE", "tasks.completed <> $2::boolean", { "false" } },
	/* id. */
	{ "id = 42", "tasks.id = $2::bigint", { "42" } },
	{ "id != 42", "tasks.id <> $2::bigint", { "42" } },
	{ "id < 10 && id <= 10 && id > 1 && id >= 007",
	  "(tasks.id < $2::bigint AND tasks.id <= $3::bigint AND tasks.id > $4::bigint AND "
	  "tasks.id >= $5::bigint)", { "10", "10", "1", "7" } },
	{ "id in (1, 2, 3)", "tasks.id = ANY($2::bigint[])", { "{\"1\",\"2\",\"3\"}" } },
	{ "id not in (4)", "NOT (tasks.id = ANY($2::bigint[]))", { "{\"4\"}" } },
	/* priority: order comparisons become the set of matching names. */
	{ "priority = high", "tasks.priority = $2", { "High" } },
	{ "priority != High", "tasks.priority <> $2", { "High" } },
	{ "priority < Medium", "tasks.priority = ANY($2::text[])", { "{\"Low\"}" } },
	{ "priority <= Medium", "tasks.priority = ANY($2::text[])", { "{\"Low\",\"Medium\"}" } },
	{ "priority > Medium", "tasks.priority = ANY($2::text[])", { "{\"High\"}" } },
	{ "priority >= Low", "tasks.priority = ANY($2::text[])",
	  { "{\"Low\",\"Medium\",\"High\"}" } },
	{ "priority > High", "tasks.priority = ANY($2::text[])", { "{}" } },
	{ "priority < Low", "tasks.priority = ANY($2::text[])", { "{}" } },
	{ "priority in (low, HIGH)", "tasks.priority = ANY($2::text[])", { "{\"Low\",\"High\"}" } },
	{ "priority not in (Medium)", "NOT (tasks.priority = ANY($2::text[]))", { "{\"Medium\"}" } },
	{ "!(priority >= Medium)", "NOT (tasks.priority = ANY($2::text[]))",
	  { "{\"Medium\",\"High\"}" } },
	/* Timestamps; a date is the UTC day [d, d + 1 day). */
	{ "due < now+7d", "tasks.due_datetime < $2::timestamptz", { "2026-03-08T00:00:00Z" } },
	{ "due = 2026-03-01",
	  "(tasks.due_datetime >= $2::timestamptz AND tasks.due_datetime < $3::timestamptz)",
	  { "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z" } },
	{ "due != 2026-03-01", "NOT COALESCE((tasks.due_datetime >= $2::timestamptz AND "
	  "tasks.due_datetime < $3::timestamptz), false)",
	  { "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z" } },
	{ "due < 2026-03-01 || due <= 2026-03-01 || due > 2026-03-01 || due >= 2026-03-01",
	  "(tasks.due_datetime < $2::timestamptz OR tasks.due_datetime < $3::timestamptz OR "
	  "tasks.due_datetime >= $4::timestamptz OR tasks.due_datetime >= $5::timestamptz)",
	  { "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z", "2026-03-02T00:00:00Z",
	    "2026-03-01T00:00:00Z" } },
	{ "due = 2024-02-28 || due = 9999-12-31",
	  "((tasks.due_datetime >= $2::timestamptz AND tasks.due_datetime < $3::timestamptz) OR "
	  "(tasks.due_datetime >= $4::timestamptz AND tasks.due_datetime < $5::timestamptz))",
	  { "2024-02-28T00:00:00Z", "2024-02-29T00:00:00Z", "9999-12-31T00:00:00Z",
	    "10000-01-01T00:00:00Z" } },
	{ "created = 2026-03-01T09:30:00.25+01:00", "tasks.created_at = $2::timestamptz",
	  { "2026-03-01T08:30:00.250000Z" } },
	{ "created != 2026-03-01",
	  "NOT (tasks.created_at >= $2::timestamptz AND tasks.created_at < $3::timestamptz)",
	  { "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z" } },
	{ "updated != now-2h", "tasks.updated_at <> $2::timestamptz", { "2026-02-28T22:00:00Z" } },
	{ "updated > now-1w && created <= now",
	  "(tasks.updated_at > $2::timestamptz AND tasks.created_at <= $3::timestamptz)",
	  { "2026-02-22T00:00:00Z", "2026-03-01T00:00:00Z" } },
	/* Under "!" a nullable column is made two-valued; elsewhere it stays bare. */
	{ "!(due < now)", "NOT (COALESCE(tasks.due_datetime < $2::timestamptz, false))",
	  { "2026-03-01T00:00:00Z" } },
	{ "!!(due < now)", "NOT (NOT (tasks.due_datetime < $2::timestamptz))",
	  { "2026-03-01T00:00:00Z" } },
	{ "!(!(due < now) || description = x)",
	  "NOT (NOT (tasks.due_datetime < $2::timestamptz) OR COALESCE(tasks.description = $3, false))",
	  { "2026-03-01T00:00:00Z", "x" } },
	{ "!(due < now && created < now)",
	  "NOT (COALESCE(tasks.due_datetime < $2::timestamptz, false) AND "
	  "tasks.created_at < $3::timestamptz)",
	  { "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z" } },
	/* Text: exact = and !=, ~ is ILIKE with % _ \ escaped in the parameter. */
	{ "title = \"Buy milk\"", "tasks.title = $2", { "Buy milk" } },
	{ "title != x", "tasks.title <> $2", { "x" } },
	{ "title ~ \"50%_off\\\\now\"", "tasks.title ILIKE $2 ESCAPE '\\'", { "%50\\%\\_off\\\\now%" } },
	{ "title ~ \"\"", "tasks.title ILIKE $2 ESCAPE '\\'", { "%%" } },
	{ "description = \"\"", "tasks.description = $2", { "" } },
	{ "description != x", "NOT COALESCE(tasks.description = $2, false)", { "x" } },
	{ "description ~ MiLk", "tasks.description ILIKE $2 ESCAPE '\\'", { "%MiLk%" } },
	{ "!(description ~ milk)", "NOT (COALESCE(tasks.description ILIKE $2 ESCAPE '\\', false))",
	  { "%milk%" } },
	{ "title ~ caf\xC3\xA9", "tasks.title ILIKE $2 ESCAPE '\\'", { "%caf\xC3\xA9%" } },
	/* Tags: one array parameter, names compared with lower() on both sides. */
	{ "tags = Home", TAGS_IN(2), { "{\"Home\"}" } },
	{ "tags != home", "NOT " TAGS_IN(2), { "{\"home\"}" } },
	{ "tags in (home, \"b\\\"c\", \"x\\\\y\", NULL)", TAGS_IN(2),
	  { "{\"home\",\"b\\\"c\",\"x\\\\y\",\"NULL\"}" } },
	{ "tags not in (a)", "NOT " TAGS_IN(2), { "{\"a\"}" } },
	{ "!(tags in (a, b))", "NOT (" TAGS_IN(2) ")", { "{\"a\",\"b\"}" } },
	/* is [not] null. */
	{ "due is null", "tasks.due_datetime IS NULL", { NULL } },
	{ "description is not null", "tasks.description IS NOT NULL", { NULL } },
	{ "description is null && !(due is not null)",
	  "(tasks.description IS NULL AND NOT (tasks.due_datetime IS NOT NULL))", { NULL } },
	/* Grouping: AND / OR are parenthesised, "!" of a group adds no more. */
	{ "!(id = 1 && id = 2)", "NOT (tasks.id = $2::bigint AND tasks.id = $3::bigint)", { "1", "2" } },
	{ "id = 1 || id = 2 && (id = 3 || id = 4)",
	  "(tasks.id = $2::bigint OR (tasks.id = $3::bigint AND (tasks.id = $4::bigint OR "
	  "tasks.id = $5::bigint)))", { "1", "2", "3", "4" } },
	/* Values that look like SQL stay parameters. */
	{ "title = \"x' OR '1'='1\" && tags = \"'); DROP TABLE tasks; --\" && description ~ \"$2\"",
	  "(tasks.title = $2 AND " TAGS_IN(3) " AND tasks.description ILIKE $4 ESCAPE '\\')",
	  { "x' OR '1'='1", "{\"'); DROP TABLE tasks; --\"}", "%$2%" } },
};

static struct filter *parse(const char *text)
{
	struct filter *f;
	struct err e;
	size_t col;
	if (filter_parse(text, strlen(text), NOW, &f, &col, &e) != 0)
		fail_msg("filter '%s' does not parse: %s", text, e.msg);
	return f;
}

static void test_golden(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sql_case *c = &cases[i];
		struct filter *f = parse(c->filter);
		struct filter_sql q;
		struct err e;
		assert_int_equal(filter_sql_compile(f, 2, &q, &e), 0);
		if (strcmp(q.sql, c->sql) != 0)
			fail_msg("filter '%s'\n  got  %s\n  want %s", c->filter, q.sql, c->sql);
		size_t want_n = 0;
		while (c->params[want_n])
			want_n++;
		if (q.nparams != want_n)
			fail_msg("filter '%s': %zu parameters, want %zu", c->filter, q.nparams, want_n);
		for (size_t k = 0; k < want_n; k++)
			if (strcmp(q.params[k], c->params[k]) != 0)
				fail_msg("filter '%s': $%zu is '%s', want '%s'", c->filter, k + 2,
					 q.params[k], c->params[k]);
		filter_sql_release(&q);
		filter_free(f);
	}
}

/* Parameters are numbered from the one given; the text changes only there. */
static void test_numbering(void **state)
{
	(void)state;
	struct filter *f = parse("due = 2026-03-01 || tags in (a) || id > 3");
	struct filter_sql q;
	struct err e;
	assert_int_equal(filter_sql_compile(f, 1, &q, &e), 0);
	assert_string_equal(q.sql, "((tasks.due_datetime >= $1::timestamptz AND tasks.due_datetime < "
			    "$2::timestamptz) OR " TAGS_IN(3) " OR tasks.id > $4::bigint)");
	assert_int_equal(q.nparams, 4);
	filter_sql_release(&q);
	assert_null(q.sql);
	assert_int_equal(q.nparams, 0);
	assert_int_equal(filter_sql_compile(f, 10, &q, &e), 0);
	assert_string_equal(q.sql, "((tasks.due_datetime >= $10::timestamptz AND tasks.due_datetime < "
			    "$11::timestamptz) OR " TAGS_IN(12) " OR tasks.id > $13::bigint)");
	filter_sql_release(&q);
	/* The last parameter PostgreSQL allows. */
	assert_int_equal(filter_sql_compile(f, 65532, &q, &e), 0);
	assert_non_null(strstr(q.sql, "$65535::bigint"));
	filter_sql_release(&q);

	/* Misuse is a bug of the caller. */
	memset(&q, 0, sizeof(q));
	assert_int_equal(filter_sql_compile(f, 0, &q, &e), TODO_EINTERNAL);
	assert_null(q.sql);
	assert_int_equal(filter_sql_compile(f, 65533, &q, &e), TODO_EINTERNAL);
	assert_string_equal(e.msg, "filter needs 4 parameters from $65533, more than PostgreSQL allows");
	assert_null(q.sql);
	assert_int_equal(filter_sql_compile(NULL, 2, &q, &e), TODO_EINTERNAL);
	filter_free(f);
}

/* --- randomized: values never reach the SQL text --------------------- */

#define RANDOM_RUNS 3000

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static const char *pick(const char *const *list, size_t n)
{
	return list[rng() % n];
}

#define PICK(list) pick(list, sizeof(list) / sizeof(list[0]))

/* Values with every character that could break out of SQL text. */
static const char *const hostile[] = {
	"x", "\"'\"", "\"';--\"", "\"$1\"", "\"\\\\\"", "\"\\\"\"", "\"%_\"", "\"{}\"", "\"a,b\"",
	"\")\"", "\"NULL\"", "\"E'\\\\x'\"", "\"$$\"", "\"/*\"", "caf\xC3\xA9",
};

static void random_comparison(char *buf, size_t cap)
{
	static const char *const fixed[] = {
		"status = pending", "status != completed", "status in (pending, completed)",
		"completed = true", "priority >= Medium", "priority != Low", "priority not in (High)",
		"priority < High", "due < now+7d", "due = 2026-03-01", "due != 2026-03-01",
		"created <= 2026-03-01", "updated > now-2h", "id in (1, 2)", "id != 3",
		"due is not null", "description is null",
	};
	static const char *const text_ops[] = { "=", "!=", "~" };
	static const char *const text_fields[] = { "title", "description" };
	switch (rng() % 4) {
	case 0:
		snprintf(buf, cap, "%s %s %s", PICK(text_fields), PICK(text_ops), PICK(hostile));
		break;
	case 1:
		snprintf(buf, cap, "tags %s (%s, %s)", rng() & 1 ? "in" : "not in", PICK(hostile),
			 PICK(hostile));
		break;
	default:
		snprintf(buf, cap, "%s", PICK(fixed));
		break;
	}
}

static void random_filter(char *buf, size_t cap, int depth)
{
	char a[512], b[512];
	switch (depth > 3 ? 0 : rng() % 4) {
	case 0:
		random_comparison(buf, cap);
		break;
	case 1:
		random_filter(a, sizeof(a), depth + 1);
		snprintf(buf, cap, "!(%s)", a);
		break;
	default:
		random_filter(a, sizeof(a), depth + 1);
		random_filter(b, sizeof(b), depth + 1);
		snprintf(buf, cap, "(%s) %s (%s)", a, rng() & 1 ? "&&" : "||", b);
		break;
	}
}

/* The SQL holds no quote but the ESCAPE '\' literal, and uses exactly the
 * parameters $first .. $first + n - 1, each once, in order. */
static void check_sql(const char *filter, const struct filter_sql *q, int first)
{
	size_t next = (size_t)first;
	for (const char *s = q->sql; *s; s++) {
		if (strncmp(s, "ESCAPE '\\'", 10) == 0) {
			s += 9;
			continue;
		}
		if (*s == '\'' || *s == '"' || *s == ';' || (*s == '-' && s[1] == '-'))
			fail_msg("filter '%s': SQL has '%c' at %zu: %s", filter, *s,
				 (size_t)(s - q->sql), q->sql);
		if (*s == '$') {
			char *end;
			unsigned long n = strtoul(s + 1, &end, 10);
			if (end == s + 1 || n != next)
				fail_msg("filter '%s': placeholder $%lu, want $%zu: %s", filter, n, next, q->sql);
			next++;
			s = end - 1;
		}
	}
	if (next - (size_t)first != q->nparams)
		fail_msg("filter '%s': %zu placeholders for %zu parameters", filter,
			 next - (size_t)first, q->nparams);
}

static void test_random_no_values_in_sql(void **state)
{
	(void)state;
	rng_state = UINT64_C(0xF117E25A1);
	size_t compiled = 0;
	for (int i = 0; i < RANDOM_RUNS; i++) {
		char text[2048];
		random_filter(text, sizeof(text), 0);
		struct filter *f;
		struct err e;
		size_t col;
		/* Some get too long or too deep; the parser's tests cover those. */
		if (filter_parse(text, strlen(text), NOW, &f, &col, &e) != 0)
			continue;
		struct filter_sql q;
		int first = 2 + (int)(rng() % 3);
		assert_int_equal(filter_sql_compile(f, first, &q, &e), 0);
		check_sql(text, &q, first);
		filter_sql_release(&q);
		filter_free(f);
		compiled++;
	}
	assert_true(compiled > RANDOM_RUNS / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_numbering),
		cmocka_unit_test(test_random_no_values_in_sql),
	};
	return cmocka_run_group_tests_name("store/filter_sql", tests, NULL, NULL);
}
