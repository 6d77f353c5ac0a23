/*
 * task_changes.h - the task use cases: task writes together with
 * their events. Each function runs one PostgreSQL transaction that applies the
 * change and inserts its event into the outbox for task-events (full) and
 * task-updates (delta), so a change and its events commit together or not
 * at all. After the commit the in-process relay is nudged.
 *
 * Errors are those of store/task_repo.h; on any error nothing changed.
 */
#ifndef TODOD_CHANGES_TASK_CHANGES_H
#define TODOD_CHANGES_TASK_CHANGES_H

#include <stdint.h>

#include "base/err.h"
#include "service/event.h"
#include "service/task.h"

int task_change_create(const char *user_id, const struct actor *actor,
		       const struct task_input *in, struct task *out, struct err *e);
int task_change_update(const char *user_id, const struct actor *actor, int64_t id,
		       int64_t if_version, const struct task_input *in, struct task *out,
		       struct err *e);
int task_change_toggle_complete(const char *user_id, const struct actor *actor, int64_t id,
				int64_t if_version, struct task *out, struct err *e);
int task_change_delete(const char *user_id, const struct actor *actor, int64_t id,
		       int64_t if_version, struct err *e);

/* task_change_skip - close the open occurrence of a recurring task as
 * skipped and create the next one (see changes/series.h); TODO_EINVAL if the
 * task is not recurring, TODO_ECONFLICT if it is already closed. */
int task_change_skip(const char *user_id, const struct actor *actor, int64_t id,
		     int64_t if_version, struct task *out, struct err *e);

/* task_change_stop_recurrence - end the series at this occurrence: it
 * stays, without recurrence, and no next occurrence will be created. */
int task_change_stop_recurrence(const char *user_id, const struct actor *actor, int64_t id,
				int64_t if_version, struct task *out, struct err *e);

#endif
