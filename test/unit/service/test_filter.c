/*
 * Unit tests for src/service/filter.c: valid filters as normalised tree
 * dumps, every error with its exact column and message, the limits, and a
 * deterministic fuzz loop (random and mutated inputs must end in 0 or
 * TODO_EINVAL with a column inside the input, never a crash or a leak).
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
#include "base/utf8.h"
#include "service/filter.h"

/* 2026-03-01T00:00:00Z: `now` in every test. */
#define NOW INT64_C(1772323200)

/* Parse @text and return its dump (malloc'd), failing the test on error. */
static char *dump_of(const char *text)
{
	struct filter *f;
	struct err e;
	size_t col;
	err_clear(&e);
	int rc = filter_parse(text, strlen(text), NOW, &f, &col, &e);
	if (rc != 0)
		fail_msg("filter '%s': got %d at column %zu: %s", text, rc, col, e.msg);
	char *d = filter_dump(f);
	filter_free(f);
	return d;
}

struct valid_case {
	const char *text;
	const char *dump;
};

static const struct valid_case valid_cases[] = {
	/* The example of the issue. */
	{ "status = pending && priority >= Medium && due < now+7d && tags in (home, errands)",
	  "(and (= status pending) (>= priority Medium) (< due 2026-03-08T00:00:00Z) "
	  "(in tags \"home\" \"errands\"))" },
	/* Precedence: && binds tighter than ||; chains are n-ary. */
	{ "status = pending || priority = High && completed = false",
	  "(or (= status pending) (and (= priority High) (= completed false)))" },
	{ "(status = pending || priority = High) && completed = false",
	  "(and (or (= status pending) (= priority High)) (= completed false))" },
	{ "id = 1 || id = 2 || id = 3", "(or (= id 1) (= id 2) (= id 3))" },
	{ "id = 1 && id = 2 && id = 3 || id = 4 && id = 5",
	  "(or (and (= id 1) (= id 2) (= id 3)) (and (= id 4) (= id 5)))" },
	/* Parentheses group but leave no node of their own. */
	{ "((((id = 1))))", "(= id 1)" },
	{ "(id = 1 && (id = 2 && id = 3))", "(and (= id 1) (and (= id 2) (= id 3)))" },
	/* Negation. */
	{ "!completed = true", "(not (= completed true))" },
	{ "!!(completed = true)", "(not (not (= completed true)))" },
	{ "!(status = pending || due is null)", "(not (or (= status pending) (is-null due)))" },
	/* White space is optional around operators and free elsewhere. */
	{ "id=1&&id!=2||id<3", "(or (and (= id 1) (!= id 2)) (< id 3))" },
	{ " \t\r\n id \n>= \t 7 \f\v", "(>= id 7)" },
	{ "tags in(a,b)", "(in tags \"a\" \"b\")" },
	{ "id<=5&&id>1", "(and (<= id 5) (> id 1))" },
	/* Keywords, fields and enumerations are case-insensitive. */
	{ "STATUS = PENDING && Priority IN (high, LOW) && Completed = True",
	  "(and (= status pending) (in priority High Low) (= completed true))" },
	{ "Due IS NOT NULL && description Is Null && tags NOT IN (x)",
	  "(and (is-not-null due) (is-null description) (not-in tags \"x\"))" },
	{ "status in (Completed)", "(in status completed)" },
	{ "status not in (pending, completed)", "(not-in status pending completed)" },
	/* Every operator of every field. */
	{ "status != completed", "(!= status completed)" },
	{ "priority = Low || priority != Low || priority < Medium || priority <= Medium || "
	  "priority > Medium || priority >= Medium || priority in (Low) || "
	  "priority not in (High)",
	  "(or (= priority Low) (!= priority Low) (< priority Medium) (<= priority Medium) "
	  "(> priority Medium) (>= priority Medium) (in priority Low) (not-in priority High))" },
	{ "due = now || due != now || due < now || due <= now || due > now || due >= now || "
	  "due is null || due is not null",
	  "(or (= due 2026-03-01T00:00:00Z) (!= due 2026-03-01T00:00:00Z) (< due 2026-03-01T00:00:00Z) "
	  "(<= due 2026-03-01T00:00:00Z) (> due 2026-03-01T00:00:00Z) (>= due 2026-03-01T00:00:00Z) "
	  "(is-null due) (is-not-null due))" },
	{ "created = 2026-02-01 && updated != 2026-02-01 && created < now && updated <= now "
	  "&& created > now-1w && updated >= now-30m",
	  "(and (= created 2026-02-01) (!= updated 2026-02-01) (< created 2026-03-01T00:00:00Z) "
	  "(<= updated 2026-03-01T00:00:00Z) (> created 2026-02-22T00:00:00Z) "
	  "(>= updated 2026-02-28T23:30:00Z))" },
	{ "title = x || title != y || title ~ z",
	  "(or (= title \"x\") (!= title \"y\") (~ title \"z\"))" },
	{ "description = x || description != y || description ~ z || description is null",
	  "(or (= description \"x\") (!= description \"y\") (~ description \"z\") "
	  "(is-null description))" },
	{ "tags = home || tags != work", "(or (= tags \"home\") (!= tags \"work\"))" },
	{ "completed = false || completed != TRUE", "(or (= completed false) (!= completed true))" },
	{ "id = 9223372036854775807 || id in (1, 007) || id not in (2)",
	  "(or (= id 9223372036854775807) (in id 1 7) (not-in id 2))" },
	/* Timestamps. */
	{ "due < now", "(< due 2026-03-01T00:00:00Z)" },
	{ "due < NOW+2H", "(< due 2026-03-01T02:00:00Z)" },
	{ "due < now-2h", "(< due 2026-02-28T22:00:00Z)" },
	{ "due < now+90m", "(< due 2026-03-01T01:30:00Z)" },
	{ "due < now+1w", "(< due 2026-03-08T00:00:00Z)" },
	{ "due < now+0d", "(< due 2026-03-01T00:00:00Z)" },
	{ "due < now+999999999m", "(< due 3927-06-28T10:39:00Z)" },
	{ "due = 2026-03-01", "(= due 2026-03-01)" },
	{ "due = 2024-02-29", "(= due 2024-02-29)" },
	{ "due = 0001-01-01 || due = 9999-12-31", "(or (= due 0001-01-01) (= due 9999-12-31))" },
	{ "due = 2026-03-01T09:00:00Z", "(= due 2026-03-01T09:00:00Z)" },
	{ "due = 2026-03-01t09:00:00z", "(= due 2026-03-01T09:00:00Z)" },
	{ "due = \"2026-03-01 09:00:00Z\"", "(= due 2026-03-01T09:00:00Z)" },
	{ "due = 2026-03-01T09:00:00+02:00", "(= due 2026-03-01T07:00:00Z)" },
	{ "due = 2026-03-01T00:30:00-01:45", "(= due 2026-03-01T02:15:00Z)" },
	{ "due = 2026-03-01T00:00:00+01:00", "(= due 2026-02-28T23:00:00Z)" },
	{ "due = 2026-03-01T09:00:00.5Z", "(= due 2026-03-01T09:00:00.500000Z)" },
	{ "due = 2026-03-01T09:00:00.123456789Z", "(= due 2026-03-01T09:00:00.123456Z)" },
	{ "due = 1969-12-31T23:59:59.000001Z", "(= due 1969-12-31T23:59:59.000001Z)" },
	{ "due = 9999-12-31T23:59:59.999999Z", "(= due 9999-12-31T23:59:59.999999Z)" },
	/* Quoted values: escapes, operators and keywords inside quotes. */
	{ "title = \"buy milk\"", "(= title \"buy milk\")" },
	{ "title = \"say \\\"hi\\\" \\\\ bye\"", "(= title \"say \\\"hi\\\" \\\\ bye\")" },
	{ "title = \"a && b || (c) != 'd'\"", "(= title \"a && b || (c) != 'd'\")" },
	{ "title = \"\"", "(= title \"\")" },
	{ "tags in (\"home\", errands, \"with space\")",
	  "(in tags \"home\" \"errands\" \"with space\")" },
	{ "status = \"pending\"", "(= status pending)" },
	/* Bare words take anything that is not a token of its own. */
	{ "tags = c++ || tags = #urgent || tags = a/b.c:d@e",
	  "(or (= tags \"c++\") (= tags \"#urgent\") (= tags \"a/b.c:d@e\"))" },
	{ "title ~ in || title ~ not || title ~ null || title ~ and",
	  "(or (~ title \"in\") (~ title \"not\") (~ title \"null\") (~ title \"and\"))" },
	{ "title ~ caf\xC3\xA9 && tags = \xE2\x82\xAC\xF0\x9F\x98\x80",
	  "(and (~ title \"caf\xC3\xA9\") (= tags \"\xE2\x82\xAC\xF0\x9F\x98\x80\"))" },
	{ "title ~ \"tab\there\"", "(~ title \"tab\there\")" },
};

