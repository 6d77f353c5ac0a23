/*
 * Unit tests for src/base/utf8.c: well-formedness as in RFC 3629 (no
 * overlongs, no surrogates, nothing above U+10FFFF, no truncated or stray
 * sequences) and code-point counting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf8.h"

struct utf8_case {
	const char *what;
	const char *bytes;
	size_t len;
};

#define CASE(what, lit) { what, lit, sizeof(lit) - 1 }

static void check_all(const struct utf8_case *cases, size_t n, bool want)
{
	for (size_t i = 0; i < n; i++)
		if (utf8_valid(cases[i].bytes, cases[i].len) != want)
			fail_msg("%s: utf8_valid returned %s", cases[i].what, want ? "false" : "true");
}

static void test_valid_sequences(void **state)
{
	(void)state;
	static const struct utf8_case cases[] = {
		CASE("empty", ""),
		CASE("ascii", "hello, world"),
		CASE("embedded NUL is ASCII", "a\0b"),
		CASE("U+007F last 1-byte", "\x7F"),
		CASE("U+0080 first 2-byte", "\xC2\x80"),
		CASE("U+00E9 e acute", "\xC3\xA9"),
		CASE("U+07FF last 2-byte", "\xDF\xBF"),
		CASE("U+0800 first 3-byte", "\xE0\xA0\x80"),
		CASE("U+20AC euro", "\xE2\x82\xAC"),
		CASE("U+D7FF below surrogates", "\xED\x9F\xBF"),
		CASE("U+E000 above surrogates", "\xEE\x80\x80"),
		CASE("U+FFFF last 3-byte", "\xEF\xBF\xBF"),
		CASE("U+10000 first 4-byte", "\xF0\x90\x80\x80"),
		CASE("U+1F600 emoji", "\xF0\x9F\x98\x80"),
		CASE("U+10FFFF last code point", "\xF4\x8F\xBF\xBF"),
		CASE("mixed", "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"),
	};
	check_all(cases, sizeof(cases) / sizeof(cases[0]), true);
}

static void test_overlongs_rejected(void **state)
{
	(void)state;
	static const struct utf8_case cases[] = {
		CASE("C0 80 overlong NUL", "\xC0\x80"),
		CASE("C1 BF overlong U+007F", "\xC1\xBF"),
		CASE("E0 80 80 overlong NUL", "\xE0\x80\x80"),
		CASE("E0 9F BF overlong U+07FF", "\xE0\x9F\xBF"),
		CASE("F0 80 80 80 overlong NUL", "\xF0\x80\x80\x80"),
		CASE("F0 8F BF BF overlong U+FFFF", "\xF0\x8F\xBF\xBF"),
	};
	check_all(cases, sizeof(cases) / sizeof(cases[0]), false);
}

static void test_surrogates_rejected(void **state)
{
	(void)state;
	static const struct utf8_case cases[] = {
		CASE("U+D800 first high surrogate", "\xED\xA0\x80"),
		CASE("U+DBFF last high surrogate", "\xED\xAF\xBF"),
		CASE("U+DC00 first low surrogate", "\xED\xB0\x80"),
		CASE("U+DFFF last low surrogate", "\xED\xBF\xBF"),
		CASE("CESU-8 pair for U+1F600", "\xED\xA0\xBD\xED\xB8\x80"),
	};
	check_all(cases, sizeof(cases) / sizeof(cases[0]), false);
}

static void test_above_max_rejected(void **state)
{
	(void)state;
	static const struct utf8_case cases[] = {
		CASE("F4 90 80 80 = U+110000", "\xF4\x90\x80\x80"),
		CASE("F4 BF BF BF", "\xF4\xBF\xBF\xBF"),
		CASE("F5 lead byte", "\xF5\x80\x80\x80"),
		CASE("F7 lead byte", "\xF7\xBF\xBF\xBF"),
		CASE("F8 5-byte lead", "\xF8\x88\x80\x80\x80"),
		CASE("FC 6-byte lead", "\xFC\x84\x80\x80\x80\x80"),
		CASE("FE", "\xFE"),
		CASE("FF", "\xFF"),
	};
	check_all(cases, sizeof(cases) / sizeof(cases[0]), false);
}

static void test_truncated_and_stray_rejected(void **state)
{
	(void)state;
	static const struct utf8_case cases[] = {
		CASE("lone continuation 80", "\x80"),
		CASE("lone continuation BF after ascii", "a\xBF"),
		CASE("2-byte lead alone", "\xC3"),
		CASE("3-byte lead + 1", "\xE2\x82"),
		CASE("4-byte lead + 2", "\xF0\x9F\x98"),
		CASE("truncated at end of text", "abc\xE2\x82"),
		CASE("ascii where continuation expected", "\xC3\x41"),
		CASE("second continuation missing", "\xE2\x28\xA1"),
		CASE("NUL where continuation expected", "\xC3\0"),
	};
	check_all(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/* The length bounds the check: a valid sequence cut by @len is invalid, and
 * bytes past @len are not looked at. */
static void test_length_is_respected(void **state)
{
	(void)state;
	assert_false(utf8_valid("\xC3\xA9", 1));
	assert_false(utf8_valid("\xE2\x82\xAC", 2));
	assert_false(utf8_valid("\xF0\x9F\x98\x80", 3));
	assert_true(utf8_valid("ab\xFF", 2));
	assert_true(utf8_valid("\xFF", 0));
}

static void test_count_code_points(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("\xC3\xA9", 2), 1);
	assert_int_equal(utf8_count("\xE2\x82\xAC", 3), 1);
	assert_int_equal(utf8_count("\xF0\x9F\x98\x80", 4), 1);
	/* "aé€😀z": 1 + 2 + 3 + 4 + 1 bytes, 5 code points. */
	static const char mixed[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
	assert_int_equal(sizeof(mixed) - 1, 11);
	assert_int_equal(utf8_count(mixed, sizeof(mixed) - 1), 5);
	/* Only the first @len bytes are counted. */
	assert_int_equal(utf8_count(mixed, 3), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_sequences),
		cmocka_unit_test(test_overlongs_rejected),
		cmocka_unit_test(test_surrogates_rejected),
		cmocka_unit_test(test_above_max_rejected),
		cmocka_unit_test(test_truncated_and_stray_rejected),
		cmocka_unit_test(test_length_is_respected),
		cmocka_unit_test(test_count_code_points),
	};
	return cmocka_run_group_tests_name("base/utf8", tests, NULL, NULL);
}
