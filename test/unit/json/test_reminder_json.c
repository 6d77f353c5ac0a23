/*
 * Unit tests for src/json/reminder_json.c: the job command codec (what the
 * reminder use cases write to the "@jobs" outbox topic and the relay's
 * command callback reads back), the data a reminder job carries, the
 * request body parser and the reminder-triggered event.
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

#include "json/reminder_json.h"

#define BYTES(s) ((const uint8_t *)(s)), strlen(s)

/* ---- job commands ---- */

static void test_schedule_command_round_trip(void **state)
{
	(void)state;
	char *data = reminder_job_data(42, 3);
	char *text = job_command_encode(true, "reminder-42", "2026-12-01T09:00:00.000000Z", data);
	struct job_command c;
	struct err e;
	assert_int_equal(job_command_parse(text, &c, &e), 0);
	assert_true(c.schedule);
	assert_string_equal(c.name, "reminder-42");
	assert_string_equal(c.due_time, "2026-12-01T09:00:00.000000Z");
	assert_string_equal(c.data, data);
	int64_t id;
	int version;
	assert_int_equal(reminder_job_data_parse(BYTES(c.data), &id, &version), 0);
	assert_true(id == 42);
	assert_int_equal(version, 3);
	job_command_release(&c);
	assert_null(c.data);
	free(text);
	free(data);
}

static void test_delete_command_round_trip(void **state)
{
	(void)state;
	char *text = job_command_encode(false, "reminder-7", NULL, NULL);
	struct job_command c;
	struct err e;
	assert_int_equal(job_command_parse(text, &c, &e), 0);
	assert_false(c.schedule);
	assert_string_equal(c.name, "reminder-7");
	assert_string_equal(c.due_time, "");
	assert_null(c.data);
	job_command_release(&c);
	free(text);
}

static void test_bad_commands(void **state)
{
	(void)state;
	char longname[100];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	char toolong[200];
	snprintf(toolong, sizeof(toolong), "{\"op\":\"delete\",\"name\":\"%s\"}", longname);
	const struct { const char *text, *msg; } bad[] = {
		{ "", "not a job command" },
		{ "not json", "not a job command" },
		{ "[]", "not a job command" },
		{ "{\"op\":\"delete\"}", "not a job command" },
		{ "{\"name\":\"reminder-1\"}", "not a job command" },
		{ "{\"op\":1,\"name\":\"reminder-1\"}", "not a job command" },
		{ toolong, "not a job command" },
		{ "{\"op\":\"schedule\",\"name\":\"reminder-1\"}", "schedule command without due_time or data" },
		{ "{\"op\":\"schedule\",\"name\":\"reminder-1\",\"due_time\":\"2026-01-01T00:00:00Z\"}",
		  "schedule command without due_time or data" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct job_command c;
		struct err e;
		int rc = job_command_parse(bad[i].text, &c, &e);
		if (rc != TODO_EINVAL)
			fail_msg("command %s: got %d, want TODO_EINVAL", bad[i].text, rc);
		assert_string_equal(e.field, "payload");
		assert_string_equal(e.msg, bad[i].msg);
		assert_null(c.data);
	}
}

static void test_job_data(void **state)
{
	(void)state;
	int64_t id;
	int version;
	assert_int_equal(reminder_job_data_parse(BYTES("{\"reminder_id\": 9, \"version\": 1}"), &id, &version), 0);
	assert_true(id == 9);
	static const char *const bad[] = {
		"", "{}", "{\"reminder_id\": 0, \"version\": 1}", "{\"reminder_id\": -4, \"version\": 1}",
		"{\"reminder_id\": \"9\", \"version\": 1}", "{\"reminder_id\": 9}", "[9, 1]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(reminder_job_data_parse(BYTES(bad[i]), &id, &version), -1);
}

/* ---- request bodies ---- */

static void test_parse_input(void **state)
{
	(void)state;
	struct reminder_input in;
	struct err e;
	assert_int_equal(reminder_json_parse_input(BYTES("{\"remind_at\": \"2026-12-01T09:00:00Z\"}"), &in, &e), 0);
	assert_string_equal(in.remind_at, "2026-12-01T09:00:00Z");
	assert_null(in.before);
	reminder_input_release(&in);
	assert_int_equal(reminder_json_parse_input(BYTES("{\"before\": \"15m\"}"), &in, &e), 0);
	assert_string_equal(in.before, "15m");
	reminder_input_release(&in);

	const struct { const char *body, *field, *msg; } bad[] = {
		{ "{\"remind\": \"x\"}", "remind", "unknown field \"remind\"" },
		{ "{\"before\": 15}", "before", "before must be a string" },
		{ "{\"remind_at\": null}", "remind_at", "remind_at must be a string" },
		{ "[]", "body", NULL },
		{ "", "body", NULL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(reminder_json_parse_input(BYTES(bad[i].body), &in, &e), TODO_EINVAL);
		assert_string_equal(e.field, bad[i].field);
		if (bad[i].msg)
			assert_string_equal(e.msg, bad[i].msg);
		assert_null(in.remind_at);
		assert_null(in.before);
	}
}

/* ---- reminder-triggered ---- */

static void test_triggered_event(void **state)
{
	(void)state;
	struct reminder r = { .id = 5, .task_id = 8, .version = 2, .late = true };
	snprintf(r.user_id, sizeof(r.user_id), "alice");
	snprintf(r.reminder_time, sizeof(r.reminder_time), "2026-12-01T08:45:00.000000Z");
	char *text = reminder_json_triggered("11111111-2222-4333-8444-555555555555",
					     "2026-12-01T08:45:00.100000Z", 7, &r, "buy milk", "");
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "event_type")), "reminder-triggered");
	assert_int_equal(json_integer_value(json_object_get(j, "reminder_id")), 5);
	assert_int_equal(json_integer_value(json_object_get(j, "task_id")), 8);
	assert_int_equal(json_integer_value(json_object_get(j, "cursor")), 7);
	assert_true(json_is_true(json_object_get(j, "late")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "task"), "due_datetime")));
	assert_true(reminder_triggered_id(BYTES(text)) == 5);
	json_decref(j);
	free(text);
	assert_true(reminder_triggered_id(BYTES("{\"event_type\":\"task-created\",\"reminder_id\":5}")) == 0);
	assert_true(reminder_triggered_id(BYTES("nonsense")) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule_command_round_trip),
		cmocka_unit_test(test_delete_command_round_trip),
		cmocka_unit_test(test_bad_commands),
		cmocka_unit_test(test_job_data),
		cmocka_unit_test(test_parse_input),
		cmocka_unit_test(test_triggered_event),
	};
	return cmocka_run_group_tests_name("json/reminder_json", tests, NULL, NULL);
}