static void test_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
		char *d = dump_of(valid_cases[i].text);
		if (strcmp(d, valid_cases[i].dump) != 0)
			fail_msg("filter '%s'\n  got  %s\n  want %s", valid_cases[i].text, d,
				 valid_cases[i].dump);
		free(d);
	}
}

/* Nodes carry their columns and values their numbers. */
static void test_tree(void **state)
{
	(void)state;
	struct filter *f;
	struct err e;
	const char *text = "\xC3\xA9t\xC3\xA9 ~ x || !(priority >= Medium) && id in (3, 4)";
	/* The first word is not a field: columns count characters, not bytes. */
	size_t col;
	assert_int_equal(filter_parse(text, strlen(text), NOW, &f, &col, &e), TODO_EINVAL);
	assert_string_equal(e.msg, "invalid filter: unknown field \"\xC3\xA9t\xC3\xA9\" at column 1");

	text = "title ~ \xC3\xA9 || !(priority >= Medium) && id in (3, 4)";
	assert_int_equal(filter_parse(text, strlen(text), NOW, &f, &col, &e), 0);
	assert_int_equal(f->ncomparisons, 3);
	const struct filter_node *or = f->root;
	assert_int_equal(or->kind, FILTER_OR);
	assert_int_equal(or->column, 1);
	assert_int_equal(or->nchildren, 2);
	const struct filter_node *title = or->children[0];
	assert_int_equal(title->kind, FILTER_CMP);
	assert_int_equal(title->field, FILTER_FIELD_TITLE);
	assert_int_equal(title->op, FILTER_OP_CONTAINS);
	assert_int_equal(title->nvalues, 1);
	assert_string_equal(title->values[0].text, "\xC3\xA9");
	const struct filter_node *and = or->children[1];
	assert_int_equal(and->kind, FILTER_AND);
	assert_int_equal(and->column, 14);
	const struct filter_node *not = and->children[0];
	assert_int_equal(not->kind, FILTER_NOT);
	assert_int_equal(not->column, 14);
	const struct filter_node *prio = not->children[0];
	assert_int_equal(prio->column, 16);
	assert_int_equal(prio->values[0].num, FILTER_PRIORITY_MEDIUM);
	assert_null(prio->values[0].text);
	const struct filter_node *id = and->children[1];
	assert_int_equal(id->column, 39);
	assert_int_equal(id->op, FILTER_OP_IN);
	assert_int_equal(id->nvalues, 2);
	assert_int_equal(id->values[0].num, 3);
	assert_int_equal(id->values[1].num, 4);
	filter_free(f);

	text = "due = 2026-03-01 || due < now-1d";
	assert_int_equal(filter_parse(text, strlen(text), NOW, &f, NULL, &e), 0);
	assert_true(f->root->children[0]->values[0].is_date);
	assert_true(f->root->children[0]->values[0].num == NOW * 1000000);
	assert_false(f->root->children[1]->values[0].is_date);
	assert_true(f->root->children[1]->values[0].num == (NOW - 86400) * 1000000);
	filter_free(f);

	/* filter_free and filter_dump take NULL. */
	filter_free(NULL);
	char *d = filter_dump(NULL);
	assert_string_equal(d, "");
	free(d);
}

