/*
 * Unit tests for src/http/query.c: decoding, rejection of malformed input,
 * lookups and the known-keys check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/query.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

static void test_empty_and_null(void **state)
{
	(void)state;
	struct query q;
	struct err e;
	err_clear(&e);
	assert_int_equal(query_parse(NULL, &q, &e), 0);
	assert_int_equal(q.n, 0);
	query_release(&q);
	assert_int_equal(query_parse("", &q, &e), 0);
	assert_int_equal(q.n, 0);
	assert_null(query_get(&q, "a"));
	query_release(&q);
	/* Empty pairs between '&' are skipped. */
	assert_int_equal(query_parse("&&a=1&", &q, &e), 0);
	assert_int_equal(q.n, 1);
	assert_string_equal(q.items[0].key, "a");
	assert_string_equal(q.items[0].value, "1");
	query_release(&q);
	assert_int_equal(e.code, TODO_OK);
}

static void test_decoding(void **state)
{
	(void)state;
	struct query q;
	struct err e;
	assert_int_equal(query_parse("a=1&b=x+y%20z&c=%41%42&d&e=&f=a%3Db%26c&g%5B%5D=%c3%A9", &q, &e), 0);
	assert_int_equal(q.n, 7);
	assert_string_equal(q.items[0].key, "a");
	assert_string_equal(q.items[0].value, "1");
	assert_string_equal(q.items[1].key, "b");
	assert_string_equal(q.items[1].value, "x y z");
	assert_string_equal(q.items[2].value, "AB");
	assert_string_equal(q.items[3].key, "d");
	assert_string_equal(q.items[3].value, "");
	assert_string_equal(q.items[4].key, "e");
	assert_string_equal(q.items[4].value, "");
	assert_string_equal(q.items[5].value, "a=b&c");
	assert_string_equal(q.items[6].key, "g[]");
	assert_string_equal(q.items[6].value, "\xC3\xA9");
	query_release(&q);
	assert_int_equal(q.n, 0);
	assert_null(q.items);

	/* Keys are decoded too, and only the first '=' splits. */
	assert_int_equal(query_parse("my+key=a=b", &q, &e), 0);
	assert_int_equal(q.n, 1);
	assert_string_equal(q.items[0].key, "my key");
	assert_string_equal(q.items[0].value, "a=b");
	query_release(&q);
}

static void expect_bad_value(const char *qs, const char *key)
{
	struct query q;
	struct err e;
	err_clear(&e);
	int rc = query_parse(qs, &q, &e);
	if (rc != TODO_EINVAL)
		fail_msg("query \"%s\": got %d, want TODO_EINVAL", qs, rc);
	assert_int_equal(e.code, TODO_EINVAL);
	assert_string_equal(e.field, key);
	char want[128];
	snprintf(want, sizeof(want), "could not parse query parameter \"%s\"", key);
	assert_has_substring(e.msg, want);
	assert_has_substring(e.msg, "malformed percent-encoding or not UTF-8");
	query_release(&q);
}

static void test_bad_escapes_rejected(void **state)
{
	(void)state;
	expect_bad_value("a=%", "a");
	expect_bad_value("a=%4", "a");
	expect_bad_value("a=x%4", "a");
	expect_bad_value("a=%zz", "a");
	expect_bad_value("a=%4g", "a");
	expect_bad_value("a=%g4", "a");
	expect_bad_value("a=%%41", "a");
	/* An earlier good parameter is kept for query_release to free. */
	expect_bad_value("ok=1&b=%", "b");
}

static void test_nul_rejected(void **state)
{
	(void)state;
	expect_bad_value("a=%00", "a");
	expect_bad_value("a=x%00y", "a");

	struct query q;
	struct err e;
	assert_int_equal(query_parse("a%00b=1", &q, &e), TODO_EINVAL);
	assert_string_equal(e.field, "query");
	query_release(&q);
}

static void test_non_utf8_rejected(void **state)
{
	(void)state;
	expect_bad_value("a=%ff", "a");
	expect_bad_value("a=%c3", "a");        /* truncated */
	expect_bad_value("a=%c3%28", "a");     /* bad continuation */
	expect_bad_value("a=%c0%80", "a");     /* overlong NUL */
	expect_bad_value("a=%ed%a0%80", "a");  /* surrogate U+D800 */
	expect_bad_value("a=\xff", "a");       /* raw byte, not escaped */
}

static void test_bad_key_rejected(void **state)
{
	(void)state;
	static const char *const cases[] = { "=1", "=", "a=1&=2", "%zz=1", "%ff=1", "%=1" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct query q;
		struct err e;
		err_clear(&e);
		int rc = query_parse(cases[i], &q, &e);
		if (rc != TODO_EINVAL)
			fail_msg("query \"%s\": got %d, want TODO_EINVAL", cases[i], rc);
		assert_string_equal(e.field, "query");
		assert_has_substring(e.msg, "malformed or empty parameter name");
		query_release(&q);
	}
}

static void test_get(void **state)
{
	(void)state;
	struct query q;
	struct err e;
	assert_int_equal(query_parse("status=pending&limit=10&status=completed", &q, &e), 0);
	assert_string_equal(query_get(&q, "status"), "pending");
	assert_string_equal(query_get(&q, "limit"), "10");
	assert_null(query_get(&q, "Status"));
	assert_null(query_get(&q, "lim"));
	query_release(&q);
}

static void test_check_known(void **state)
{
	(void)state;
	static const char *const known[] = { "status", "limit", NULL };
	struct query q;
	struct err e;

	assert_int_equal(query_parse("status=all&limit=5", &q, &e), 0);
	err_clear(&e);
	assert_int_equal(query_check_known(&q, known, &e), 0);
	assert_int_equal(e.code, TODO_OK);
	query_release(&q);

	assert_int_equal(query_parse("status=all&sort=asc", &q, &e), 0);
	assert_int_equal(query_check_known(&q, known, &e), TODO_EINVAL);
	assert_int_equal(e.code, TODO_EINVAL);
	assert_string_equal(e.field, "sort");
	assert_string_equal(e.msg, "unknown query parameter \"sort\"");
	query_release(&q);

	assert_int_equal(query_parse("limit=1&status=all&status=pending", &q, &e), 0);
	assert_int_equal(query_check_known(&q, known, &e), TODO_EINVAL);
	assert_string_equal(e.field, "status");
	assert_string_equal(e.msg, "query parameter \"status\" given more than once");
	query_release(&q);

	/* No parameters: nothing to object to, even with no known keys. */
	static const char *const none[] = { NULL };
	assert_int_equal(query_parse("", &q, &e), 0);
	assert_int_equal(query_check_known(&q, none, &e), 0);
	query_release(&q);
	assert_int_equal(query_parse("x", &q, &e), 0);
	assert_int_equal(query_check_known(&q, none, &e), TODO_EINVAL);
	assert_string_equal(e.field, "x");
	query_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_bad_escapes_rejected),
		cmocka_unit_test(test_nul_rejected),
		cmocka_unit_test(test_non_utf8_rejected),
		cmocka_unit_test(test_bad_key_rejected),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_check_known),
	};
	return cmocka_run_group_tests_name("http/query", tests, NULL, NULL);
}
