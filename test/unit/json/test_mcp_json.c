/*
 * Unit tests for src/json/mcp_json.c: the JSON-RPC envelope (a table of
 * bodies -> method/id, or JSON-RPC error code), tool arguments, and the
 * answer shapes (parsed back with jansson).
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

#include "json/mcp_json.h"

static const struct {
	const char *body;
	int code;              /* 0: parsed */
	const char *method;    /* NULL: none (response) */
	const char *id;        /* JSON text, NULL: none */
} cases[] = {
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 0, "ping", "1" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"method\":\"tools/list\",\"params\":{}}", 0, "tools/list", "\"a\\\"b\"" },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", 0, "notifications/initialized", NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", 0, NULL, "7" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":-9007199254740993,\"method\":\"ping\"}", 0, "ping", "-9007199254740993" },
	{ "", MCP_PARSE_ERROR, NULL, NULL },
	{ "{", MCP_PARSE_ERROR, NULL, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}", MCP_PARSE_ERROR, NULL, NULL },
	{ "[]", MCP_INVALID_REQUEST, NULL, NULL },
	{ "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", MCP_INVALID_REQUEST, NULL, NULL },
	{ "null", MCP_INVALID_REQUEST, NULL, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", MCP_INVALID_REQUEST, NULL, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", MCP_INVALID_REQUEST, NULL, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1.0,\"method\":\"ping\"}", MCP_INVALID_REQUEST, NULL, NULL },
	{ "{\"id\":1,\"method\":\"ping\"}", MCP_INVALID_REQUEST, NULL, "1" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1}", MCP_INVALID_REQUEST, NULL, "1" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", MCP_INVALID_REQUEST, NULL, "1" },
	/* jansson refuses \u0000 anywhere: no NUL reaches a C string */
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\\u0000b\"}", MCP_PARSE_ERROR, NULL, NULL },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[]}", MCP_INVALID_REQUEST, NULL, "1" },
};

static void test_envelope_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mcp_message m;
		struct err e = { 0 };
		int code = mcp_json_parse((const uint8_t *)cases[i].body, strlen(cases[i].body), &m, &e);
		if (code != cases[i].code)
			fail_msg("case %zu (%s): code %d, want %d (%s)", i, cases[i].body, code, cases[i].code, e.msg);
		if (code)
			assert_true(e.msg[0] != '\0');
		if (cases[i].method)
			assert_string_equal(m.method, cases[i].method);
		else
			assert_null(m.method);
		if (cases[i].id)
			assert_string_equal(m.id, cases[i].id);
		else
			assert_null(m.id);
		mcp_message_release(&m);
	}
}

static void test_call_params_and_args(void **state)
{
	(void)state;
	const char *body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\","
			   "\"arguments\":{\"task_id\":5,\"title\":\"x\",\"flag\":true,\"big\":1e3,\"s\":7}}}";
	struct mcp_message m;
	struct err e = { 0 };
	assert_int_equal(mcp_json_parse((const uint8_t *)body, strlen(body), &m, &e), 0);
	const char *name;
	const struct mcp_args *a;
	assert_int_equal(mcp_json_call_params(&m, &name, &a, &e), 0);
	assert_string_equal(name, "t");
	int64_t v = 0;
	bool present;
	assert_int_equal(mcp_args_int(a, "task_id", true, 1, 10, &v, &present, &e), 0);
	assert_int_equal(v, 5);
	assert_int_equal(mcp_args_int(a, "task_id", true, 6, 10, &v, NULL, &e), TODO_EINVAL);
	assert_int_equal(mcp_args_int(a, "title", true, 1, 10, &v, NULL, &e), TODO_EINVAL);
	assert_int_equal(mcp_args_int(a, "big", true, 1, 10000, &v, NULL, &e), TODO_EINVAL);
	assert_int_equal(mcp_args_int(a, "none", true, 1, 10, &v, NULL, &e), TODO_EINVAL);
	assert_string_equal(e.field, "none");
	assert_int_equal(mcp_args_int(a, "none", false, 1, 10, &v, &present, &e), 0);
	assert_false(present);
	const char *s;
	assert_int_equal(mcp_args_str(a, "title", true, &s, &e), 0);
	assert_string_equal(s, "x");
	assert_int_equal(mcp_args_str(a, "s", true, &s, &e), TODO_EINVAL);   /* not a string */
	bool b = false;
	assert_int_equal(mcp_args_bool(a, "flag", &b, &present, &e), 0);
	assert_true(b && present);
	assert_int_equal(mcp_args_bool(a, "title", &b, NULL, &e), TODO_EINVAL);
	static const char *const known[] = { "task_id", "title", NULL };
	assert_int_equal(mcp_args_check_known(a, known, &e), TODO_EINVAL);
	assert_non_null(strstr(e.msg, "flag"));
	static const char *const drop[] = { "task_id", "flag", "big", "s", NULL };
	char *rest = mcp_args_body(a, drop);
	assert_string_equal(rest, "{\"title\":\"x\"}");
	free(rest);
	mcp_message_release(&m);

	const char *bad[] = {
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":3}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":[]}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(mcp_json_parse((const uint8_t *)bad[i], strlen(bad[i]), &m, &e), 0);
		assert_int_equal(mcp_json_call_params(&m, &name, &a, &e), TODO_EINVAL);
		mcp_message_release(&m);
	}
}

static void test_answers(void **state)
{
	(void)state;
	char *s = mcp_json_error(NULL, MCP_PARSE_ERROR, "bad \"quote\"\n");
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_null(json_object_get(j, "id")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			    "bad \"quote\"\n");
	json_decref(j);
	free(s);

	s = mcp_json_result("\"x\"", "{\"a\":1}");
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{\"a\":1}}");
	free(s);

	s = mcp_json_tool_result("{\"id\":3}", false);
	j = json_loads(s, 0, NULL);
	assert_false(json_is_true(json_object_get(j, "isError")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "structuredContent"), "id")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "content"), 0), "text")),
			    "{\"id\":3}");
	json_decref(j);
	free(s);

	s = mcp_json_tool_result("task 9 not found", true);
	j = json_loads(s, 0, NULL);
	assert_true(json_is_true(json_object_get(j, "isError")));
	assert_null(json_object_get(j, "structuredContent"));
	json_decref(j);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_envelope_cases),
		cmocka_unit_test(test_call_params_and_args),
		cmocka_unit_test(test_answers),
	};
	return cmocka_run_group_tests_name("json/mcp_json", tests, NULL, NULL);
}
