#include "json/reminder_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/alloc.h"
#include "json/codec_internal.h"
#include "service/event.h"

int reminder_json_parse_input(const uint8_t *body, size_t len, struct reminder_input *in,
			      struct err *e)
{
	memset(in, 0, sizeof(*in));
	json_t *root;
	int rc = codec__load_object(body, len, &root, e);
	if (rc)
		return rc;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		char **slot = strcmp(key, "remind_at") == 0 ? &in->remind_at
			    : strcmp(key, "before") == 0 ? &in->before : NULL;
		if (!slot) {
			rc = err_set(e, TODO_EINVAL, key, "unknown field \"%.64s\"", key);
			goto out;
		}
		if (!json_is_string(v)) {
			rc = err_set(e, TODO_EINVAL, key, "%s must be a string", key);
			goto out;
		}
		*slot = xstrdup(json_string_value(v));
	}
out:
	json_decref(root);
	if (rc)
		reminder_input_release(in);
	return rc;
}

static json_t *reminder_object(const struct reminder *r)
{
	return json_pack("{sI sI ss so ss ss sb si ss so}",
			 "id", (json_int_t)r->id,
			 "task_id", (json_int_t)r->task_id,
			 "type", r->type,
			 "before_seconds", r->offset_seconds >= 0 ? json_integer(r->offset_seconds) : json_null(),
			 "remind_at", r->reminder_time,
			 "status", r->status,
			 "late", r->late,
			 "version", r->version,
			 "created_at", r->created_at,
			 "sent_at", r->sent_at[0] ? json_string(r->sent_at) : json_null());
}

char *reminder_json_encode(const struct reminder *r)
{
	return codec__dump_new(reminder_object(r));
}

char *reminder_json_encode_list(const struct reminder *r, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, reminder_object(&r[i]));
	return codec__dump_new(json_pack("{so sI}", "reminders", arr, "count", (json_int_t)n));
}

char *reminder_json_encode_cancelled(int64_t task_id, int n)
{
	return codec__dump_new(json_pack("{sI si}", "task_id", (json_int_t)task_id, "cancelled", n));
}

char *job_command_encode(bool schedule, const char *name, const char *due_time, const char *data)
{
	if (!schedule)
		return codec__dump_new(json_pack("{ss ss}", "op", "delete", "name", name));
	return codec__dump_new(json_pack("{ss ss ss ss}", "op", "schedule", "name", name,
				    "due_time", due_time, "data", data));
}

int job_command_parse(const char *text, struct job_command *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	json_t *root = json_loads(text, 0, NULL);
	const char *op = NULL, *name = NULL, *due = NULL, *data = NULL;
	if (!root || json_unpack(root, "{s:s s:s s?s s?s}", "op", &op, "name", &name,
				 "due_time", &due, "data", &data) != 0 ||
	    strlen(name) >= sizeof(out->name) || (due && strlen(due) >= sizeof(out->due_time))) {
		json_decref(root);
		return err_set(e, TODO_EINVAL, "payload", "not a job command");
	}
	out->schedule = strcmp(op, "schedule") == 0;
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (out->schedule) {
		if (!due || !data) {
			json_decref(root);
			return err_set(e, TODO_EINVAL, "payload", "schedule command without due_time or data");
		}
		snprintf(out->due_time, sizeof(out->due_time), "%s", due);
		out->data = xstrdup(data);
	}
	json_decref(root);
	return 0;
}

void job_command_release(struct job_command *c)
{
	free(c->data);
	c->data = NULL;
}

char *reminder_job_data(int64_t reminder_id, int version)
{
	return codec__dump_new(json_pack("{sI si}", "reminder_id", (json_int_t)reminder_id, "version", version));
}

int reminder_job_data_parse(const uint8_t *data, size_t len, int64_t *reminder_id, int *version)
{
	json_t *root = json_loadb((const char *)data, len, 0, NULL);
	json_int_t id = 0;
	int v = 0;
	int rc = (root && json_unpack(root, "{s:I s:i}", "reminder_id", &id, "version", &v) == 0 && id > 0)
		 ? 0 : -1;
	json_decref(root);
	*reminder_id = id;
	*version = v;
	return rc;
}

char *reminder_json_triggered(const char *event_id, const char *occurred_at, int64_t cursor,
			      const struct reminder *r, const char *task_title, const char *task_due)
{
	json_t *j = json_pack("{si ss ss ss ss sI sI ss sb si s{ss so}}",
		"schema_version", EVENT_SCHEMA_VERSION,
		"event_id", event_id,
		"event_type", "reminder-triggered",
		"occurred_at", occurred_at,
		"user_id", r->user_id,
		"task_id", (json_int_t)r->task_id,
		"reminder_id", (json_int_t)r->id,
		"remind_at", r->reminder_time,
		"late", r->late,
		"version", r->version,
		"task", "title", task_title,
		"due_datetime", task_due && *task_due ? json_string(task_due) : json_null());
	if (cursor > 0)
		json_object_set_new(j, "cursor", json_integer((json_int_t)cursor));
	return codec__dump_new(j);
}

int64_t reminder_triggered_id(const uint8_t *data, size_t len)
{
	json_t *root = json_loadb((const char *)data, len, 0, NULL);
	json_int_t id = 0;
	const char *type = NULL;
	if (root && json_unpack(root, "{s:s s:I}", "event_type", &type, "reminder_id", &id) == 0 &&
	    strcmp(type, "reminder-triggered") != 0)
		id = 0;
	json_decref(root);
	return id;
}
