/*
 * Unit tests for src/service/task.c: input validation and the parsers of
 * path and query values.
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
#include "service/task.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

/* @n copies of @unit followed by @suffix, malloc'd. */
static char *repeat(const char *unit, size_t n, const char *suffix)
{
	size_t ulen = strlen(unit), slen = strlen(suffix);
	char *s = xmalloc(ulen * n + slen + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ulen, unit, ulen);
	memcpy(s + ulen * n, suffix, slen + 1);
	return s;
}

/* Validate a create (@is_create) or update input; takes ownership of the
 * malloc'd @title / @description and leaves the trimmed title in @title_out
 * (if not NULL, malloc'd). */
static int validate(char *title, bool has_title, char *description, bool has_description,
		    bool is_create, char **title_out, struct err *e)
{
	struct task_input in = {
		.has_title = has_title,
		.title = title,
		.has_description = has_description,
		.description = description,
	};
	err_clear(e);
	int rc = task_input_validate(&in, is_create, e);
	if (title_out)
		*title_out = in.title ? xstrdup(in.title) : NULL;
	task_input_release(&in);
	return rc;
}

static void expect_invalid(int rc, const struct err *e, const char *field, const char *msg_part)
{
	assert_int_equal(rc, TODO_EINVAL);
	assert_int_equal(e->code, TODO_EINVAL);
	assert_string_equal(e->field, field);
	assert_has_substring(e->msg, msg_part);
}

static void test_title_trimmed(void **state)
{
	(void)state;
	struct err e;
	char *title;
	assert_int_equal(validate(xstrdup(" \t\n Buy milk \r\n\v\f"), true, NULL, false, true,
				  &title, &e), 0);
	assert_string_equal(title, "Buy milk");
	free(title);

	/* Inner white space is kept. */
	assert_int_equal(validate(xstrdup("  a  b  "), true, NULL, false, true, &title, &e), 0);
	assert_string_equal(title, "a  b");
	free(title);

	assert_int_equal(validate(xstrdup("x"), true, NULL, false, true, &title, &e), 0);
	assert_string_equal(title, "x");
	free(title);
}

static void test_title_empty_rejected(void **state)
{
	(void)state;
	struct err e;
	expect_invalid(validate(xstrdup(""), true, NULL, false, true, NULL, &e), &e,
		       "title", "title must not be empty after trimming");
	expect_invalid(validate(xstrdup(" \t\r\n "), true, NULL, false, true, NULL, &e), &e,
		       "title", "title must not be empty after trimming");
	expect_invalid(validate(NULL, true, NULL, false, false, NULL, &e), &e,
		       "title", "title must not be null");
}

static void test_title_required_on_create(void **state)
{
	(void)state;
	struct err e;
	expect_invalid(validate(NULL, false, xstrdup("d"), true, true, NULL, &e), &e,
		       "title", "title is required");
	/* An update may leave the title out. */
	assert_int_equal(validate(NULL, false, xstrdup("d"), true, false, NULL, &e), 0);
}

/* The limit counts code points, not bytes, after trimming. */
static void test_title_length(void **state)
{
	(void)state;
	static const char *const units[] = { "a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80" };
	struct err e;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		char *title;
		int rc = validate(repeat(units[i], TASK_TITLE_MAX, ""), true, NULL, false, true,
				  &title, &e);
		if (rc != 0)
			fail_msg("200 x %zu-byte code point: got %d \"%s\"", strlen(units[i]), rc, e.msg);
		assert_int_equal(strlen(title), TASK_TITLE_MAX * strlen(units[i]));
		free(title);

		rc = validate(repeat(units[i], TASK_TITLE_MAX + 1, ""), true, NULL, false, true,
			      NULL, &e);
		expect_invalid(rc, &e, "title", "title is too long: 201 characters, at most 200 allowed");
	}

	/* Surrounding white space does not count. */
	char *padded = repeat("\xC3\xA9", TASK_TITLE_MAX, "   ");
	char *title = xasprintf("   %s", padded);
	free(padded);
	assert_int_equal(validate(title, true, NULL, false, true, NULL, &e), 0);
}

static void test_invalid_utf8_rejected(void **state)
{
	(void)state;
	struct err e;
	expect_invalid(validate(xstrdup("caf\xC3"), true, NULL, false, true, NULL, &e), &e,
		       "title", "title is not valid UTF-8");
	expect_invalid(validate(xstrdup("t"), true, xstrdup("\xED\xA0\x80"), true, true, NULL, &e),
		       &e, "description", "description is not valid UTF-8");
}

static void test_description_length(void **state)
{
	(void)state;
	struct err e;
	assert_int_equal(validate(xstrdup("t"), true, repeat("d", TASK_DESCRIPTION_MAX, ""), true,
				  true, NULL, &e), 0);
	assert_int_equal(validate(xstrdup("t"), true, repeat("\xE2\x82\xAC", TASK_DESCRIPTION_MAX, ""),
				  true, true, NULL, &e), 0);
	expect_invalid(validate(xstrdup("t"), true, repeat("d", TASK_DESCRIPTION_MAX + 1, ""), true,
				true, NULL, &e),
		       &e, "description",
		       "description is too long: 1001 characters, at most 1000 allowed");
	expect_invalid(validate(xstrdup("t"), true,
				repeat("\xF0\x9F\x98\x80", TASK_DESCRIPTION_MAX + 1, ""), true, true,
				NULL, &e),
		       &e, "description", "description is too long: 1001 characters");
	/* An empty or null description is allowed: null clears it. */
	assert_int_equal(validate(xstrdup("t"), true, xstrdup(""), true, true, NULL, &e), 0);
	assert_int_equal(validate(NULL, false, NULL, true, false, NULL, &e), 0);
}