struct error_case {
	const char *text;
	size_t column;
	const char *msg;
};

static const struct error_case error_cases[] = {
	/* The examples of the issue. */
	{ "status = pending && due >= ", 28,
	  "could not parse filter at column 28: expected a value after \">=\", got end of input" },
	{ "prio = High", 1, "invalid filter: unknown field \"prio\" at column 1" },
	{ "status = pending && priority = Urgent", 32,
	  "invalid filter: priority \"Urgent\" at column 32 is not one of High, Medium, Low" },
	/* Empty. */
	{ "", 1, "could not parse filter at column 1: expected a field name, got end of input" },
	{ "  \t ", 5, "could not parse filter at column 5: expected a field name, got end of input" },
	/* Where a field is expected. */
	{ "= 1", 1, "could not parse filter at column 1: expected a field name, got \"=\"" },
	{ "\"status\" = pending", 1,
	  "could not parse filter at column 1: expected a field name, got \"status\"" },
	{ "id = 1 && ", 11, "could not parse filter at column 11: expected a field name, got end of input" },
	{ "id = 1 && || id = 2", 11, "could not parse filter at column 11: expected a field name, got \"||\"" },
	{ "()", 2, "could not parse filter at column 2: expected a field name, got \")\"" },
	{ "!", 2, "could not parse filter at column 2: expected a field name, got end of input" },
	{ "tag = x", 1, "invalid filter: unknown field \"tag\" at column 1" },
	{ "id = 1 || Titles ~ x", 11, "invalid filter: unknown field \"Titles\" at column 11" },
	/* Operators. */
	{ "status", 7, "could not parse filter at column 7: expected an operator after \"status\", got end of input" },
	{ "status pending", 8,
	  "could not parse filter at column 8: expected an operator after \"status\", got \"pending\"" },
	{ "status == pending", 9, "could not parse filter at column 9: expected a value after \"=\", got \"=\"" },
	{ "status not pending", 12,
	  "could not parse filter at column 12: expected \"in\" after \"not\", got \"pending\"" },
	{ "due is", 7,
	  "could not parse filter at column 7: expected \"null\" or \"not null\" after \"is\", got end of input" },
	{ "due is nil", 8,
	  "could not parse filter at column 8: expected \"null\" or \"not null\" after \"is\", got \"nil\"" },
	{ "due is not", 11, "could not parse filter at column 11: expected \"null\" after \"not\", got end of input" },
	{ "status ~ pending", 8,
	  "invalid filter: operator \"~\" at column 8 does not apply to status: use =, !=, in or not in" },
	{ "priority ~ High", 10, "invalid filter: operator \"~\" at column 10 does not apply to priority: use =, !=, <, "
	  "<=, >, >=, in or not in" },
	{ "priority is null", 10, "invalid filter: operator \"is null\" at column 10 does not apply to priority: use =, "
	  "!=, <, <=, >, >=, in or not in" },
	{ "due in (now)", 5, "invalid filter: operator \"in\" at column 5 does not apply to due: use =, !=, <, <=, >, "
	  ">=, is null or is not null" },
	{ "created is null", 9,
	  "invalid filter: operator \"is null\" at column 9 does not apply to created: use =, !=, <, <=, > or >=" },
	{ "updated ~ x", 9, "invalid filter: operator \"~\" at column 9 does not apply to updated: use =, !=, <, <=, > or >=" },
	{ "title < x", 7, "invalid filter: operator \"<\" at column 7 does not apply to title: use =, != or ~" },
	{ "title is not null", 7,
	  "invalid filter: operator \"is not null\" at column 7 does not apply to title: use =, != or ~" },
	{ "description in (x)", 13, "invalid filter: operator \"in\" at column 13 does not apply to description: use =, "
	  "!=, ~, is null or is not null" },
	{ "tags ~ x", 6, "invalid filter: operator \"~\" at column 6 does not apply to tags: use =, !=, in or not in" },
	{ "tags is null", 6,
	  "invalid filter: operator \"is null\" at column 6 does not apply to tags: use =, !=, in or not in" },
	{ "completed in (true)", 11,
	  "invalid filter: operator \"in\" at column 11 does not apply to completed: use = or !=" },
	{ "completed < true", 11, "invalid filter: operator \"<\" at column 11 does not apply to completed: use = or !=" },
	{ "id is null", 4, "invalid filter: operator \"is null\" at column 4 does not apply to id: use =, !=, <, <=, >, "
	  ">=, in or not in" },
	/* Values. */
	{ "id =", 5, "could not parse filter at column 5: expected a value after \"=\", got end of input" },
	{ "id = )", 6, "could not parse filter at column 6: expected a value after \"=\", got \")\"" },
	{ "title ~ (x)", 9, "could not parse filter at column 9: expected a value after \"~\", got \"(\"" },
	{ "status = done", 10, "invalid filter: status \"done\" at column 10 is not one of pending, completed" },
	{ "status = \"\"", 10, "invalid filter: status \"\" at column 10 is not one of pending, completed" },
	{ "priority >= \"very high\"", 13,
	  "invalid filter: priority \"very high\" at column 13 is not one of High, Medium, Low" },
	{ "completed = yes", 13, "invalid filter: completed \"yes\" at column 13 is not one of true, false" },
	{ "id = 0", 6, "invalid filter: id \"0\" at column 6 is not a positive integer" },
	{ "id = -1", 6, "invalid filter: id \"-1\" at column 6 is not a positive integer" },
	{ "id = +1", 6, "invalid filter: id \"+1\" at column 6 is not a positive integer" },
	{ "id = 1.0", 6, "invalid filter: id \"1.0\" at column 6 is not a positive integer" },
	{ "id = 9223372036854775808", 6, "invalid filter: id \"9223372036854775808\" at column 6 is not a positive integer" },
	{ "id = 99999999999999999999", 6, "invalid filter: id \"99999999999999999999\" at column 6 is not a positive integer" },
	{ "id in (1, x)", 11, "invalid filter: id \"x\" at column 11 is not a positive integer" },
	/* Timestamps. */
	{ "due < tomorrow", 7, "invalid filter: due \"tomorrow\" at column 7 is not a valid timestamp: use RFC 3339 "
	  "(2026-03-01T09:00:00Z), a date (2026-03-01), now, or now+N / now-N with unit m, h, d or w (now+7d)" },
	{ "due < 2026-13-01", 7, "invalid filter: due \"2026-13-01\" at column 7 is not a valid timestamp: month out of range" },
	{ "due < 2026-00-01", 7, "invalid filter: due \"2026-00-01\" at column 7 is not a valid timestamp: month out of range" },
	{ "due < 2025-02-29", 7, "invalid filter: due \"2025-02-29\" at column 7 is not a valid timestamp: day out of range" },
	{ "due < 2026-04-31", 7, "invalid filter: due \"2026-04-31\" at column 7 is not a valid timestamp: day out of range" },
	{ "due < 0000-01-01", 7, "invalid filter: due \"0000-01-01\" at column 7 is not a valid timestamp: year out of range" },
	{ "due < 2026-03-01T24:00:00Z", 7,
	  "invalid filter: due \"2026-03-01T24:00:00Z\" at column 7 is not a valid timestamp: hour out of range" },
	{ "due < 2026-03-01T23:60:00Z", 7,
	  "invalid filter: due \"2026-03-01T23:60:00Z\" at column 7 is not a valid timestamp: minute out of range" },
	{ "due < 2026-03-01T23:59:60Z", 7,
	  "invalid filter: due \"2026-03-01T23:59:60Z\" at column 7 is not a valid timestamp: second out of range" },
	{ "due < 2026-03-01T09:00:00+24:00", 7,
	  "invalid filter: due \"2026-03-01T09:00:00+24:00\" at column 7 is not a valid timestamp: offset out of range" },
	{ "due < 0001-01-01T00:00:00+00:01", 7,
	  "invalid filter: due \"0001-01-01T00:00:00+00:01\" at column 7 is not a valid timestamp: out of range" },
	{ "created > now+999999999w", 11,
	  "invalid filter: created \"now+999999999w\" at column 11 is not a valid timestamp: out of range" },
	{ "due < now+1234567890d", 7,
	  "invalid filter: due \"now+1234567890d\" at column 7 is not a valid timestamp: amount too large" },
	{ "due < now+7y", 7, "invalid filter: due \"now+7y\" at column 7 is not a valid timestamp: unknown unit \"y\": use m, h, d or w" },
	{ "due < now+7days", 7,
	  "invalid filter: due \"now+7days\" at column 7 is not a valid timestamp: unknown unit \"days\": use m, h, d or w" },
	{ "due < now+7", 7, "invalid filter: due \"now+7\" at column 7 is not a valid timestamp: missing unit: use m, h, d or w" },
	{ "updated < now+d", 11, "invalid filter: updated \"now+d\" at column 11 is not a valid timestamp: use RFC 3339 "
	  "(2026-03-01T09:00:00Z), a date (2026-03-01), now, or now+N / now-N with unit m, h, d or w (now+7d)" },
	{ "due < 2026-03-01T09:00Z", 7, "invalid filter: due \"2026-03-01T09:00Z\" at column 7 is not a valid timestamp: use RFC 3339 "
	  "(2026-03-01T09:00:00Z), a date (2026-03-01), now, or now+N / now-N with unit m, h, d or w (now+7d)" },
	{ "due < 2026-03-01T09:00:00", 7, "invalid filter: due \"2026-03-01T09:00:00\" at column 7 is not a valid timestamp: use RFC 3339 "
	  "(2026-03-01T09:00:00Z), a date (2026-03-01), now, or now+N / now-N with unit m, h, d or w (now+7d)" },
	{ "due < 2026-03-01T09:00:00.Z", 7, "invalid filter: due \"2026-03-01T09:00:00.Z\" at column 7 is not a valid timestamp: use RFC 3339 "
	  "(2026-03-01T09:00:00Z), a date (2026-03-01), now, or now+N / now-N with unit m, h, d or w (now+7d)" },
	{ "due < 2026-3-1", 7, "invalid filter: due \"2026-3-1\" at column 7 is not a valid timestamp: use RFC 3339 "
	  "(2026-03-01T09:00:00Z), a date (2026-03-01), now, or now+N / now-N with unit m, h, d or w (now+7d)" },
	/* Lists. */
	{ "tags in home", 9, "could not parse filter at column 9: expected \"(\" after \"in\", got \"home\"" },
	{ "tags not in", 12, "could not parse filter at column 12: expected \"(\" after \"in\", got end of input" },
	{ "tags in ()", 10, "could not parse filter at column 10: expected a value after \"(\", got \")\"" },
	{ "tags in (a,)", 12, "could not parse filter at column 12: expected a value after \",\", got \")\"" },
	{ "tags in (a b)", 12, "could not parse filter at column 12: expected \",\" or \")\" after \"a\", got \"b\"" },
	{ "tags in (a", 11, "could not parse filter at column 11: expected \",\" or \")\" after \"a\", got end of input" },
	{ "tags in (\"a\" \"b\")", 14,
	  "could not parse filter at column 14: expected \",\" or \")\" after \"a\", got \"b\"" },
	/* Grouping and what follows a comparison. */
	{ "(id = 1", 8, "could not parse filter at column 8: expected \")\" to close \"(\" at column 1, got end of input" },
	{ "id = 1 && (id = 2 || (id = 3) id = 4)", 31,
	  "could not parse filter at column 31: expected \")\" to close \"(\" at column 11, got \"id\"" },
	{ "id = 1)", 7, "could not parse filter at column 7: expected \"&&\", \"||\" or end of input, got \")\"" },
	{ "id = 1 id = 2", 8, "could not parse filter at column 8: expected \"&&\", \"||\" or end of input, got \"id\"" },
	{ "id = 1 and id = 2", 8, "could not parse filter at column 8: expected \"&&\", \"||\" or end of input, "
	  "got \"and\" (write \"and\" as \"&&\")" },
	{ "id = 1 OR id = 2", 8, "could not parse filter at column 8: expected \"&&\", \"||\" or end of input, "
	  "got \"OR\" (write \"or\" as \"||\")" },
	{ "title = a b", 11, "could not parse filter at column 11: expected \"&&\", \"||\" or end of input, got \"b\"" },
	{ "title = \"a\" \"b\"", 13,
	  "could not parse filter at column 13: expected \"&&\", \"||\" or end of input, got \"b\"" },
	{ "id = 1 && !", 12, "could not parse filter at column 12: expected a field name, got end of input" },
	/* Lexical errors. */
	{ "id = 1 & id = 2", 8, "could not parse filter at column 8: unexpected character \"&\" (did you mean \"&&\"?)" },
	{ "id = 1 | id = 2", 8, "could not parse filter at column 8: unexpected character \"|\" (did you mean \"||\"?)" },
	{ "title = 'buy milk'", 9,
	  "could not parse filter at column 9: unexpected character \"'\" (quote values with double quotes)" },
	{ "title = \x01", 9, "could not parse filter at column 9: unexpected character U+0001" },
	{ "title = a\x7F", 10, "could not parse filter at column 10: unexpected character U+007F" },
	{ "title = \"buy milk", 9, "could not parse filter at column 9: unterminated quoted value" },
	{ "title = \"buy milk\\\"", 9, "could not parse filter at column 9: unterminated quoted value" },
	{ "title = \"buy\\", 9, "could not parse filter at column 9: unterminated quoted value" },
	{ "title = \"a\\nb\"", 11, "could not parse filter at column 11: invalid escape \"\\n\" in quoted "
	  "value: only \\\" and \\\\ are allowed" },
	{ "title = \"\xC3\xA9\\\xC3\xA9\"", 11, "could not parse filter at column 11: invalid escape "
	  "\"\\\xC3\xA9\" in quoted value: only \\\" and \\\\ are allowed" },
	{ "title = \"a\\\x01\"", 11, "could not parse filter at column 11: invalid escape \"\\\" + U+0001 "
	  "in quoted value: only \\\" and \\\\ are allowed" },
	/* Invalid UTF-8: the column of the first bad byte, in characters. */
	{ "title ~ caf\xC3", 12, "could not parse filter at column 12: not valid UTF-8" },
	{ "title ~ \xE2\x82\xAC\xED\xA0\x80", 10, "could not parse filter at column 10: not valid UTF-8" },
	{ "title ~ \xC0\xAF", 9, "could not parse filter at column 9: not valid UTF-8" },
	{ "title ~ \"\xFF\"", 10, "could not parse filter at column 10: not valid UTF-8" },
	/* Long offending text is cut in the message. */
	{ "title = x ||| y", 13, "could not parse filter at column 13: unexpected character \"|\" (did you mean \"||\"?)" },
	{ "nosuchfield_abcdefghijklmnopqrstuvwxyz0123456789 = 1", 1,
	  "invalid filter: unknown field \"nosuchfield_abcdefghijklmnopqrstuvwxyz01...\" at column 1" },
	{ "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	  "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 = 1", 1,
	  "invalid filter: unknown field \"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	  "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9...\" at column 1" },
};

