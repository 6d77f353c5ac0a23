#include "json/task_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json/codec_internal.h"

#include "base/alloc.h"

static int take_weekdays(json_t *v, unsigned *mask, struct err *e)
{
	*mask = 0;
	if (!json_is_array(v))
		return err_set(e, TODO_EINVAL, "recurrence_weekdays",
			       "recurrence_weekdays must be an array such as [\"MO\", \"WE\"]");
	size_t i;
	json_t *d;
	json_array_foreach(v, i, d) {
		unsigned bit;
		if (!json_is_string(d))
			return err_set(e, TODO_EINVAL, "recurrence_weekdays",
				       "recurrence_weekdays[%zu] must be a string", i);
		if (task_weekday_parse(json_string_value(d), &bit, e))
			return TODO_EINVAL;
		*mask |= bit;
	}
	return 0;
}

/* tags: an array of tag ids (integers) and/or names (strings). */
static int take_tags(json_t *v, struct task_input *in, struct err *e)
{
	if (!json_is_array(v))
		return err_set(e, TODO_EINVAL, "tags", "tags must be an array of tag names or ids");
	size_t n = json_array_size(v);
	if (n > TASK_TAGS_MAX)
		return err_set(e, TODO_EINVAL, "tags", "a task may have at most %d tags, got %zu",
			       TASK_TAGS_MAX, n);
	in->tags = xcalloc(n ? n : 1, sizeof(*in->tags));
	in->ntags = n;
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(v, i);
		if (json_is_integer(t) && json_integer_value(t) > 0) {
			in->tags[i].id = (int64_t)json_integer_value(t);
		} else if (json_is_string(t)) {
			char *name = NULL;
			if (codec__string_copy(t, "tags", false, &name, e))
				return TODO_EINVAL;
			in->tags[i].name = name;
		} else {
			return err_set(e, TODO_EINVAL, "tags",
				       "tags[%zu] must be a tag name (string) or a tag id (positive integer)", i);
		}
	}
	return 0;
}

int task_json_parse_input(const uint8_t *body, size_t len, struct task_input *in, struct err *e)
{
	memset(in, 0, sizeof(*in));
	json_t *root;
	int rc = codec__load_object(body, len, &root, e);
	if (rc)
		return rc;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "title") == 0) {
			in->has_title = true;
			rc = codec__string_copy(v, "title", false, &in->title, e);
		} else if (strcmp(key, "description") == 0) {
			in->has_description = true;
			rc = codec__string_copy(v, "description", true, &in->description, e);
		} else if (strcmp(key, "due_datetime") == 0) {
			in->has_due = true;
			rc = codec__string_copy(v, key, true, &in->due_datetime, e);
		} else if (strcmp(key, "priority") == 0) {
			in->has_priority = true;
			rc = codec__string_copy(v, key, false, &in->priority, e);
		} else if (strcmp(key, "timezone") == 0) {
			in->has_timezone = true;
			rc = codec__string_copy(v, key, false, &in->timezone, e);
		} else if (strcmp(key, "recurrence_pattern") == 0) {
			in->has_pattern = true;
			rc = codec__string_copy(v, key, false, &in->recurrence_pattern, e);
		} else if (strcmp(key, "recurrence_rule") == 0) {
			in->has_rule = true;
			rc = codec__string_copy(v, key, true, &in->recurrence_rule, e);
		} else if (strcmp(key, "recurrence_end_date") == 0) {
			in->has_end_date = true;
			rc = codec__string_copy(v, key, true, &in->recurrence_end_date, e);
		} else if (strcmp(key, "recurrence_interval") == 0) {
			in->has_interval = true;
			if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)
				rc = err_set(e, TODO_EINVAL, key, "recurrence_interval must be an integer in [1, 1000]");
			else
				in->recurrence_interval = (int)json_integer_value(v);
		} else if (strcmp(key, "parent_task_id") == 0) {
			in->has_parent = true;
			if (json_is_null(v))
				in->parent_task_id = 0;
			else if (!json_is_integer(v) || json_integer_value(v) <= 0)
				rc = err_set(e, TODO_EINVAL, key, "parent_task_id must be a positive integer or null");
			else
				in->parent_task_id = (int64_t)json_integer_value(v);
		} else if (strcmp(key, "recurrence_weekdays") == 0) {
			in->has_weekdays = true;
			rc = take_weekdays(v, &in->recurrence_weekdays, e);
		} else if (strcmp(key, "tags") == 0) {
			in->has_tags = true;
			rc = take_tags(v, in, e);
		} else {
			rc = err_set(e, TODO_EINVAL, key, "unknown field \"%.64s\"", key);
		}
		if (rc)
			goto out_decref;
	}
out_decref:
	json_decref(root);
	return rc;
}

static json_t *weekdays_to_json(unsigned mask)
{
	static const char *const days[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
	json_t *a = json_array();
	for (unsigned i = 0; i < 7; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(days[i]));
	return a;
}

json_t *task_json__object(const struct task *t)
{
	json_t *tags = t->tags_json ? json_loads(t->tags_json, 0, NULL) : NULL;
	return json_pack("{sI ss ss ss? sb sI ss ss so ss ss ss si so so so so si sb so}",
			 "id", (json_int_t)t->id,
			 "user_id", t->user_id,
			 "title", t->title,
			 "description", t->description,
			 "completed", t->completed,
			 "version", (json_int_t)t->version,
			 "created_at", t->created_at,
			 "updated_at", t->updated_at,
			 "due_datetime", t->due_datetime[0] ? json_string(t->due_datetime) : json_null(),
			 "priority", t->priority,
			 "timezone", t->timezone,
			 "recurrence_pattern", t->recurrence_pattern,
			 "recurrence_interval", t->recurrence_interval,
			 "recurrence_weekdays", weekdays_to_json(t->recurrence_weekdays),
			 "recurrence_rule", t->recurrence_rule ? json_string(t->recurrence_rule) : json_null(),
			 "recurrence_end_date", t->recurrence_end_date[0] ? json_string(t->recurrence_end_date) : json_null(),
			 "parent_task_id", t->parent_task_id ? json_integer(t->parent_task_id) : json_null(),
			 "occurrence_index", t->occurrence_index,
			 "skipped", t->skipped,
			 "tags", tags ? tags : json_array());
}

char *task_json_encode(const struct task *t)
{
	return codec__dump_new(task_json__object(t));
}

char *task_json_encode_list(const struct task *tasks, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, task_json__object(&tasks[i]));
	return codec__dump_new(json_pack("{so sI}", "tasks", arr, "count", (json_int_t)n));
}

char *task_json_encode_page(const struct task *tasks, size_t n, const char *next_cursor)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, task_json__object(&tasks[i]));
	return codec__dump_new(json_pack("{so sI ss?}", "tasks", arr, "count", (json_int_t)n,
				    "next_cursor", next_cursor));
}

char *task_json_encode_deleted(int64_t id)
{
	return codec__dump_new(json_pack("{sI sb}", "id", (json_int_t)id, "deleted", 1));
}

char *json_encode_object_kv(const char *const *pairs)
{
	json_t *o = json_object();
	for (; pairs[0] && pairs[1]; pairs += 2)
		json_object_set_new(o, pairs[0], json_string(pairs[1]));
	return codec__dump_new(o);
}

