/*
 * event.h - domain events (schema_version 1). Every change to a task
 * becomes one event, with a unique id that is also its CloudEvent id, so
 * consumers can drop duplicates. The JSON shape is in json/event_json.c and
 * documented in events/asyncapi.yaml.
 */
#ifndef TODOD_SERVICE_EVENT_H
#define TODOD_SERVICE_EVENT_H

#include <stdint.h>

#include "service/task.h"

#define EVENT_SCHEMA_VERSION 1
#define EVENT_ID_LEN 36          /* canonical UUID text */

/* Topics (Dapr pub/sub). */
#define TOPIC_TASK_EVENTS "task-events"      /* all domain events, full state */
#define TOPIC_TASK_UPDATES "task-updates"    /* compact deltas for real-time clients */
#define TOPIC_ACTIVITY_LOGS "activity-logs"  /* activity-log-created */
#define TOPIC_REMINDERS "reminders"          /* reminder-triggered */
#define DLQ_SUFFIX "-dlq"

enum event_type {
	EVENT_TASK_CREATED,
	EVENT_TASK_UPDATED,
	EVENT_TASK_COMPLETED,
	EVENT_TASK_DELETED,
	EVENT_TASK_SKIPPED,
	EVENT_ACTIVITY_LOG_CREATED,
};

/* Who made a change. */
struct actor {
	const char *type;     /* "user", "mcp" or "system" */
	const char *id;
};

struct task_event {
	char event_id[EVENT_ID_LEN + 1];
	enum event_type type;
	char occurred_at[TIME_TEXT_MAX];  /* RFC 3339 UTC */
	struct actor actor;
	const struct task *task;          /* state after the change (last state for a delete) */
	const struct task *old;           /* state before an update, or NULL */
	int64_t cursor;                   /* the user's change-feed cursor (0: none) */
};

/* event_type_name - "task-created", ... */
const char *event_type_name(enum event_type t);

/* event_new_id - a random (version 4) UUID in canonical text form. */
void event_new_id(char out[EVENT_ID_LEN + 1]);

/* event_now - the current time as RFC 3339 UTC with microseconds. */
void event_now(char out[TIME_TEXT_MAX]);

/* event_task_init - fill @ev for a change of @task by @actor (ids, time). */
void event_task_init(struct task_event *ev, enum event_type type, const struct actor *actor,
		     const struct task *task, const struct task *old);

#endif
