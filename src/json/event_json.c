#include "json/event_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json/codec_internal.h"

#include "base/alloc.h"

static json_t *task_state(const struct task *t)
{
	return task_json__object(t);
}

/* {field: {old, new}} for every client-visible field that differs; the
 * bookkeeping fields (version, updated_at, ...) are left out. */
static json_t *changes(const struct task *old, const struct task *now)
{
	static const char *const skip[] = { "id", "user_id", "version", "created_at", "updated_at", NULL };
	json_t *c = json_object();
	if (!old)
		return c;
	json_t *a = task_json__object(old), *b = task_json__object(now);
	const char *key;
	json_t *nv;
	json_object_foreach(b, key, nv) {
		bool skipped = false;
		for (const char *const *k = skip; *k; k++)
			if (strcmp(*k, key) == 0)
				skipped = true;
		json_t *ov = json_object_get(a, key);
		if (!skipped && !json_equal(ov, nv))
			json_object_set_new(c, key, json_pack("{sO sO}", "old", ov ? ov : json_null(), "new", nv));
	}
	json_decref(a);
	json_decref(b);
	return c;
}

static json_t *header(const struct task_event *ev)
{
	json_t *j = json_pack("{si ss ss ss ss sI sI s{ss ss}}",
			 "schema_version", EVENT_SCHEMA_VERSION,
			 "event_id", ev->event_id,
			 "event_type", event_type_name(ev->type),
			 "occurred_at", ev->occurred_at,
			 "user_id", ev->task->user_id,
			 "task_id", (json_int_t)ev->task->id,
			 "task_version", (json_int_t)ev->task->version,
			 "actor", "type", ev->actor.type, "id", ev->actor.id);
	if (ev->cursor > 0)
		json_object_set_new(j, "cursor", json_integer((json_int_t)ev->cursor));
	return j;
}

char *event_json_task(const struct task_event *ev)
{
	json_t *j = header(ev);
	json_object_set_new(j, "task", task_state(ev->task));
	json_object_set_new(j, "changes", changes(ev->old, ev->task));
	return codec__dump_new(j);
}

char *event_json_task_delta(const struct task_event *ev)
{
	json_t *j = header(ev);
	json_object_del(j, "actor");
	if (ev->type == EVENT_TASK_CREATED)
		json_object_set_new(j, "task", task_state(ev->task));
	else if (ev->type != EVENT_TASK_DELETED)
		json_object_set_new(j, "changes", changes(ev->old, ev->task));
	return codec__dump_new(j);
}

int event_json_parse_task(const uint8_t *data, size_t len, struct parsed_task_event *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	json_error_t jerr;
	json_t *root = json_loadb((const char *)data, len, 0, &jerr);
	if (!root)
		return err_set(e, TODO_EINVAL, "data", "event is not JSON: %s", jerr.text);
	json_t *chg = NULL;
	json_int_t schema = 0, task_id = 0, version = 0;
	int completed = 0;
	if (json_unpack_ex(root, &jerr, 0,
			   "{s:I s:s s:s s:s s:s s:I s:I s:{s:s s:s} s:{s:b} s?o}",
			   "schema_version", &schema,
			   "event_id", &out->event_id,
			   "event_type", &out->event_type,
			   "occurred_at", &out->occurred_at,
			   "user_id", &out->user_id,
			   "task_id", &task_id,
			   "task_version", &version,
			   "actor", "type", &out->actor_type, "id", &out->actor_id,
			   "task", "completed", &completed,
			   "changes", &chg) != 0) {
		json_decref(root);
		memset(out, 0, sizeof(*out));
		return err_set(e, TODO_EINVAL, "data", "not a task event: %s", jerr.text);
	}
	if (schema != EVENT_SCHEMA_VERSION || task_id <= 0 || version <= 0 ||
	    strlen(out->event_id) != EVENT_ID_LEN) {
		json_decref(root);
		memset(out, 0, sizeof(*out));
		return err_set(e, TODO_EINVAL, "data",
			       "not a task event: schema_version %lld, task_id or event_id out of range",
			       (long long)schema);
	}
	out->task_id = task_id;
	out->task_version = version;
	out->completed = completed;
	out->completed_changed = chg && json_is_object(chg) && json_object_get(chg, "completed");
	out->changes_json = chg && json_is_object(chg) ? json_dumps(chg, JSON_COMPACT) : xstrdup("{}");
	out->json_root = root;
	return 0;
}

void event_json_release(struct parsed_task_event *ev)
{
	free(ev->changes_json);
	json_decref(ev->json_root);
	memset(ev, 0, sizeof(*ev));
}

char *event_json_activity_created(const char *event_id, const char *occurred_at,
				  const char *user_id, int64_t task_id, int64_t activity_id,
				  const char *source_event_id, const char *action)
{
	return codec__dump_new(json_pack("{si ss ss ss ss sI sI ss ss}",
			      "schema_version", EVENT_SCHEMA_VERSION,
			      "event_id", event_id,
			      "event_type", event_type_name(EVENT_ACTIVITY_LOG_CREATED),
			      "occurred_at", occurred_at,
			      "user_id", user_id,
			      "task_id", (json_int_t)task_id,
			      "activity_id", (json_int_t)activity_id,
			      "source_event_id", source_event_id,
			      "action", action));
}