static void check_error(const char *text, size_t len, size_t want_col, const char *want_msg)
{
	struct filter sentinel;
	struct filter *f = &sentinel;              /* must be reset to NULL */
	struct err e;
	size_t col = 0;
	err_clear(&e);
	int rc = filter_parse(text, len, NOW, &f, &col, &e);
	if (rc != TODO_EINVAL)
		fail_msg("filter '%s': got %d, want TODO_EINVAL", text, rc);
	assert_null(f);
	assert_int_equal(e.code, TODO_EINVAL);
	assert_string_equal(e.field, "filter");
	if (strcmp(e.msg, want_msg) != 0)
		fail_msg("filter '%s'\n  got  %s\n  want %s", text, e.msg, want_msg);
	if (col != want_col)
		fail_msg("filter '%s': column %zu, want %zu", text, col, want_col);
}

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++)
		check_error(error_cases[i].text, strlen(error_cases[i].text), error_cases[i].column,
			    error_cases[i].msg);
	/* A NUL byte is a character like any other control character. */
	check_error("id = 1\0 && id = 2", 17, 7, "could not parse filter at column 7: unexpected character U+0000");
	check_error("title = \"a\0b\"", 13, 11, "could not parse filter at column 11: unexpected character U+0000");
	/* The column is reported without @e too, and @e may be NULL. */
	struct filter *f;
	size_t col;
	assert_int_equal(filter_parse("id = x", 6, NOW, &f, &col, NULL), TODO_EINVAL);
	assert_int_equal(col, 6);
	assert_int_equal(filter_parse(NULL, 0, NOW, &f, NULL, NULL), TODO_EINVAL);
	/* `now` must itself be a representable time. */
	struct err e;
	assert_int_equal(filter_parse("due < now", 9, INT64_MAX, &f, &col, &e), TODO_EINVAL);
	assert_string_equal(e.msg, "invalid filter: due \"now\" at column 7 is not a valid timestamp: out of range");
	assert_int_equal(filter_parse("due < now-1d", 12, INT64_MIN, &f, &col, &e), TODO_EINVAL);
	assert_string_equal(e.msg, "invalid filter: due \"now-1d\" at column 7 is not a valid timestamp: out of range");
}

