/*
 * event_json.h - the wire form of events (schema_version 1) and of the
 * activity log, in and out. See events/asyncapi.yaml for the schemas.
 */
#ifndef TODOD_JSON_EVENT_JSON_H
#define TODOD_JSON_EVENT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/event.h"

/* Encoders return malloc'd compact JSON. */

/* event_json_task - the full event for task-events: ids, time, actor, the
 * task's new state and, for updates, {field: {old, new}} changes. */
char *event_json_task(const struct task_event *ev);

/* event_json_task_delta - the compact delta for task-updates: ids, version,
 * and only the changed fields (the whole task on create). */
char *event_json_task_delta(const struct task_event *ev);

/* A task event as a consumer reads it. Strings point into @json_root-owned
 * memory and live until event_json_release. */
struct parsed_task_event {
	const char *event_id;
	const char *event_type;
	const char *occurred_at;
	const char *user_id;
	int64_t task_id;
	int64_t task_version;
	const char *actor_type;
	const char *actor_id;
	bool completed;             /* the task's completed flag after the change */
	bool completed_changed;     /* changes has a "completed" entry */
	char *changes_json;         /* malloc'd {"field": {"old","new"}} or "{}" */
	void *json_root;
};

/* event_json_parse_task - strict parse of a task event; TODO_EINVAL (a
 * poison message) names what is missing or wrong. */
int event_json_parse_task(const uint8_t *data, size_t len, struct parsed_task_event *out, struct err *e);
void event_json_release(struct parsed_task_event *ev);

/* event_json_activity_created - the activity-log-created event. */
char *event_json_activity_created(const char *event_id, const char *occurred_at,
				  const char *user_id, int64_t task_id, int64_t activity_id,
				  const char *source_event_id, const char *action);

#endif
