#include "changes/reminder_changes.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "changes/commit.h"
#include "json/reminder_json.h"
#include "service/event.h"
#include "store/db.h"
#include "store/outbox_repo.h"
#include "store/reminder_repo.h"
#include "store/task_repo.h"

static int jobs_schedule(const struct reminder_slot *s, size_t n, struct err *e)
{
	return change_queue_jobs(s, n, true, e);
}

static int jobs_cancel(const struct reminder_slot *s, size_t n, struct err *e)
{
	return change_queue_jobs(s, n, false, e);
}

static int cancel_pending(int64_t task_id, int *count, struct err *e)
{
	struct reminder_slot *s = NULL;
	size_t n = 0;
	int rc = reminder_repo_cancel_task(task_id, &s, &n, e);
	if (rc == 0)
		rc = jobs_cancel(s, n, e);
	free(s);
	if (count)
		*count = (int)n;
	return rc;
}

int reminder_change_create(const char *user_id, int64_t task_id, const struct reminder_input *in,
			   bool replace, struct reminder *out, struct err *e)
{
	struct task t = { 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = task_repo_get_for_update(user_id, task_id, &t, e);
	if (rc == TODO_ENOTFOUND)
		err_set(e, rc, "task_id", "task %" PRId64 " not found", task_id);
	else if (rc == 0 && t.completed)
		rc = err_set(e, TODO_ECONFLICT, "task_id", "task %" PRId64 " is completed: nothing to remind of",
			     task_id);
	else if (rc == 0 && in->offset_seconds >= 0 && !t.due_datetime[0])
		rc = err_set(e, TODO_EINVAL, "before",
			     "before needs the task to have a due_datetime; give remind_at instead");
	if (rc == 0 && replace)
		rc = cancel_pending(task_id, NULL, e);
	if (rc == 0)
		rc = reminder_repo_insert(user_id, task_id, in->remind_at, in->offset_seconds, t.due_datetime,
				     out, e);
	int64_t at = 0;
	if (rc == 0 && (time_utc_seconds(out->reminder_time, &at) != 0 || at <= (int64_t)time(NULL)))
		rc = in->remind_at
			? err_set(e, TODO_EINVAL, "remind_at", "remind_at %s is in the past", out->reminder_time)
			: err_set(e, TODO_EINVAL, "before",
				  "before %s puts the reminder at %s, which is in the past",
				  in->before, out->reminder_time);
	if (rc == 0) {
		struct reminder_slot s = { .id = out->id, .version = out->version };
		snprintf(s.reminder_time, sizeof(s.reminder_time), "%s", out->reminder_time);
		rc = jobs_schedule(&s, 1, e);
	}
	task_release(&t);
	return change_commit(rc, e);
}

int reminder_change_cancel_task(const char *user_id, int64_t task_id, int *cancelled, struct err *e)
{
	struct task t = { 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = task_repo_get_for_update(user_id, task_id, &t, e);
	if (rc == TODO_ENOTFOUND)
		err_set(e, rc, "task_id", "task %" PRId64 " not found", task_id);
	if (rc == 0)
		rc = cancel_pending(task_id, cancelled, e);
	task_release(&t);
	return change_commit(rc, e);
}

int reminder_change_cancel(const char *user_id, int64_t reminder_id, struct reminder *out,
			   struct err *e)
{
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = reminder_repo_cancel(user_id, reminder_id, out, e);
	if (rc == 0) {
		struct reminder_slot s = { .id = out->id, .version = out->version };
		rc = jobs_cancel(&s, 1, e);
	}
	return change_commit(rc, e);
}

int reminders_follow_task(const struct task *t, struct err *e)
{
	struct reminder_slot *moved = NULL, *cancelled = NULL;
	size_t nm = 0, nc = 0;
	int rc = reminder_repo_follow_due(t->id, t->due_datetime[0] ? t->due_datetime : NULL, &moved, &nm,
				     &cancelled, &nc, e);
	if (rc == 0)
		rc = jobs_schedule(moved, nm, e);
	if (rc == 0)
		rc = jobs_cancel(cancelled, nc, e);
	free(moved);
	free(cancelled);
	return rc;
}

int reminders_cancel_for_task(int64_t task_id, struct err *e)
{
	return cancel_pending(task_id, NULL, e);
}

int reminders_copy_to_next(int64_t done_id, int64_t next_id, const char *due, struct err *e)
{
	struct reminder_slot *s = NULL;
	size_t n = 0;
	int rc = reminder_repo_copy_relative(done_id, next_id, due, &s, &n, e);
	if (rc == 0)
		rc = jobs_schedule(s, n, e);
	free(s);
	return rc;
}

int reminder_change_fire(int64_t id, int version, bool late, bool *fired, struct err *e)
{
	struct reminder r;
	*fired = false;
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = reminder_repo_fire(id, version, late, &r, fired, e);
	if (rc == 0 && *fired) {
		struct task t = { 0 };
		int trc = task_repo_get(r.user_id, r.task_id, &t, e);
		if (trc && trc != TODO_ENOTFOUND)
			rc = trc;
		if (rc == 0)
			rc = change_record_reminder(&r, &t, e);
		task_release(&t);
	}
	rc = change_commit(rc, e);
	if (rc) {
		*fired = false;
		return rc;
	}
	if (*fired)
		log_info("reminder fired", "reminder_id=%" PRId64 " task_id=%" PRId64 " late=%d remind_at=%s",
			 r.id, r.task_id, late, r.reminder_time);
	return 0;
}

int reminder_change_reschedule_pending(size_t *n, struct err *e)
{
	struct reminder_slot *s = NULL;
	*n = 0;
	int rc = db_tx_begin(e);
	if (rc == 0)
		rc = reminder_repo_pending_future(&s, n, e);
	if (rc == 0)
		rc = jobs_schedule(s, *n, e);
	free(s);
	return change_commit(rc, e);
}
