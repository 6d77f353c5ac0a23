/* Unit tests for service/task_query.c: list parameters and the keyset
 * cursor (opaque to clients, bound to the sort that made it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/task_query.h"

/* A query sorted by @sort_by / @order (NULL: the default). */
static void query(struct task_query *q, const char *sort_by, const char *order)
{
	struct err e;
	task_query_init(q);
	assert_int_equal(task_query_set_sort(q, sort_by, order, &e), 0);
}

/* Every sort, both directions, with and without a value, round-trips. */
static void test_cursor_round_trip(void **state)
{
	(void)state;
	static const char *const sorts[] = { "created_at", "due_date", "priority", "title" };
	static const char *const values[] = { "2026-12-01T09:00:00.123456Z", "3", "buy milk | eggs", NULL,
					      "caf\xC3\xA9 \xE2\x9C\x93" };
	for (size_t s = 0; s < 4; s++) {
		for (int d = 0; d < 2; d++) {
			for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
				struct task_query q, back;
				struct err e;
				query(&q, sorts[s], d ? "desc" : "asc");
				char *text = task_cursor_encode(&q, values[v], 42 + (int64_t)v);
				for (const char *c = text; *c; c++)
					assert_non_null(strchr("0123456789abcdef", *c));   /* opaque hex */
				query(&back, sorts[s], d ? "desc" : "asc");
				assert_int_equal(task_cursor_decode(&back, text, &e), 0);
				assert_true(back.after.has);
				assert_true(back.after.id == 42 + (int64_t)v);
				assert_int_equal(back.after.value_null, values[v] == NULL);
				assert_string_equal(back.after.value, values[v] ? values[v] : "");
				free(text);
				task_query_release(&q);
				task_query_release(&back);
			}
		}
	}
}

/* A cursor is refused under another sort or direction. */
static void test_cursor_bound_to_its_sort(void **state)
{
	(void)state;
	struct task_query q, other;
	struct err e;
	query(&q, "title", "asc");
	char *text = task_cursor_encode(&q, "a", 7);
	query(&other, "title", "desc");
	assert_int_equal(task_cursor_decode(&other, text, &e), TODO_EINVAL);
	assert_string_equal(e.field, "cursor");
	assert_string_equal(e.msg, "cursor was made for another sort_by or sort_order: start again without it");
	assert_false(other.after.has);
	task_query_release(&other);
	query(&other, "due_date", "asc");
	assert_int_equal(task_cursor_decode(&other, text, &e), TODO_EINVAL);
	free(text);
	task_query_release(&q);
	task_query_release(&other);
}

/* Text this API never returned is a 400 naming the cursor. */
static void test_cursor_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "a", "zz", "0g", "763", /* odd length */
		"7631", /* "v1" without the rest */
		"76317c307c647c76", /* "v1|0d|v" without an id */
		"76317c30647c767c307c", /* id 0 */
		"76317c30647c787c317c", /* kind 'x' */
		"76317c30647c767c317cff", /* value not UTF-8 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct task_query q;
		struct err e;
		query(&q, NULL, NULL);
		int rc = task_cursor_decode(&q, bad[i], &e);
		if (rc != TODO_EINVAL)
			fail_msg("cursor \"%s\": got %d, want TODO_EINVAL", bad[i], rc);
		assert_string_equal(e.field, "cursor");
		task_query_release(&q);
	}
	/* Longer than any cursor the API makes. */
	char *big = malloc(4001);
	memset(big, 'a', 4000);
	big[4000] = '\0';
	struct task_query q;
	struct err e;
	query(&q, NULL, NULL);
	assert_int_equal(task_cursor_decode(&q, big, &e), TODO_EINVAL);
	assert_string_equal(e.msg, "cursor \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not one this API returned");
	free(big);
	task_query_release(&q);
}

static void test_limit(void **state)
{
	(void)state;
	struct task_query q;
	struct err e;
	task_query_init(&q);
	assert_int_equal(q.limit, TASK_QUERY_LIMIT_DEFAULT);
	assert_int_equal(task_query_set_limit(&q, "1", &e), 0);
	assert_int_equal(q.limit, 1);
	assert_int_equal(task_query_set_limit(&q, "200", &e), 0);
	assert_int_equal(q.limit, 200);
	static const char *const bad[] = { "0", "201", "-1", "+5", " 5", "5 ", "", "x", "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(task_query_set_limit(&q, bad[i], &e), TODO_EINVAL);
		char want[80];
		snprintf(want, sizeof(want), "limit \"%s\" is not an integer in [1, 200]", bad[i]);
		assert_string_equal(e.msg, want);
	}
	assert_int_equal(q.limit, 200);
	task_query_release(&q);
}

/* Defaults: newest first; with a search and no sort_by, by relevance. */
static void test_sort_defaults(void **state)
{
	(void)state;
	struct task_query q;
	struct err e;
	query(&q, NULL, NULL);
	assert_int_equal(q.sort, TASK_SORT_CREATED_AT);
	assert_true(q.desc);
	task_query_release(&q);
	query(&q, "due_date", NULL);
	assert_int_equal(q.sort, TASK_SORT_DUE_DATE);
	assert_false(q.desc);
	task_query_release(&q);
	task_query_init(&q);
	q.search = strdup("milk");
	assert_int_equal(task_query_set_sort(&q, NULL, NULL, &e), 0);
	assert_int_equal(q.sort, TASK_SORT_RANK);
	task_query_release(&q);
	task_query_init(&q);
	assert_int_equal(task_query_set_sort(&q, "rank", NULL, &e), TODO_EINVAL);
	assert_string_equal(e.field, "sort_by");
	task_query_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_round_trip),
		cmocka_unit_test(test_cursor_bound_to_its_sort),
		cmocka_unit_test(test_cursor_garbage),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_sort_defaults),
	};
	return cmocka_run_group_tests_name("service/task_query", tests, NULL, NULL);
}
