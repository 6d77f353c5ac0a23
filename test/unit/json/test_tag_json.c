/*
 * Unit tests for src/json/tag_json.c: the strict parser of tag bodies (a
 * table of cases: body -> parsed input, or error field + message part) and
 * the encoders (their output parsed back with jansson).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/alloc.h"
#include "json/tag_json.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

/* ---- parser ---- */

static const struct {
	const char *label;
	const char *body;
	size_t len;               /* 0: strlen(body) */
	/* success */
	bool has_name;
	const char *name;
	bool has_color;
	const char *color;
	/* failure when field is not NULL */
	const char *field;
	const char *message;
} parse_cases[] = {
	{ "create", "{\"name\": \"Home\", \"color\": \"#A1B2C3\"}", 0,
	  true, "Home", true, "#A1B2C3", NULL, NULL },
	{ "name only", "{\"name\": \"  padded  \"}", 0, true, "  padded  ", false, NULL, NULL, NULL },
	{ "null color", "{\"name\": \"x\", \"color\": null}", 0, true, "x", true, NULL, NULL, NULL },
	{ "color only", " {\"color\":\"#000000\"} \n", 0, false, NULL, true, "#000000", NULL, NULL },
	{ "empty object", "{}", 0, false, NULL, false, NULL, NULL, NULL },
	{ "escapes", "{\"name\": \"caf\\u00e9 \\\"q\\\" \\ud83d\\ude00\"}", 0,
	  true, "caf\xC3\xA9 \"q\" \xF0\x9F\x98\x80", false, NULL, NULL, NULL },
	/* Lengths and formats are the service's job, not the codec's. */
	{ "unchecked values", "{\"name\": \"\", \"color\": \"red\"}", 0,
	  true, "", true, "red", NULL, NULL },

	{ "empty body", "", 0, false, NULL, false, NULL, "body", "request body is empty" },
	{ "blank body", " \r\n\t", 0, false, NULL, false, NULL, "body", "request body is empty" },
	{ "malformed", "{\"name\": ", 0, false, NULL, false, NULL, "body", "could not parse JSON body" },
	{ "trailing garbage", "{\"name\": \"a\"} x", 0, false, NULL, false, NULL, "body",
	  "could not parse JSON body" },
	{ "array", "[]", 0, false, NULL, false, NULL, "body", "must be a JSON object" },
	{ "string", "\"home\"", 0, false, NULL, false, NULL, "body", "must be a JSON object" },
	{ "null", "null", 0, false, NULL, false, NULL, "body", "must be a JSON object" },
	{ "duplicate name", "{\"name\": \"a\", \"name\": \"b\"}", 0, false, NULL, false, NULL,
	  "body", "duplicate object key near '\"name\"'" },
	{ "duplicate color", "{\"color\": null, \"color\": \"#000000\"}", 0, false, NULL, false, NULL,
	  "body", "duplicate object key near '\"color\"'" },
	{ "unknown field", "{\"name\": \"a\", \"colour\": \"#000000\"}", 0, false, NULL, false, NULL,
	  "colour", "unknown field \"colour\"" },
	{ "null name", "{\"name\": null}", 0, false, NULL, false, NULL,
	  "name", "name must be a string, not null" },
	{ "number name", "{\"name\": 5}", 0, false, NULL, false, NULL, "name", "name must be a string" },
	{ "array name", "{\"name\": [\"a\"]}", 0, false, NULL, false, NULL, "name", "name must be a string" },
	{ "bool color", "{\"name\": \"a\", \"color\": true}", 0, false, NULL, false, NULL,
	  "color", "color must be a string" },
	{ "object color", "{\"color\": {}}", 0, false, NULL, false, NULL, "color", "color must be a string" },
	{ "nul escape", "{\"name\": \"a\\u0000b\"}", 0, false, NULL, false, NULL,
	  "body", "could not parse JSON body" },
	{ "raw nul", "{\"name\": \"a\0b\"}", 15, false, NULL, false, NULL,
	  "body", "could not parse JSON body" },
	{ "invalid utf8", "{\"name\": \"caf\xE9\"}", 0, false, NULL, false, NULL,
	  "body", "could not parse JSON body" },
};

