/*
 * reminder_changes.h - the reminder use cases: reminder writes and how
 * reminders follow their task, each inside one transaction together with
 * the job commands they need (change_queue_jobs in changes/commit.h; the
 * relay runs them through jobs/reminder_jobs.h). Errors: TODO_ENOTFOUND (task or reminder),
 * TODO_EINVAL (field named), TODO_ECONFLICT, TODO_EUNAVAIL.
 */
#ifndef TODOD_CHANGES_REMINDER_CHANGES_H
#define TODOD_CHANGES_REMINDER_CHANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/reminder.h"
#include "service/task.h"

/* reminder_change_metrics_define - declare the firing metrics: reminders
 * fired by path (job, reconciler) and their lateness after remind_at. */
void reminder_change_metrics_define(void);

/* reminder_change_create - a new reminder on the user's task; with
 * @replace, the task's pending reminders are cancelled first (PUT). */
int reminder_change_create(const char *user_id, int64_t task_id, const struct reminder_input *in,
			   bool replace, struct reminder *out, struct err *e);

/* reminder_change_cancel_task - cancel every pending reminder of the task. */
int reminder_change_cancel_task(const char *user_id, int64_t task_id, int *cancelled, struct err *e);

/* reminder_change_cancel - cancel one reminder. */
int reminder_change_cancel(const char *user_id, int64_t reminder_id, struct reminder *out,
			   struct err *e);

/* reminder_change_fire - fire reminder @id at @version now: lock it, check
 * it is still pending at that version, mark it sent (@late: after its job
 * was lost) and queue reminder-triggered to the "reminders" topic, in one
 * transaction, so a stale, cancelled or redelivered job fires nothing.
 * *@fired tells whether it did; when it did, *@task_id (if non-NULL) is the
 * reminder's task. */
int reminder_change_fire(int64_t id, int version, bool late, bool *fired, int64_t *task_id,
			 struct err *e);

/* reminder_change_reschedule_pending - queue the job of every pending
 * future reminder again (schedule overwrites, so this is idempotent); *@n
 * is how many. */
int reminder_change_reschedule_pending(size_t *n, struct err *e);

/* Hooks for task changes, inside the caller's transaction: */
/* the task's due time is now @t->due_datetime ("" = none) */
int reminders_follow_task(const struct task *t, struct err *e);
/* the task was closed (completed, skipped) or is about to be deleted */
int reminders_cancel_for_task(int64_t task_id, struct err *e);
/* the next occurrence @next_id (due @due) of @done_id was created */
int reminders_copy_to_next(int64_t done_id, int64_t next_id, const char *due, struct err *e);

#endif
