/*
 * activity.h - one entry of a user's activity log: what happened to which
 * task, at which version, by whom. Entries are written by the task-events
 * consumer (one per event) and read by the activity-logs route.
 */
#ifndef TODOD_SERVICE_ACTIVITY_H
#define TODOD_SERVICE_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/task.h"

/* The position of an entry in the log's order: when its change happened
 * (µs since the Unix epoch), then its row id. */
struct activity_key {
	int64_t occurred_us;
	int64_t id;
};

struct activity_entry {
	int64_t id;
	char event_id[40];
	char user_id[USER_ID_MAX + 1];
	int64_t task_id;
	char action[16];               /* created|updated|completed|reopened|deleted */
	int64_t task_version;
	char actor_type[8];
	char actor_id[USER_ID_MAX + 1];
	char *changes_json;            /* malloc'd JSON object */
	char occurred_at[TIME_TEXT_MAX];
	char recorded_at[TIME_TEXT_MAX];
	struct activity_key key;       /* filled by activity_repo_list */
};

/* activity_cursor_encode - the opaque page cursor after the entry at @k:
 * "b<occurred µs>.<id>", into @out. */
#define ACTIVITY_CURSOR_MAX 48
void activity_cursor_encode(const struct activity_key *k, char out[ACTIVITY_CURSOR_MAX]);

/* activity_cursor_decode - parse the opaque page cursor "b<occurred µs>.<id>"
 * that the activity list hands out; false (and @out untouched) unless both
 * numbers are in range. */
bool activity_cursor_decode(const char *v, struct activity_key *out);

/* activity_entries_free - free @a[0..n) and the array. */
void activity_entries_free(struct activity_entry *a, size_t n);

#endif