static void test_update_needs_a_field(void **state)
{
	(void)state;
	struct err e;
	expect_invalid(validate(NULL, false, NULL, false, false, NULL, &e), &e,
		       "", "nothing to update: give at least one field");
	assert_int_equal(validate(xstrdup("new"), true, NULL, false, false, NULL, &e), 0);
}

static void test_user_id(void **state)
{
	(void)state;
	struct err e;
	err_clear(&e);
	assert_int_equal(user_id_validate("alice", &e), 0);
	assert_int_equal(user_id_validate("A.b_c@d-e9", &e), 0);
	char *max = repeat("u", USER_ID_MAX, "");
	assert_int_equal(user_id_validate(max, &e), 0);
	free(max);
	assert_int_equal(e.code, TODO_OK);

	char *over = repeat("u", USER_ID_MAX + 1, "");
	expect_invalid(user_id_validate(over, &e), &e, "user_id",
		       "user_id must be 1 to 64 characters");
	free(over);
	expect_invalid(user_id_validate("", &e), &e, "user_id", "user_id must be 1 to 64 characters");

	static const char *const bad[] = { "al ice", "al/ice", "alice\n", "caf\xC3\xA9", "a+b",
		"a%20b", "../x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		int rc = user_id_validate(bad[i], &e);
		if (rc != TODO_EINVAL)
			fail_msg("user_id \"%s\": got %d, want TODO_EINVAL", bad[i], rc);
		assert_string_equal(e.field, "user_id");
		assert_has_substring(e.msg, "user_id may contain only letters, digits and . _ @ -");
	}
}

static void test_task_id_parse(void **state)
{
	(void)state;
	struct err e;
	int64_t id = -7;
	assert_int_equal(task_id_parse("42", &id, &e), 0);
	assert_int_equal(id, 42);
	assert_int_equal(task_id_parse("1", &id, &e), 0);
	assert_int_equal(id, 1);
	assert_int_equal(task_id_parse("9223372036854775807", &id, &e), 0);
	assert_true(id == INT64_MAX);

	static const char *const bad[] = { "0", "-1", "+1", "1x", " 1", "1 ", "",
		"9223372036854775808", "99999999999999999999", "0x10", "1.0", "-0", "\t1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		id = -7;
		int rc = task_id_parse(bad[i], &id, &e);
		if (rc != TODO_EINVAL)
			fail_msg("task id \"%s\": got %d, want TODO_EINVAL", bad[i], rc);
		assert_int_equal(id, -7);
		assert_string_equal(e.field, "id");
		char want[96];
		snprintf(want, sizeof(want), "task id \"%s\" is not a positive integer", bad[i]);
		assert_string_equal(e.msg, want);
	}
	expect_invalid(task_id_parse(NULL, &id, &e), &e, "id", "task id \"\" is not a positive integer");
}

/* if_version: absent means no precondition (0), else a positive integer. */
static void test_task_version_parse(void **state)
{
	(void)state;
	struct err e;
	int64_t v = -7;
	assert_int_equal(task_version_parse(NULL, &v, &e), 0);
	assert_int_equal(v, 0);
	assert_int_equal(task_version_parse("3", &v, &e), 0);
	assert_int_equal(v, 3);
	assert_int_equal(task_version_parse("9223372036854775807", &v, &e), 0);
	assert_true(v == INT64_MAX);

	static const char *const bad[] = { "0", "-1", "+1", "1x", " 1", "", "9223372036854775808" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		int rc = task_version_parse(bad[i], &v, &e);
		if (rc != TODO_EINVAL)
			fail_msg("if_version \"%s\": got %d, want TODO_EINVAL", bad[i], rc);
		assert_string_equal(e.field, "if_version");
		char want[96];
		snprintf(want, sizeof(want), "if_version \"%s\" is not a positive integer", bad[i]);
		assert_string_equal(e.msg, want);
	}
}

static void test_task_status_parse(void **state)
{
	(void)state;
	struct err e;
	enum task_status_filter f = TASK_FILTER_COMPLETED;
	assert_int_equal(task_status_parse(NULL, &f, &e), 0);
	assert_int_equal(f, TASK_FILTER_ALL);
	f = TASK_FILTER_COMPLETED;
	assert_int_equal(task_status_parse("all", &f, &e), 0);
	assert_int_equal(f, TASK_FILTER_ALL);
	assert_int_equal(task_status_parse("pending", &f, &e), 0);
	assert_int_equal(f, TASK_FILTER_PENDING);
	assert_int_equal(task_status_parse("completed", &f, &e), 0);
	assert_int_equal(f, TASK_FILTER_COMPLETED);

	static const char *const bad[] = { "", "Pending", "ALL", "done", "pending ", "complete" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		int rc = task_status_parse(bad[i], &f, &e);
		if (rc != TODO_EINVAL)
			fail_msg("status \"%s\": got %d, want TODO_EINVAL", bad[i], rc);
		assert_string_equal(e.field, "status");
		char want[96];
		snprintf(want, sizeof(want), "status \"%s\" is not one of all, pending, completed", bad[i]);
		assert_string_equal(e.msg, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_trimmed),
		cmocka_unit_test(test_title_empty_rejected),
		cmocka_unit_test(test_title_required_on_create),
		cmocka_unit_test(test_title_length),
		cmocka_unit_test(test_invalid_utf8_rejected),
		cmocka_unit_test(test_description_length),
		cmocka_unit_test(test_update_needs_a_field),
		cmocka_unit_test(test_user_id),
		cmocka_unit_test(test_task_id_parse),
		cmocka_unit_test(test_task_version_parse),
		cmocka_unit_test(test_task_status_parse),
	};
	return cmocka_run_group_tests_name("service/task", tests, NULL, NULL);
}
