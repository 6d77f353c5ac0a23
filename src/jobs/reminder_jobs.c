#include "jobs/reminder_jobs.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "dapr/dapr_client.h"
#include "events/event.h"
#include "events/relay.h"
#include "json/reminder_json.h"
#include "store/db.h"
#include "store/outbox_repo.h"
#include "store/task_repo.h"

static void job_name(char out[64], int64_t id)
{
	snprintf(out, 64, REMINDER_JOB_PREFIX "%" PRId64, id);
}

static int queue(const struct reminder_slot *s, size_t n, bool schedule, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		char name[64], id[EVENT_ID_LEN + 1];
		job_name(name, s[i].id);
		event_new_id(id);
		char *data = schedule ? reminder_job_data(s[i].id, s[i].version) : NULL;
		char *cmd = job_command_encode(schedule, name, s[i].reminder_time, data);
		int rc = outbox_insert(id, schedule ? "schedule-job" : "delete-job", JOBS_TOPIC, name, cmd, e);
		free(cmd);
		free(data);
		if (rc)
			return rc;
	}
	return 0;
}

int reminder_jobs_schedule(const struct reminder_slot *s, size_t n, struct err *e)
{
	return queue(s, n, true, e);
}

int reminder_jobs_cancel(const struct reminder_slot *s, size_t n, struct err *e)
{
	return queue(s, n, false, e);
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

int jobs_execute(struct dapr_client *dapr, const char *payload, struct err *e)
{
	struct job_command c;
	int rc = job_command_parse(payload, &c, e);
	if (rc)
		return 0;   /* a malformed command can never succeed: drop it (logged by the caller) */
	if (c.schedule) {
		char due[40];
		due_or_soon(c.due_time, due);
		rc = dapr_schedule_job(dapr, c.name, due, "", c.data, strlen(c.data), true, e);
	} else {
		rc = dapr_delete_job(dapr, c.name, e);
		/* daprd reports a missing job as NOT_FOUND or as INTERNAL "job not found". */
		if (rc == TODO_ENOTFOUND || (rc && e && strstr(e->msg, "not found")))
			rc = 0;
	}
	job_command_release(&c);
	return rc;
}

int reminder_fire_now(int64_t id, int version, bool late, bool *fired, struct err *e)
{
	struct reminder r;
	*fired = false;
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = reminder_fire(id, version, late, &r, fired, e);
	if (rc == 0 && *fired) {
		struct task t = { 0 };
		int trc = task_repo_get(r.user_id, r.task_id, &t, e);
		if (trc && trc != TODO_ENOTFOUND)
			rc = trc;
		if (rc == 0) {
			char eid[EVENT_ID_LEN + 1], now[TIME_TEXT_MAX], key[24];
			event_new_id(eid);
			event_now(now);
			snprintf(key, sizeof(key), "%" PRId64, r.task_id);
			char *payload = reminder_json_triggered(eid, now, &r, t.title ? t.title : "",
								t.due_datetime);
			rc = outbox_insert(eid, "reminder-triggered", TOPIC_REMINDERS, key, payload, e);
			free(payload);
		}
		task_release(&t);
	}
	if (rc == 0)
		rc = db_tx_commit(e);
	if (rc) {
		db_tx_rollback();
		*fired = false;
		return rc;
	}
	if (*fired) {
		log_info("reminder fired", "reminder_id=%" PRId64 " task_id=%" PRId64 " late=%d remind_at=%s",
			 r.id, r.task_id, late, r.reminder_time);
		relay_nudge();
	}
	return 0;
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
	int rc = reminder_fire_now(id, version, false, &fired, e);
	if (rc == 0 && !fired)
		log_info("stale reminder job ignored", "reminder_id=%" PRId64 " version=%d", id, version);
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
	struct reminder_slot *s = NULL;
	size_t n = 0;
	int rc = db_tx_begin(&e);
	if (rc == 0)
		rc = reminder_pending_future(&s, &n, &e);
	if (rc == 0)
		rc = reminder_jobs_schedule(s, n, &e);
	if (rc == 0)
		rc = db_tx_commit(&e);
	if (rc)
		db_tx_rollback();
	else if (n)
		relay_nudge();
	free(s);
	if (rc)
		log_warn("reminder reconciliation could not reschedule", "error=\"%s\"", e.msg);
	else
		log_info("reminders rescheduled", "pending=%zu", n);
	return rc;
}

static void fire_overdue(void)
{
	struct err e = { 0 };
	struct reminder_slot *s = NULL;
	size_t n = 0;
	if (reminder_overdue(C.grace_s, 100, &s, &n, &e) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		bool fired;
		if (reminder_fire_now(s[i].id, s[i].version, true, &fired, &e) == 0 && fired)
			log_warn("overdue reminder fired late (its job was lost)", "reminder_id=%" PRId64
				 " remind_at=%s", s[i].id, s[i].reminder_time);
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