/* @n copies of @unit joined by @sep, wrapped in @prefix and @suffix; malloc'd. */
static char *join(const char *prefix, const char *unit, const char *sep, size_t n, const char *suffix)
{
	size_t plen = strlen(prefix), ulen = strlen(unit), slen = strlen(sep), xlen = strlen(suffix);
	char *s = xmalloc(plen + n * (ulen + slen) + xlen + 1);
	char *o = s;
	memcpy(o, prefix, plen);
	o += plen;
	for (size_t i = 0; i < n; i++) {
		if (i) {
			memcpy(o, sep, slen);
			o += slen;
		}
		memcpy(o, unit, ulen);
		o += ulen;
	}
	memcpy(o, suffix, xlen + 1);
	return s;
}

static int parse_text(const char *text, size_t *col, struct err *e)
{
	struct filter *f;
	err_clear(e);
	int rc = filter_parse(text, strlen(text), NOW, &f, col, e);
	filter_free(f);
	return rc;
}

static void test_limits(void **state)
{
	(void)state;
	struct err e;
	size_t col;

	/* Length: 2000 bytes are fine, 2001 are not, whatever they hold. */
	char *s = join("title = \"", "x", "", FILTER_TEXT_MAX - 10, "\"");
	assert_int_equal(strlen(s), FILTER_TEXT_MAX);
	assert_int_equal(parse_text(s, &col, &e), 0);
	free(s);
	s = join("title = \"", "x", "", FILTER_TEXT_MAX - 9, "\"");
	assert_int_equal(parse_text(s, &col, &e), TODO_EINVAL);
	assert_string_equal(e.field, "filter");
	assert_string_equal(e.msg, "filter is too long: 2001 bytes, at most 2000 allowed");
	assert_int_equal(col, 2001);
	free(s);
	/* The column counts characters: 1000 two-byte characters fill the limit. */
	s = join("", "\xC3\xA9", "", 1001, "");
	assert_int_equal(parse_text(s, &col, &e), TODO_EINVAL);
	assert_string_equal(e.msg, "filter is too long: 2002 bytes, at most 2000 allowed");
	assert_int_equal(col, 1001);
	free(s);

	/* Depth: 32 nested "(" or "!" (or a mix) are fine, 33 are not. */
	s = join("", "(", "", FILTER_DEPTH_MAX, "id = 1");
	char *t = join(s, ")", "", FILTER_DEPTH_MAX, "");
	assert_int_equal(parse_text(t, &col, &e), 0);
	free(s);
	free(t);
	s = join("", "(", "", FILTER_DEPTH_MAX + 1, "id = 1");
	t = join(s, ")", "", FILTER_DEPTH_MAX + 1, "");
	assert_int_equal(parse_text(t, &col, &e), TODO_EINVAL);
	assert_string_equal(e.msg, "filter is nested too deeply at column 33: at most 32 levels of "
			    "\"(\" and \"!\" allowed");
	assert_int_equal(col, 33);
	free(s);
	free(t);
	s = join("", "!", "", FILTER_DEPTH_MAX, "id = 1");
	assert_int_equal(parse_text(s, &col, &e), 0);
	free(s);
	s = join("", "! ", "", FILTER_DEPTH_MAX + 1, "id = 1");
	assert_int_equal(parse_text(s, &col, &e), TODO_EINVAL);
	assert_int_equal(col, 65);
	free(s);
	s = join("", "!(", "", FILTER_DEPTH_MAX / 2, "id = 1");
	t = join(s, ")", "", FILTER_DEPTH_MAX / 2, "");
	assert_int_equal(parse_text(t, &col, &e), 0);
	free(s);
	free(t);
	/* Depth is nesting, not a count: many siblings are fine. */
	s = join("", "(id = 1)", " && ", FILTER_COMPARISONS_MAX, "");
	assert_int_equal(parse_text(s, &col, &e), 0);
	free(s);
	/* A very deep input is refused at the limit, not parsed recursively. */
	s = join("", "(", "", FILTER_TEXT_MAX, "");
	assert_int_equal(parse_text(s, &col, &e), TODO_EINVAL);
	assert_int_equal(col, 33);
	free(s);

	/* Comparisons: 100 are fine, the 101st is refused where it starts. */
	s = join("", "id=1", "||", FILTER_COMPARISONS_MAX, "");
	assert_int_equal(parse_text(s, &col, &e), 0);
	free(s);
	s = join("", "id=1", "||", FILTER_COMPARISONS_MAX + 1, "");
	assert_int_equal(parse_text(s, &col, &e), TODO_EINVAL);
	assert_string_equal(e.msg, "filter has too many comparisons at column 601: at most 100 allowed");
	assert_int_equal(col, 601);
	free(s);
	/* Values of one list do not count as comparisons. */
	s = join("id in (", "1", ",", 500, ")");
	assert_int_equal(parse_text(s, &col, &e), 0);
	free(s);
}