static void check_case(size_t i)
{
	struct tag_input in;
	struct err e;
	err_clear(&e);
	size_t len = parse_cases[i].len ? parse_cases[i].len : strlen(parse_cases[i].body);
	int rc = tag_json_parse_input((const uint8_t *)parse_cases[i].body, len, &in, &e);
	if (parse_cases[i].field) {
		if (rc != TODO_EINVAL)
			fail_msg("case \"%s\": expected TODO_EINVAL, got %d", parse_cases[i].label, rc);
		assert_string_equal(e.field, parse_cases[i].field);
		assert_has_substring(e.msg, parse_cases[i].message);
	} else {
		if (rc != 0)
			fail_msg("case \"%s\": got %d \"%s\"", parse_cases[i].label, rc, e.msg);
		assert_int_equal(in.has_name, parse_cases[i].has_name);
		assert_int_equal(in.has_color, parse_cases[i].has_color);
		if (parse_cases[i].name)
			assert_string_equal(in.name, parse_cases[i].name);
		else
			assert_null(in.name);
		if (parse_cases[i].color)
			assert_string_equal(in.color, parse_cases[i].color);
		else
			assert_null(in.color);
	}
	tag_input_release(&in);
}

static void test_parse_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++)
		check_case(i);
}

/* ---- encoders ---- */

static json_t *load(char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		fail_msg("encoder output \"%s\" is not JSON: %s", text, jerr.text);
	free(text);
	return j;
}

static void test_encode_tag(void **state)
{
	(void)state;
	struct tag t = { .id = 42, .name = xstrdup("Home \"sweet\""), .color = "#A1B2C3",
			 .created_at = "2026-11-26T05:00:36.737123Z" };
	json_t *j = load(tag_json_encode(&t));
	assert_int_equal(json_object_size(j), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 42);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "Home \"sweet\"");
	assert_string_equal(json_string_value(json_object_get(j, "color")), "#A1B2C3");
	assert_string_equal(json_string_value(json_object_get(j, "created_at")),
			    "2026-11-26T05:00:36.737123Z");
	json_decref(j);

	t.color[0] = '\0';   /* no color: null, not "" */
	j = load(tag_json_encode(&t));
	assert_true(json_is_null(json_object_get(j, "color")));
	json_decref(j);
	tag_release(&t);
	assert_null(t.name);
}

static void test_encode_list(void **state)
{
	(void)state;
	struct tag *tags = xcalloc(2, sizeof(*tags));
	tags[0] = (struct tag){ .id = 1, .name = xstrdup("a"), .created_at = "t1" };
	tags[1] = (struct tag){ .id = 2, .name = xstrdup("b"), .color = "#000000", .created_at = "t2" };
	json_t *j = load(tag_json_encode_list(tags, 2));
	assert_int_equal(json_object_size(j), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 2);
	json_t *arr = json_object_get(j, "tags");
	assert_int_equal(json_array_size(arr), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "id")), 1);
	assert_true(json_is_null(json_object_get(json_array_get(arr, 0), "color")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 1), "color")), "#000000");
	json_decref(j);
	tags_free(tags, 2);

	j = load(tag_json_encode_list(NULL, 0));
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "tags")), 0);
	json_decref(j);
}

static void test_encode_deleted_and_link(void **state)
{
	(void)state;
	char *s = tag_json_encode_deleted(7);
	assert_string_equal(s, "{\"id\":7,\"deleted\":true}");
	free(s);
	s = tag_json_encode_link(3, 9, true);
	assert_string_equal(s, "{\"task_id\":3,\"tag_id\":9,\"attached\":true}");
	free(s);
	s = tag_json_encode_link(INT64_MAX, 1, false);
	assert_string_equal(s, "{\"task_id\":9223372036854775807,\"tag_id\":1,\"attached\":false}");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_encode_tag),
		cmocka_unit_test(test_encode_list),
		cmocka_unit_test(test_encode_deleted_and_link),
	};
	return cmocka_run_group_tests_name("json/tag_json", tests, NULL, NULL);
}
