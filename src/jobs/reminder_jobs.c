#include "jobs/reminder_jobs.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/metrics.h"
#include "base/timeutil.h"
#include "changes/reminder_changes.h"
#include "dapr/dapr_client.h"
#include "json/reminder_json.h"
#include "service/reminder.h"
#include "store/db.h"
#include "store/reminder_repo.h"

void reminder_jobs_metrics_define(void)
{
	metrics_define("todod_reminders_scheduled_total", METRIC_COUNTER,
		       "Reminder jobs scheduled with the Dapr Scheduler (new, moved, or rescheduled).", NULL, 0);
	metrics_define("todod_reminders_cancelled_total", METRIC_COUNTER,
		       "Reminder jobs deleted from the Dapr Scheduler.", NULL, 0);
	metrics_define("todod_reminder_jobs_stale_total", METRIC_COUNTER,
		       "Reminder job callbacks that fired nothing (cancelled, moved or already fired).", NULL, 0);
	metrics_define("todod_reminders_reconciled_total", METRIC_COUNTER,
		       "Reminders the reconciler repaired, by action: rescheduled (at start) or "
		       "fired_late (overdue: the job was lost).", NULL, 0);
	metrics_counter_add("todod_reminders_scheduled_total", NULL, 0);
	metrics_counter_add("todod_reminders_cancelled_total", NULL, 0);
	metrics_counter_add("todod_reminder_jobs_stale_total", NULL, 0);
	metrics_counter_add("todod_reminders_reconciled_total", "action=\"rescheduled\"", 0);
	metrics_counter_add("todod_reminders_reconciled_total", "action=\"fired_late\"", 0);
}

/* A due time in the past would be refused or mean "now": ask for 1 s. */
static void due_or_soon(const char *due, char out[40])
{
	int64_t at;
	if (time_utc_seconds(due, &at) == 0 && at <= (int64_t)time(NULL))
		snprintf(out, 40, "1s");
	else
		snprintf(out, 40, "%s", due);
}

int reminder_jobs_run_command(void *dapr, const char *topic, const char *payload, struct err *e)
{
	if (strcmp(topic, JOBS_TOPIC) != 0)
		return err_set(e, TODO_EINVAL, "topic", "unknown command topic \"%s\"", topic);
	struct job_command c;
	int rc = job_command_parse(payload, &c, e);
	if (rc)
		return 0;   /* a malformed command can never succeed: drop it (logged by the caller) */
	if (c.schedule) {
		char due[40];
		due_or_soon(c.due_time, due);
		rc = dapr_schedule_job(dapr, c.name, due, "", c.data, strlen(c.data), true, e);
		if (rc == 0)
			metrics_counter_add("todod_reminders_scheduled_total", NULL, 1);
	} else {
		rc = dapr_delete_job(dapr, c.name, e);
		if (rc == TODO_ENOTFOUND)
			rc = 0;
		if (rc == 0)
			metrics_counter_add("todod_reminders_cancelled_total", NULL, 1);
	}
	job_command_release(&c);
	return rc;
}

int reminder_job_event(const uint8_t *data, size_t len, struct err *e)
{
	int64_t id;
	int version;
	if (reminder_job_data_parse(data, len, &id, &version) != 0) {
		log_warn("reminder job with unreadable data ignored", NULL);
		return 0;
	}
	bool fired;
	int rc = reminder_change_fire(id, version, false, &fired, NULL, e);
	if (rc == 0 && !fired) {
		metrics_counter_add("todod_reminder_jobs_stale_total", NULL, 1);
		log_info("stale reminder job ignored", "reminder_id=%" PRId64 " version=%d", id, version);
	}
	return rc;
}

/* ---- reconciliation ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stopping;
	int interval_ms, grace_s;
} C = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/* Every pending future reminder gets its job again (overwrite is idempotent). */
static int reschedule_all(void)
{
	struct err e = { 0 };
	size_t n = 0;
	int rc = reminder_change_reschedule_pending(&n, &e);
	if (rc)
		log_warn("reminder reconciliation could not reschedule", "error=\"%s\"", e.msg);
	else
		log_info("reminders rescheduled", "pending=%zu", n);
	if (rc == 0)
		metrics_counter_add("todod_reminders_reconciled_total", "action=\"rescheduled\"", (double)n);
	return rc;
}

static void fire_overdue(void)
{
	struct err e = { 0 };
	struct reminder_slot *s = NULL;
	size_t n = 0;
	if (reminder_repo_overdue(C.grace_s, 100, &s, &n, &e) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		bool fired;
		int64_t task_id = 0;
		if (reminder_change_fire(s[i].id, s[i].version, true, &fired, &task_id, &e) != 0 || !fired)
			continue;
		metrics_counter_add("todod_reminders_reconciled_total", "action=\"fired_late\"", 1);
		log_warn("overdue reminder fired late (its job was lost)", "reminder_id=%" PRId64
			 " task_id=%" PRId64 " remind_at=%s", s[i].id, task_id, s[i].reminder_time);
	}
	free(s);
}

static void *reconciler_main(void *arg)
{
	(void)arg;
	bool rescheduled = false;
	for (;;) {
		pthread_mutex_lock(&C.lock);
		bool stop = C.stopping;
		pthread_mutex_unlock(&C.lock);
		if (stop)
			break;
		if (!rescheduled)
			rescheduled = reschedule_all() == 0;
		fire_overdue();
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += C.interval_ms / 1000;
		until.tv_nsec += (long)(C.interval_ms % 1000) * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&C.lock);
		while (!C.stopping && pthread_cond_timedwait(&C.cond, &C.lock, &until) == 0)
			;
		pthread_mutex_unlock(&C.lock);
	}
	db_thread_release();
	return NULL;
}

int reminder_reconciler_start(int interval_ms, int grace_s)
{
	C.interval_ms = interval_ms;
	C.grace_s = grace_s;
	C.stopping = false;
	if (pthread_create(&C.thread, NULL, reconciler_main, NULL) != 0)
		return -1;
	C.running = true;
	return 0;
}

void reminder_reconciler_stop(void)
{
	pthread_mutex_lock(&C.lock);
	C.stopping = true;
	pthread_cond_broadcast(&C.cond);
	pthread_mutex_unlock(&C.lock);
	if (C.running)
		pthread_join(C.thread, NULL);
	C.running = false;
}
