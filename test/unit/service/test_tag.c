/*
 * Unit tests for src/service/tag.c: tag names, colors, inputs and the ids
 * of the tag routes' paths.
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
#include "service/tag.h"

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

static void expect_invalid(int rc, const struct err *e, const char *field, const char *msg_part)
{
	assert_int_equal(rc, TODO_EINVAL);
	assert_int_equal(e->code, TODO_EINVAL);
	assert_string_equal(e->field, field);
	assert_has_substring(e->msg, msg_part);
}

/* Validate a copy of @name; 0 leaves the trimmed name in @trimmed (if not
 * NULL, malloc'd). */
static int name_check(const char *name, char **trimmed, struct err *e)
{
	char *copy = xstrdup(name);
	err_clear(e);
	int rc = tag_name_validate(copy, e);
	if (trimmed)
		*trimmed = copy;
	else
		free(copy);
	return rc;
}

/* ---- names ---- */

static void test_name_trimmed(void **state)
{
	(void)state;
	struct err e;
	char *name;
	assert_int_equal(name_check(" \t\n Home \r\n\v\f", &name, &e), 0);
	assert_string_equal(name, "Home");
	free(name);

	/* Inner spaces are kept; trailing white space is trimmed, not refused. */
	assert_int_equal(name_check("  to  buy\n", &name, &e), 0);
	assert_string_equal(name, "to  buy");
	free(name);

	assert_int_equal(name_check("x", &name, &e), 0);
	assert_string_equal(name, "x");
	free(name);
}

static void test_name_empty_rejected(void **state)
{
	(void)state;
	struct err e;
	expect_invalid(name_check("", NULL, &e), &e, "name", "name must not be empty after trimming");
	expect_invalid(name_check(" \t\r\n ", NULL, &e), &e, "name",
		       "name must not be empty after trimming");
	err_clear(&e);
	expect_invalid(tag_name_validate(NULL, &e), &e, "name", "name must not be null");
}

/* The limit counts code points, not bytes, after trimming. */
static void test_name_length(void **state)
{
	(void)state;
	static const char *const units[] = { "a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80" };
	struct err e;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		char *s = repeat(units[i], TAG_NAME_MAX, "");
		char *padded = xasprintf("  %s  ", s);
		char *name;
		int rc = name_check(padded, &name, &e);
		if (rc != 0)
			fail_msg("50 x %zu-byte code point: got %d \"%s\"", strlen(units[i]), rc, e.msg);
		assert_string_equal(name, s);
		free(name);
		free(padded);
		free(s);

		s = repeat(units[i], TAG_NAME_MAX + 1, "");
		expect_invalid(name_check(s, NULL, &e), &e, "name",
			       "is too long: 51 characters, at most 50 allowed");
		free(s);
	}
}

/* A long name is quoted cut at 40 code points, whole code points only. */
static void test_name_too_long_message_quotes_the_start(void **state)
{
	(void)state;
	struct err e;
	char *s = repeat("\xC3\xA9", 51, "");
	expect_invalid(name_check(s, NULL, &e), &e, "name", "name \"");
	char *quoted = repeat("\xC3\xA9", 40, "...\" is too long");
	assert_has_substring(e.msg, quoted);
	free(quoted);
	free(s);

	s = repeat("b", 60, "");
	expect_invalid(name_check(s, NULL, &e), &e, "name", "60 characters");
	quoted = repeat("b", 40, "...\"");
	assert_has_substring(e.msg, quoted);
	free(quoted);
	free(s);
}

static void test_name_control_characters_rejected(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *message;
	} cases[] = {
		{ "a\tb", "name \"a\\x09b\" contains a control character (U+0009)" },
		{ "line\nbreak", "name \"line\\x0Abreak\" contains a control character (U+000A)" },
		{ "\x1b[31mred", "name \"\\x1B[31mred\" contains a control character (U+001B)" },
		{ "del\x7f", "name \"del\\x7F\" contains a control character (U+007F)" },
		{ "nel\xC2\x85x", "name \"nel\\u0085x\" contains a control character (U+0085)" },
		{ "\xC2\x9F", "(U+009F)" },
		{ "a\x01", "(U+0001)" },
	};
	struct err e;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_invalid(name_check(cases[i].name, NULL, &e), &e, "name", cases[i].message);
	/* U+00A0 (no-break space) and U+00A9 are not control characters. */
	assert_int_equal(name_check("a\xC2\xA0\xC2\xA9", NULL, &e), 0);
}

