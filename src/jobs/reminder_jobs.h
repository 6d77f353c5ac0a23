/*
 * reminder_jobs.h - the jobs front door: reminders through the Dapr Jobs API.
 *
 * Scheduling and cancelling are outbox commands (topic JOBS_TOPIC), written
 * by the reminder use cases in the transaction that changes the reminder
 * (changes/reminder_changes.h), so a crash can neither leave a reminder
 * unscheduled nor a cancelled one armed. The relay hands each command to
 * reminder_jobs_run_command (todod.c gives it as the relay's command
 * callback), which calls daprd (ScheduleJob with overwrite, or DeleteJob).
 * A job is named "reminder-<id>" and carries {reminder_id, version}.
 *
 * Firing (the job callback here, or the reconciler) is the use case
 * reminder_change_fire.
 */
#ifndef TODOD_JOBS_REMINDER_JOBS_H
#define TODOD_JOBS_REMINDER_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* reminder_jobs_metrics_define - declare the job metrics: reminder jobs
 * scheduled and cancelled at daprd, stale job callbacks, and what the
 * reconciler repaired (rescheduled, fired_late). Firing itself is counted
 * by reminder_change_fire. */
void reminder_jobs_metrics_define(void);

/* reminder_jobs_run_command - run one outbox command of @topic (the relay's
 * command callback; @dapr is the struct dapr_client to call). 0 when done:
 * deleting a job that does not exist counts as done, and so does a
 * malformed command (it can never succeed; the relay logs nothing more).
 * Any other error leaves the command to be retried. */
int reminder_jobs_run_command(void *dapr, const char *topic, const char *payload, struct err *e);

/* reminder_job_event - the job callback for a "reminder-" job: 0 when the
 * job is done with (fired, or stale), or a TODO_E* code when the database
 * failed and the scheduler should retry. */
int reminder_job_event(const uint8_t *data, size_t len, struct err *e);

/* The reconciler: at start, every pending future reminder gets its job
 * again (overwrite); then every @interval_ms, pending reminders more than
 * @grace_s overdue (their job was lost) fire late. */
int reminder_reconciler_start(int interval_ms, int grace_s);
void reminder_reconciler_stop(void);

#endif
