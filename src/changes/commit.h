/*
 * commit.h - what every use case in changes/ shares: the one way a write
 * transaction ends, and the outbox rows written inside it.
 *
 * A use case opens a transaction (db_tx_begin), applies its change, writes
 * its events and commands into the outbox with the functions below, and
 * ends with change_commit. Event and change commit together or not at all;
 * after the commit the in-process relay is nudged so the event leaves at
 * once (see events/relay.h).
 */
#ifndef TODOD_CHANGES_COMMIT_H
#define TODOD_CHANGES_COMMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "service/event.h"

struct reminder;
struct reminder_slot;

/* change_commit - end the caller's transaction: commit when @rc is 0, roll
 * back otherwise. After a successful commit the relay is nudged. Returns 0,
 * or @rc, or the error of the commit (then nothing was committed, or the
 * outcome is unknown: TODO_EUNAVAIL). */
int change_commit(int rc, struct err *e);

/* change_record_task - take the user's next change-feed cursor, append
 * @ev's real-time frame to the change feed, and insert @ev into the outbox
 * for task-events (full state and changes) and task-updates (delta), both
 * carrying the cursor, keyed by the task id; inside the caller's
 * transaction. */
int change_record_task(const struct task_event *ev, struct err *e);

/* change_record_reminder - the same for the firing of reminder @r of task
 * @t: a change-feed row and a reminder-triggered outbox row on topic
 * reminders, carrying the cursor. */
int change_record_reminder(const struct reminder *r, const struct task *t, struct err *e);

/* change_queue_jobs - insert one job command per reminder @s[0..n) into the
 * outbox command topic JOBS_TOPIC: schedule its job ("reminder-<id>",
 * carrying id and version) when @schedule, else delete it. Inside the
 * caller's transaction; the relay runs the commands after the commit. */
int change_queue_jobs(const struct reminder_slot *s, size_t n, bool schedule, struct err *e);

#endif
