/* Unit tests for src/json/realtime_json.c: the client messages of the
 * real-time protocol (every malformed input gets a named error, never a
 * crash) and the frames the server sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "json/realtime_json.h"

static enum realtime_error parse(const char *text, struct realtime_msg *m, struct err *e)
{
	return realtime_json_parse(text, strlen(text), m, e);
}

static void test_subscribe_full(void **state)
{
	(void)state;
	struct realtime_msg m;
	struct err e = { 0 };
	assert_int_equal(parse("{\"type\":\"subscribe\",\"since\":41,\"task_ids\":[3,9],\"tags\":[\"home\"]}", &m, &e),
			 REALTIME_OK);
	assert_int_equal(m.type, REALTIME_SUBSCRIBE);
	assert_true(m.has_since);
	assert_int_equal(m.since, 41);
	assert_int_equal(m.ntask_ids, 2);
	assert_int_equal(m.task_ids[1], 9);
	assert_int_equal(m.ntags, 1);
	assert_string_equal(m.tags[0], "home");
	realtime_msg_release(&m);
	assert_int_equal(parse("{\"type\":\"subscribe\",\"extra\":true}", &m, &e), REALTIME_OK);
	assert_false(m.has_since);
	assert_null(m.task_ids);
	realtime_msg_release(&m);
}

static void test_ping_echoes_any_id(void **state)
{
	(void)state;
	struct realtime_msg m;
	struct err e = { 0 };
	assert_int_equal(parse("{\"type\":\"ping\",\"id\":{\"a\":[1,\"x\"]}}", &m, &e), REALTIME_OK);
	char *pong = realtime_json_pong(m.ping_id);
	assert_string_equal(pong, "{\"type\":\"pong\",\"id\":{\"a\":[1,\"x\"]}}");
	free(pong);
	realtime_msg_release(&m);
	assert_int_equal(parse("{\"type\":\"ping\"}", &m, &e), REALTIME_OK);
	assert_null(m.ping_id);
	pong = realtime_json_pong(NULL);
	assert_string_equal(pong, "{\"type\":\"pong\"}");
	free(pong);
	realtime_msg_release(&m);
}

static void test_errors_name_the_problem(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum realtime_error code;
		const char *field;
	} cases[] = {
		{ "", REALTIME_BAD_JSON, "message" },
		{ "not json", REALTIME_BAD_JSON, "message" },
		{ "[1,2]", REALTIME_BAD_JSON, "message" },
		{ "\"subscribe\"", REALTIME_BAD_JSON, "message" },
		{ "{\"type\":\"ping\",\"type\":\"ping\"}", REALTIME_BAD_JSON, "message" },
		{ "{}", REALTIME_BAD_MESSAGE, "type" },
		{ "{\"type\":7}", REALTIME_BAD_MESSAGE, "type" },
		{ "{\"type\":\"publish\"}", REALTIME_UNKNOWN_TYPE, "type" },
		{ "{\"type\":\"subscribe\",\"since\":-1}", REALTIME_BAD_FIELD, "since" },
		{ "{\"type\":\"subscribe\",\"since\":\"5\"}", REALTIME_BAD_FIELD, "since" },
		{ "{\"type\":\"subscribe\",\"since\":1.5}", REALTIME_BAD_FIELD, "since" },
		{ "{\"type\":\"subscribe\",\"task_ids\":3}", REALTIME_BAD_FIELD, "task_ids" },
		{ "{\"type\":\"subscribe\",\"task_ids\":[0]}", REALTIME_BAD_FIELD, "task_ids" },
		{ "{\"type\":\"subscribe\",\"task_ids\":[\"1\"]}", REALTIME_BAD_FIELD, "task_ids" },
		{ "{\"type\":\"subscribe\",\"tags\":[\"\"]}", REALTIME_BAD_FIELD, "tags" },
		{ "{\"type\":\"subscribe\",\"tags\":[\"a\\u0000b\"]}", REALTIME_BAD_JSON, "message" },
		{ "{\"type\":\"subscribe\",\"tags\":{}}", REALTIME_BAD_FIELD, "tags" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct realtime_msg m;
		struct err e = { 0 };
		enum realtime_error rc = parse(cases[i].text, &m, &e);
		if (rc != cases[i].code)
			fail_msg("case %zu (%s): got %s", i, cases[i].text, realtime_error_code(rc));
		assert_string_equal(e.field, cases[i].field);
		assert_true(strlen(e.msg) > 0);
	}
	/* Too many task ids. */
	char big[1024] = "{\"type\":\"subscribe\",\"task_ids\":[1";
	for (int i = 0; i < 100; i++)
		strcat(big, ",1");
	strcat(big, "]}");
	struct realtime_msg m;
	struct err e = { 0 };
	assert_int_equal(parse(big, &m, &e), REALTIME_BAD_FIELD);
}