static void test_format_time(void **state)
{
	(void)state;
	char buf[FILTER_TIME_TEXT_MAX];
	filter_format_time(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	filter_format_time(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
	filter_format_time(NOW * 1000000 + 42, buf);
	assert_string_equal(buf, "2026-03-01T00:00:00.000042Z");
	filter_format_time(INT64_C(-62135596800) * 1000000, buf);
	assert_string_equal(buf, "0001-01-01T00:00:00Z");
	filter_format_time(INT64_C(253402300799) * 1000000 + 999999, buf);
	assert_string_equal(buf, "9999-12-31T23:59:59.999999Z");
	filter_format_time(INT64_C(951782400) * 1000000, buf);
	assert_string_equal(buf, "2000-02-29T00:00:00Z");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(filter_field_name(FILTER_FIELD_DUE), "due");
	assert_string_equal(filter_field_name(FILTER_FIELD_ID), "id");
	assert_string_equal(filter_field_name((enum filter_field)99), "?");
	assert_string_equal(filter_op_name(FILTER_OP_GE), ">=");
	assert_string_equal(filter_op_name(FILTER_OP_NOT_IN), "not in");
	assert_string_equal(filter_op_name(FILTER_OP_IS_NOT_NULL), "is not null");
	assert_string_equal(filter_op_name((enum filter_op)99), "?");
}

/* --- deterministic fuzzing ------------------------------------------- */

#define FUZZ_SEED UINT64_C(0x5EEDF11E7E5)
#define FUZZ_RUNS 20000
#define FUZZ_LEN_MAX (FILTER_TEXT_MAX + 64)

static uint64_t rng_state;

/* splitmix64: small, fast and the same everywhere. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

static const char *const fuzz_tokens[] = {
	"status", "priority", "due", "created", "updated", "title", "description", "tags",
	"completed", "id", "prio", "STATUS", "Due",
	"=", "!=", "<", "<=", ">", ">=", "~", "==", "=<", "!", "&&", "||", "&", "|", "(", ")", ",",
	"in", "not", "is", "null", "NOT IN", "is not null", "and", "or",
	"pending", "completed", "High", "medium", "LOW", "Urgent", "true", "false", "yes",
	"now", "now+7d", "now-2h", "now+30m", "now+1w", "NOW-0D", "now+", "now+7", "now+7y",
	"now-999999999w", "now+9999999999d",
	"2026-03-01", "2024-02-29", "2025-02-29", "2026-13-01", "0000-01-01", "9999-12-31",
	"2026-03-01T09:00:00Z", "2026-03-01T09:00:00.123456789+02:00", "2026-03-01T24:00:00Z",
	"2026-03-01T09:00:00-23:59", "0001-01-01T00:00:00+23:59", "2026-03-01T09:00",
	"1", "42", "0", "-1", "007", "9223372036854775807", "9223372036854775808",
	"home", "errands", "c++", "#x", "caf\xC3\xA9", "\xF0\x9F\x98\x80", "\xE2\x82\xAC",
	"\"\"", "\"a b\"", "\"a\\\"b\"", "\"a\\\\\"", "\"unterminated", "\"bad\\x\"", "\"",
	"'", "\\", "\x01", "\x7F", "\xC3", "\xFF", "\xED\xA0\x80", " ", "\t", "\n",
};
#define NTOKENS (sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]))

static const char *const fuzz_seeds[] = {
	"status = pending && priority >= Medium && due < now+7d && tags in (home, errands)",
	"!(status = completed || due is null) && title ~ \"buy \\\"milk\\\"\"",
	"(priority in (High, Low) || priority is not null) && id not in (1, 2, 3)",
	"created >= 2026-01-01T00:00:00Z && updated < now-2h && description ~ x",
	"tags != work && completed = false && id <= 9223372036854775807",
	"due = 2026-03-01 || due > 2026-03-01T09:00:00.5+02:00 && !(tags not in (a))",
};
#define NSEEDS (sizeof(fuzz_seeds) / sizeof(fuzz_seeds[0]))

struct fuzz_buf {
	char s[FUZZ_LEN_MAX];
	size_t len;
};

static void fb_add(struct fuzz_buf *b, const char *s, size_t n)
{
	if (n > sizeof(b->s) - b->len)
		n = sizeof(b->s) - b->len;
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

static void gen_random_bytes(struct fuzz_buf *b)
{
	size_t n = rng_below(96);
	bool ascii = rng() & 1;
	for (size_t i = 0; i < n; i++) {
		char c = (char)(ascii ? 0x20 + rng_below(0x5F) : rng_below(256));
		fb_add(b, &c, 1);
	}
}

static void gen_tokens(struct fuzz_buf *b)
{
	size_t n = 1 + rng_below(40);
	bool spaced = rng_below(4) != 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = fuzz_tokens[rng_below(NTOKENS)];
		fb_add(b, t, strlen(t));
		if (spaced)
			fb_add(b, " ", 1);
	}
}

/* A random syntactically plausible comparison; mostly valid. */
static void gen_comparison(struct fuzz_buf *b)
{
	static const char *const cmps[] = {
		"status = pending", "priority >= Medium", "due < now+7d", "tags in (home, x)",
		"title ~ \"a b\"", "description is null", "completed != true", "id in (1,2)",
		"created > 2026-01-01", "updated <= now", "due is not null", "tags not in (a)",
	};
	const char *c = cmps[rng_below(sizeof(cmps) / sizeof(cmps[0]))];
	fb_add(b, c, strlen(c));
}

/* Random nesting of valid comparisons, sometimes beyond the limits. */
static void gen_tree(struct fuzz_buf *b, int depth)
{
	size_t r = rng_below(8);
	if (depth > 40 || r < 3) {
		gen_comparison(b);
	} else if (r < 5) {
		fb_add(b, rng_below(2) ? "!" : "!(", 1 + (r == 4));
		if (r == 4) {
			gen_tree(b, depth + 1);
			fb_add(b, ")", 1);
		} else {
			gen_tree(b, depth + 1);
		}
	} else {
		fb_add(b, "(", 1);
		size_t n = 1 + rng_below(4);
		for (size_t i = 0; i < n; i++) {
			if (i)
				fb_add(b, rng_below(2) ? " && " : " || ", 4);
			gen_tree(b, depth + 1);
		}
		fb_add(b, ")", 1);
	}
}

static void gen_truncated_seed(struct fuzz_buf *b)
{
	const char *s = fuzz_seeds[rng_below(NSEEDS)];
	fb_add(b, s, rng_below(strlen(s) + 1));
}

static void mutate(struct fuzz_buf *b)
{
	size_t edits = 1 + rng_below(4);
	for (size_t k = 0; k < edits; k++) {
		size_t at = rng_below(b->len + 1);
		switch (rng_below(5)) {
		case 0:       /* replace a byte */
			if (at < b->len)
				b->s[at] = (char)rng_below(256);
			break;
		case 1: {     /* insert a token */
			const char *t = fuzz_tokens[rng_below(NTOKENS)];
			size_t n = strlen(t);
			if (b->len + n <= sizeof(b->s)) {
				memmove(b->s + at + n, b->s + at, b->len - at);
				memcpy(b->s + at, t, n);
				b->len += n;
			}
			break;
		}
		case 2: {     /* delete a range */
			size_t n = rng_below(b->len - at + 1);
			memmove(b->s + at, b->s + at + n, b->len - at - n);
			b->len -= n;
			break;
		}
		case 3: {     /* duplicate a range */
			size_t n = rng_below(b->len - at + 1);
			if (b->len + n <= sizeof(b->s)) {
				memmove(b->s + at + n, b->s + at, b->len - at);
				b->len += n;
			}
			break;
		}
		default:      /* cut */
			b->len = at;
			break;
		}
	}
}

/* One input: the generator is picked by @i so every kind gets its share. */
static void gen_input(size_t i, struct fuzz_buf *b)
{
	b->len = 0;
	switch (i % 6) {
	case 0: gen_random_bytes(b); break;
	case 1: gen_tokens(b); break;
	case 2: gen_truncated_seed(b); break;
	case 3: gen_tree(b, 0); break;
	case 4: {
		const char *seed = fuzz_seeds[rng_below(NSEEDS)];
		fb_add(b, seed, strlen(seed));
		mutate(b);
		break;
	}
	default:
		gen_tree(b, 0);
		mutate(b);
		break;
	}
}

static void test_fuzz(void **state)
{
	(void)state;
	struct fuzz_buf *b = xmalloc(sizeof(*b));
	size_t accepted = 0, kinds_ok[6] = { 0 };
	rng_state = FUZZ_SEED;
	for (size_t i = 0; i < FUZZ_RUNS; i++) {
		gen_input(i, b);
		/* Exactly len bytes, no terminator: the parser must not read past. */
		char *text = xmalloc(b->len ? b->len : 1);
		memcpy(text, b->s, b->len);
		struct filter *f;
		struct err e;
		size_t col = 0;
		err_clear(&e);
		int rc = filter_parse(text, b->len, NOW, &f, &col, &e);
		if (rc == 0) {
			assert_non_null(f);
			assert_true(f->ncomparisons >= 1 && f->ncomparisons <= FILTER_COMPARISONS_MAX);
			char *d = filter_dump(f);
			assert_true(d[0] == '(');
			free(d);
			filter_free(f);
			accepted++;
			kinds_ok[i % 6]++;
		} else {
			size_t chars = utf8_count(text, b->len);
			if (rc != TODO_EINVAL || f != NULL || col < 1 || col > chars + 1 ||
			    strcmp(e.field, "filter") != 0 || e.msg[0] == '\0')
				fail_msg("input %zu (%zu bytes): rc %d, column %zu of %zu, field \"%s\", "
					 "msg \"%s\"", i, b->len, rc, col, chars, e.field, e.msg);
		}
		free(text);
	}
	free(b);
	print_message("# fuzz: %d inputs, %zu parsed, %zu rejected (parsed per generator: "
		      "bytes %zu, tokens %zu, truncated %zu, trees %zu, mutated %zu, mutated trees %zu)\n",
		      FUZZ_RUNS, accepted, (size_t)FUZZ_RUNS - accepted, kinds_ok[0], kinds_ok[1],
		      kinds_ok[2], kinds_ok[3], kinds_ok[4], kinds_ok[5]);
	/* The generators reach both outcomes. */
	assert_true(accepted > FUZZ_RUNS / 20);
	assert_true(accepted < FUZZ_RUNS - FUZZ_RUNS / 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests_name("service/filter", tests, NULL, NULL);
}
