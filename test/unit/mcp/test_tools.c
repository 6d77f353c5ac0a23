/*
 * Unit tests for src/mcp/tools.c: the tool table is valid (every schema is
 * JSON, an object schema, inputs closed with additionalProperties false, no
 * user_id anywhere), 16 tools with unique names and the expected annotations.
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

#include "mcp/tools.h"

static const char *const names[] = { "add_task", "list_tasks", "complete_task", "delete_task",
	"update_task", "set_task_recurrence", "skip_task_occurrence", "set_task_due_date",
	"create_reminder", "list_reminders", "set_task_priority", "add_tag_to_task",
	"remove_tag_from_task", "list_tags", "search_tasks", "get_activity_logs" };

static void test_table(void **state)
{
	(void)state;
	char *s = mcp__tools_list();
	assert_non_null(s);
	json_t *j = json_loads(s, 0, NULL);
	assert_non_null(j);
	json_t *tools = json_object_get(j, "tools");
	assert_int_equal(json_array_size(tools), 16);
	for (size_t i = 0; i < 16; i++) {
		json_t *t = json_array_get(tools, i);
		assert_string_equal(json_string_value(json_object_get(t, "name")), names[i]);
		assert_non_null(mcp__tool_find(names[i]));
		json_t *in = json_object_get(t, "inputSchema"), *out = json_object_get(t, "outputSchema");
		assert_string_equal(json_string_value(json_object_get(in, "type")), "object");
		assert_string_equal(json_string_value(json_object_get(out, "type")), "object");
		assert_true(json_is_false(json_object_get(in, "additionalProperties")));
		json_t *props = json_object_get(in, "properties");
		assert_null(json_object_get(props ? props : in, "user_id"));
		/* every required argument is a declared property */
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(in, "required"), k, r)
			assert_non_null(json_object_get(props, json_string_value(r)));
		json_t *a = json_object_get(t, "annotations");
		bool ro = strncmp(names[i], "list_", 5) == 0 || strncmp(names[i], "search_", 7) == 0 ||
			  strncmp(names[i], "get_", 4) == 0;
		assert_int_equal(json_is_true(json_object_get(a, "readOnlyHint")), ro);
		assert_int_equal(json_is_true(json_object_get(a, "destructiveHint")),
				 strcmp(names[i], "delete_task") == 0);
		assert_true(json_is_false(json_object_get(a, "openWorldHint")));
		assert_true(strlen(json_string_value(json_object_get(t, "description"))) > 20);
	}
	assert_null(mcp__tool_find("nope"));
	json_decref(j);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests_name("mcp/tools", tests, NULL, NULL);
}
