/*
 * Unit tests for src/json/event_json.c: the wire form of task events (what
 * the relay publishes and the activity consumer reads back).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "json/event_json.h"

static struct task make_task(int64_t id, const char *title, const char *desc, bool done, int64_t v)
{
	struct task t = { .id = id, .completed = done, .version = v };
	strcpy(t.user_id, "alice");
	t.title = (char *)title;
	t.description = (char *)desc;
	strcpy(t.created_at, "2026-11-26T05:00:00.000000Z");
	strcpy(t.updated_at, "2026-11-26T05:00:01.000000Z");
	return t;
}

static const struct actor user_actor = { "user", "alice" };

static void test_update_event_round_trip(void **state)
{
	(void)state;
	struct task old = make_task(7, "old title", NULL, false, 1);
	struct task now = make_task(7, "new title", "d", false, 2);
	struct task_event ev;
	event_task_init(&ev, EVENT_TASK_UPDATED, &user_actor, &now, &old);
	char *json = event_json_task(&ev);

	json_t *j = json_loads(json, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "schema_version")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "event_type")), "task-updated");
	assert_string_equal(json_string_value(json_object_get(j, "event_id")), ev.event_id);
	assert_int_equal(json_integer_value(json_object_get(j, "task_version")), 2);
	json_t *chg = json_object_get(j, "changes");
	assert_int_equal(json_object_size(chg), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(chg, "title"), "old")), "old title");
	assert_true(json_is_null(json_object_get(json_object_get(chg, "description"), "old")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(chg, "description"), "new")), "d");
	json_decref(j);

	struct parsed_task_event p;
	struct err e = { 0 };
	assert_int_equal(event_json_parse_task((const uint8_t *)json, strlen(json), &p, &e), 0);
	assert_string_equal(p.event_id, ev.event_id);
	assert_string_equal(p.event_type, "task-updated");
	assert_string_equal(p.user_id, "alice");
	assert_int_equal(p.task_id, 7);
	assert_int_equal(p.task_version, 2);
	assert_string_equal(p.actor_type, "user");
	assert_false(p.completed);
	assert_non_null(strstr(p.changes_json, "\"title\""));
	event_json_release(&p);
	free(json);
}

static void test_delta_is_compact(void **state)
{
	(void)state;
	struct task old = make_task(7, "t", NULL, false, 1);
	struct task now = make_task(7, "t", NULL, true, 2);
	struct task_event ev;
	event_task_init(&ev, EVENT_TASK_COMPLETED, &user_actor, &now, &old);
	char *json = event_json_task_delta(&ev);
	json_t *j = json_loads(json, 0, NULL);
	assert_null(json_object_get(j, "actor"));
	assert_null(json_object_get(j, "task"));
	json_t *chg = json_object_get(j, "changes");
	assert_int_equal(json_object_size(chg), 1);
	assert_true(json_is_true(json_object_get(json_object_get(chg, "completed"), "new")));
	json_decref(j);
	free(json);

	event_task_init(&ev, EVENT_TASK_CREATED, &user_actor, &now, NULL);
	json = event_json_task_delta(&ev);
	j = json_loads(json, 0, NULL);
	assert_non_null(json_object_get(j, "task"));
	assert_null(json_object_get(j, "changes"));
	json_decref(j);
	free(json);
}

static void test_poison_is_rejected(void **state)
{
	(void)state;
	static const char *const poison[] = {
		"not json",
		"[]",
		"{}",
		"{\"schema_version\":2,\"event_id\":\"00000000-0000-4000-8000-000000000000\"}",
		/* valid shape, but schema 2 */
		"{\"schema_version\":2,\"event_id\":\"00000000-0000-4000-8000-000000000000\",\"event_type\":\"task-created\","
		"\"occurred_at\":\"x\",\"user_id\":\"a\",\"task_id\":1,\"task_version\":1,"
		"\"actor\":{\"type\":\"user\",\"id\":\"a\"},\"task\":{\"completed\":false}}",
		/* task_id 0 */
		"{\"schema_version\":1,\"event_id\":\"00000000-0000-4000-8000-000000000000\",\"event_type\":\"task-created\","
		"\"occurred_at\":\"x\",\"user_id\":\"a\",\"task_id\":0,\"task_version\":1,"
		"\"actor\":{\"type\":\"user\",\"id\":\"a\"},\"task\":{\"completed\":false}}",
		/* short event id */
		"{\"schema_version\":1,\"event_id\":\"abc\",\"event_type\":\"task-created\","
		"\"occurred_at\":\"x\",\"user_id\":\"a\",\"task_id\":1,\"task_version\":1,"
		"\"actor\":{\"type\":\"user\",\"id\":\"a\"},\"task\":{\"completed\":false}}",
	};
	for (size_t i = 0; i < sizeof(poison) / sizeof(poison[0]); i++) {
		struct parsed_task_event p;
		struct err e = { 0 };
		assert_int_equal(event_json_parse_task((const uint8_t *)poison[i], strlen(poison[i]), &p, &e),
				 TODO_EINVAL);
		assert_string_equal(e.field, "data");
	}
}

static void test_event_ids_are_uuid_v4_and_unique(void **state)
{
	(void)state;
	char a[EVENT_ID_LEN + 1], b[EVENT_ID_LEN + 1];
	event_new_id(a);
	event_new_id(b);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[8], '-');
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_event_round_trip),
		cmocka_unit_test(test_delta_is_compact),
		cmocka_unit_test(test_poison_is_rejected),
		cmocka_unit_test(test_event_ids_are_uuid_v4_and_unique),
	};
	return cmocka_run_group_tests_name("event_json", tests, NULL, NULL);
}
