/*
 * activity_repo.h - the activity log projection and the dead letters.
 * Inserts are idempotent by event id: a redelivered event inserts nothing.
 */
#ifndef TODOD_STORE_ACTIVITY_REPO_H
#define TODOD_STORE_ACTIVITY_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
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
	struct activity_key key;       /* filled by activity_list */
};

/* activity_insert - record @a (id and recorded_at are ignored). Sets
 * *@inserted false and changes nothing if its event id is already there;
 * otherwise stores the new row id in *@id. */
int activity_insert(const struct activity_entry *a, bool *inserted, int64_t *id, struct err *e);

/* activity_list - the user's entries in the order their changes happened,
 * newest first (not the order events arrived: Kafka orders per task only),
 * strictly after @before in that order (NULL: from the newest), of @task_id
 * only when non-zero, at most @limit. Free with activity_entries_free. */
int activity_list(const char *user_id, int64_t task_id, const struct activity_key *before,
		  int limit, struct activity_entry **out, size_t *n, struct err *e);
void activity_entries_free(struct activity_entry *a, size_t n);

/* dead_letter_insert - remember a message seen on a dead-letter topic. */
int dead_letter_insert(const char *topic, const char *event_id, const uint8_t *payload,
		       size_t len, struct err *e);

/* dead_letter_exists - whether (topic, event id) was seen. */
int dead_letter_exists(const char *topic, const char *event_id, bool *exists, struct err *e);

#endif
