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
#include "service/activity.h"

/* activity_repo_insert - record @a (id and recorded_at are ignored). Sets
 * *@inserted false and changes nothing if its event id is already there;
 * otherwise stores the new row id in *@id. */
int activity_repo_insert(const struct activity_entry *a, bool *inserted, int64_t *id, struct err *e);

/* activity_repo_list - the user's entries in the order their changes happened,
 * newest first (not the order events arrived: Kafka orders per task only),
 * strictly after @before in that order (NULL: from the newest), of @task_id
 * only when non-zero, at most @limit. Free with activity_entries_free. */
int activity_repo_list(const char *user_id, int64_t task_id, const struct activity_key *before,
		  int limit, struct activity_entry **out, size_t *n, struct err *e);

#endif