static void test_random_bytes_never_crash(void **state)
{
	(void)state;
	srand(11);
	static const char alphabet[] = "{}[]\":,0123456789-. \\tpingsubcrbeyadx\x01\xff";
	char buf[64];
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(rand() % (int)sizeof(buf));
		for (size_t k = 0; k < n; k++)
			buf[k] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		struct realtime_msg m;
		struct err e = { 0 };
		if (realtime_json_parse(buf, n, &m, &e) == REALTIME_OK)
			realtime_msg_release(&m);
	}
}

static void test_frames(void **state)
{
	(void)state;
	char *s = realtime_json_subscribed(12);
	assert_string_equal(s, "{\"type\":\"subscribed\",\"cursor\":12}");
	free(s);
	s = realtime_json_resync(40);
	assert_string_equal(s, "{\"type\":\"resync\",\"cursor\":40,\"reason\":\"cursor older than retention\"}");
	free(s);
	s = realtime_json_error(REALTIME_TOO_BIG, "too big");
	assert_string_equal(s, "{\"type\":\"error\",\"code\":\"too_big\",\"message\":\"too big\"}");
	free(s);
	s = realtime_json_tag_names("[{\"id\":1,\"name\":\"home\",\"color\":null},{\"id\":2,\"name\":\"work\"}]");
	assert_string_equal(s, "[\"home\",\"work\"]");
	assert_true(realtime_json_tags_match(s, (char *[]){ "x", "work" }, 2));
	assert_false(realtime_json_tags_match(s, (char *[]){ "x" }, 1));
	assert_false(realtime_json_tags_match("not json", (char *[]){ "x" }, 1));
	free(s);
}

static void test_notice_and_ticket(void **state)
{
	(void)state;
	char user[65];
	int64_t cursor = 0;
	struct err e = { 0 };
	const char *ok = "{\"user_id\":\"alice\",\"cursor\":5,\"task_id\":1}";
	assert_int_equal(realtime_json_notice((const uint8_t *)ok, strlen(ok), user, sizeof(user), &cursor, &e), 0);
	assert_string_equal(user, "alice");
	assert_int_equal(cursor, 5);
	const char *old = "{\"user_id\":\"alice\",\"task_id\":1}";
	assert_int_equal(realtime_json_notice((const uint8_t *)old, strlen(old), user, sizeof(user), &cursor, &e),
			 TODO_EINVAL);
	char *t = realtime_json_ticket("bob", 1700000000);
	int64_t at = 0;
	assert_int_equal(realtime_json_ticket_parse(t, strlen(t), user, sizeof(user), &at, &e), 0);
	assert_string_equal(user, "bob");
	assert_int_equal(at, 1700000000);
	free(t);
	t = realtime_json_ticket_issued("abc", "ws://h:1/realtime", 30);
	assert_string_equal(t, "{\"ticket\":\"abc\",\"url\":\"ws://h:1/realtime?ticket=abc\",\"expires_in\":30}");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subscribe_full),
		cmocka_unit_test(test_ping_echoes_any_id),
		cmocka_unit_test(test_errors_name_the_problem),
		cmocka_unit_test(test_random_bytes_never_crash),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_notice_and_ticket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
