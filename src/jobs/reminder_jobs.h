/*
 * reminder_jobs.h - reminders through the Dapr Jobs API.
 *
 * Scheduling and cancelling are outbox commands (topic "@jobs"), written in
 * the transaction that changes the reminder, so a crash can neither leave a
 * reminder unscheduled nor a cancelled one armed; the relay executes them
 * (ScheduleJob with overwrite, or DeleteJob). A job is named
 * "reminder-<id>" and carries {reminder_id, version}.
 *
 * Firing (job callback or reconciliation) locks the reminder, checks it is
 * still pending at that version, marks it sent and queues reminder-triggered
 * to the "reminders" topic through the outbox, in one transaction: a stale,
 * cancelled or redelivered job fires nothing.
 */
#ifndef TODOD_JOBS_REMINDER_JOBS_H
#define TODOD_JOBS_REMINDER_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/reminder_repo.h"

#define JOBS_TOPIC "@jobs"
#define REMINDER_JOB_PREFIX "reminder-"

struct dapr_client;

/* Queue commands inside the caller's transaction. */
int reminder_jobs_schedule(const struct reminder_slot *s, size_t n, struct err *e);
int reminder_jobs_cancel(const struct reminder_slot *s, size_t n, struct err *e);

/* jobs_execute - run one "@jobs" outbox command through daprd (the relay
 * calls it). Deleting a job that does not exist counts as done. */
int jobs_execute(struct dapr_client *dapr, const char *payload, struct err *e);

/* reminder_job_event - the job callback for a "reminder-" job: 0 when the
 * job is done with (fired, or stale), or a TODO_E* code when the database
 * failed and the scheduler should retry. */
int reminder_job_event(const uint8_t *data, size_t len, struct err *e);

/* reminder_fire - fire reminder @id at @version now (see above); *@fired
 * tells whether it did. */
int reminder_fire_now(int64_t id, int version, bool late, bool *fired, struct err *e);

/* The reconciler: at start, every pending future reminder gets its job
 * again (overwrite); then every @interval_ms, pending reminders more than
 * @grace_s overdue (their job was lost) fire late. */
int reminder_reconciler_start(int interval_ms, int grace_s);
void reminder_reconciler_stop(void);

#endif
