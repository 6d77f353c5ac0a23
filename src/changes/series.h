/*
 * series.h - recurring tasks as series of occurrences.
 *
 * Completing (or skipping) the open occurrence of a recurring task creates
 * the next one in the same transaction: a new task with the same fields and
 * tags, parent_task_id = the series' first task, occurrence_index + 1, due at
 * the first occurrence after both the closed one's due and now (so a late
 * completion does not leave a pile of overdue occurrences), unless the end
 * date or COUNT is reached. A series never has two open occurrences (a
 * unique index enforces it): reopening a closed occurrence while a later one
 * is open is a 409, so the client completes or deletes the open one first.
 */
#ifndef TODOD_CHANGES_SERIES_H
#define TODOD_CHANGES_SERIES_H

#include <stdint.h>

#include "base/err.h"
#include "service/event.h"
#include "service/task.h"

struct recurrence;

/* series_recurrence - the validated recurrence of @t (see
 * service/recurrence.h); TODO_EINVAL names the field. Release with
 * recurrence_release. */
int series_recurrence(const struct task *t, struct recurrence *r, struct err *e);

/* series_next_due - the due date (RFC 3339 UTC into @out) of the occurrence
 * after @t at time @now (Unix seconds), or TODO_ENOTFOUND when the series
 * has ended. */
int series_next_due(const struct task *t, int64_t now, char out[TIME_TEXT_MAX], struct err *e);

/* series_create_next - inside the caller's transaction: create the next
 * occurrence after the closed @done (if the series goes on) and record its
 * task-created event. Sets *@next_id (0 when the series ended). */
int series_create_next(const char *user_id, const struct actor *actor, const struct task *done,
		       int64_t *next_id, struct err *e);

#endif