static void test_name_invalid_utf8_rejected(void **state)
{
	(void)state;
	struct err e;
	expect_invalid(name_check("caf\xE9", NULL, &e), &e, "name",
		       "name \"caf\\xE9\" is not valid UTF-8");
	expect_invalid(name_check("\xC0\xAF", NULL, &e), &e, "name", "is not valid UTF-8");
	expect_invalid(name_check("\xED\xA0\x80", NULL, &e), &e, "name", "is not valid UTF-8");
	expect_invalid(name_check("\xF0\x9F\x98", NULL, &e), &e, "name", "\"\\xF0\\x9F\\x98\"");
}

static void test_name_quotes_are_escaped(void **state)
{
	(void)state;
	struct err e;
	expect_invalid(name_check("say \"hi\"\\\tx", NULL, &e), &e, "name",
		       "name \"say \\\"hi\\\"\\\\\\x09x\" contains");
}

/* ---- colors ---- */

static void test_color_valid(void **state)
{
	(void)state;
	static const char *const ok[] = { "#000000", "#FFFFFF", "#a1B2c3", "#ff8800" };
	struct err e;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		err_clear(&e);
		if (tag_color_validate(ok[i], &e) != 0)
			fail_msg("\"%s\" refused: %s", ok[i], e.msg);
	}
}

static void test_color_invalid(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "red", "#abc", "#ABCDEFA", "#GGGGGG", "123456", "#12345", "#12 456",
		" #123456", "#123456 ", "##12345", "#-12345", "\xC3\xA9\xC3\xA9\xC3\xA9\x31",
	};
	struct err e;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		expect_invalid(tag_color_validate(bad[i], &e), &e, "color",
			       "is not a hex color of the form \"#RRGGBB\"");
	}
	err_clear(&e);
	tag_color_validate("red", &e);
	assert_string_equal(e.msg, "color \"red\" is not a hex color of the form \"#RRGGBB\"");
	err_clear(&e);
	expect_invalid(tag_color_validate(NULL, &e), &e, "color", "color must not be null");
}

/* ---- inputs ---- */

static int input_check(const char *name, bool has_name, const char *color, bool has_color,
		       bool is_create, struct err *e)
{
	struct tag_input in = {
		.has_name = has_name,
		.name = name ? xstrdup(name) : NULL,
		.has_color = has_color,
		.color = color ? xstrdup(color) : NULL,
	};
	err_clear(e);
	int rc = tag_input_validate(&in, is_create, e);
	tag_input_release(&in);
	assert_false(in.has_name || in.name || in.has_color || in.color);
	return rc;
}

static void test_input_create(void **state)
{
	(void)state;
	struct err e;
	assert_int_equal(input_check("home", true, NULL, false, true, &e), 0);
	assert_int_equal(input_check("home", true, NULL, true, true, &e), 0);
	assert_int_equal(input_check("home", true, "#00ff00", true, true, &e), 0);
	expect_invalid(input_check(NULL, false, "#00ff00", true, true, &e), &e, "name",
		       "name is required");
	expect_invalid(input_check(NULL, true, NULL, false, true, &e), &e, "name",
		       "name must not be null");
	expect_invalid(input_check("  ", true, NULL, false, true, &e), &e, "name", "empty");
	expect_invalid(input_check("home", true, "green", true, true, &e), &e, "color",
		       "color \"green\"");
}

static void test_input_update(void **state)
{
	(void)state;
	struct err e;
	assert_int_equal(input_check("work", true, NULL, false, false, &e), 0);
	assert_int_equal(input_check(NULL, false, "#123abc", true, false, &e), 0);
	assert_int_equal(input_check(NULL, false, NULL, true, false, &e), 0);   /* clear the color */
	expect_invalid(input_check(NULL, false, NULL, false, false, &e), &e, "",
		       "nothing to update");
	expect_invalid(input_check(NULL, false, "#12345g", true, false, &e), &e, "color", "#12345g");
}

/* The name an input carries is trimmed in place. */
static void test_input_trims_name(void **state)
{
	(void)state;
	struct err e;
	struct tag_input in = { .has_name = true, .name = xstrdup("  Errands ") };
	assert_int_equal(tag_input_validate(&in, true, &e), 0);
	assert_string_equal(in.name, "Errands");
	tag_input_release(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_trimmed),
		cmocka_unit_test(test_name_empty_rejected),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_name_too_long_message_quotes_the_start),
		cmocka_unit_test(test_name_control_characters_rejected),
		cmocka_unit_test(test_name_invalid_utf8_rejected),
		cmocka_unit_test(test_name_quotes_are_escaped),
		cmocka_unit_test(test_color_valid),
		cmocka_unit_test(test_color_invalid),
		cmocka_unit_test(test_input_create),
		cmocka_unit_test(test_input_update),
		cmocka_unit_test(test_input_trims_name),
	};
	return cmocka_run_group_tests_name("service/tag", tests, NULL, NULL);
}
