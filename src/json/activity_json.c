#include "json/activity_json.h"

#include <stdlib.h>

#include <jansson.h>

#include "json/codec_internal.h"

char *activity_json_list(const struct activity_entry *a, size_t n, const char *next_cursor)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *changes = json_loads(a[i].changes_json, 0, NULL);
		json_array_append_new(arr, json_pack("{sI ss sI ss sI s{ss ss} so ss ss}",
			"id", (json_int_t)a[i].id,
			"event_id", a[i].event_id,
			"task_id", (json_int_t)a[i].task_id,
			"action", a[i].action,
			"task_version", (json_int_t)a[i].task_version,
			"actor", "type", a[i].actor_type, "id", a[i].actor_id,
			"changes", changes ? changes : json_object(),
			"occurred_at", a[i].occurred_at,
			"recorded_at", a[i].recorded_at));
	}
	return codec__dump_new(json_pack("{so ss?}", "entries", arr, "next_cursor", next_cursor));
}

char *activity_json_outbox(int64_t backlog, int64_t oldest_age_ms, uint64_t published, uint64_t failed)
{
	return codec__dump_new(json_pack("{sI sI sI sI}", "backlog", (json_int_t)backlog,
			      "oldest_age_ms", (json_int_t)oldest_age_ms,
			      "published", (json_int_t)published, "failed", (json_int_t)failed));
}

char *activity_json_dead_letter(const char *topic, const char *event_id, int seen)
{
	return codec__dump_new(json_pack("{ss ss sb}", "topic", topic, "event_id", event_id, "seen", seen));
}
