/*
 * activity_changes.h - the activity use case: one entry of the activity log
 * per task event, written by the task-events consumer.
 */
#ifndef TODOD_CHANGES_ACTIVITY_CHANGES_H
#define TODOD_CHANGES_ACTIVITY_CHANGES_H

#include <stdbool.h>

#include "base/err.h"
#include "service/activity.h"

/* activity_change_record - in one transaction, insert @a (id and
 * recorded_at are ignored) and, when it is new, queue its
 * activity-log-created event. *@inserted is false when an entry of the same
 * event id exists already (a redelivery: nothing changes). Errors are those
 * of store/activity_repo.h; TODO_EINVAL means the entry itself is bad. */
int activity_change_record(const struct activity_entry *a, bool *inserted, struct err *e);

#endif
