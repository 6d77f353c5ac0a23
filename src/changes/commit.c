#include "changes/commit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "events/relay.h"
#include "json/event_json.h"
#include "json/realtime_json.h"
#include "json/reminder_json.h"
#include "service/reminder.h"
#include "store/db.h"
#include "store/feed_repo.h"
#include "store/outbox_repo.h"
#include "store/reminder_repo.h"

int change_commit(int rc, struct err *e)
{
	if (rc == 0)
		rc = db_tx_commit(e);
	if (rc) {
		db_tx_rollback();
		return rc;
	}
	relay_nudge();
	return 0;
}

int change_record_task(const struct task_event *in, struct err *e)
{
	struct task_event ev = *in;
	int rc = feed_repo_next_cursor(ev.task->user_id, &ev.cursor, e);
	if (rc)
		return rc;
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, ev.task->id);
	char *frame = realtime_json_task_frame(&ev, ev.cursor);
	char *tags = realtime_json_tag_names(ev.task->tags_json);
	char *full = event_json_task(&ev);
	char *delta = event_json_task_delta(&ev);
	const char *type = event_type_name(ev.type);
	rc = feed_repo_insert(ev.task->user_id, ev.cursor, type, ev.task->id, tags, ev.occurred_at, frame, e);
	if (rc == 0)
		rc = outbox_repo_insert(ev.event_id, type, TOPIC_TASK_EVENTS, key, full, e);
	if (rc == 0)
		rc = outbox_repo_insert(ev.event_id, type, TOPIC_TASK_UPDATES, key, delta, e);
	free(frame);
	free(tags);
	free(full);
	free(delta);
	return rc;
}

int change_record_reminder(const struct reminder *r, const struct task *t, struct err *e)
{
	int64_t cursor;
	int rc = feed_repo_next_cursor(r->user_id, &cursor, e);
	if (rc)
		return rc;
	char eid[EVENT_ID_LEN + 1], now[TIME_TEXT_MAX], key[24];
	event_new_id(eid);
	event_now(now);
	snprintf(key, sizeof(key), "%" PRId64, r->task_id);
	const char *title = t->title ? t->title : "";
	char *payload = reminder_json_triggered(eid, now, cursor, r, title, t->due_datetime);
	char *frame = realtime_json_reminder_frame(cursor, r, title, now);
	char *tags = realtime_json_tag_names(t->tags_json);
	rc = feed_repo_insert(r->user_id, cursor, "reminder-triggered", r->task_id, tags, now, frame, e);
	if (rc == 0)
		rc = outbox_repo_insert(eid, "reminder-triggered", TOPIC_REMINDERS, key, payload, e);
	free(payload);
	free(frame);
	free(tags);
	return rc;
}

int change_queue_jobs(const struct reminder_slot *s, size_t n, bool schedule, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		char name[64], id[EVENT_ID_LEN + 1];
		snprintf(name, sizeof(name), REMINDER_JOB_PREFIX "%" PRId64, s[i].id);
		event_new_id(id);
		char *data = schedule ? reminder_job_data(s[i].id, s[i].version) : NULL;
		char *cmd = job_command_encode(schedule, name, s[i].reminder_time, data);
		int rc = outbox_repo_insert(id, schedule ? "schedule-job" : "delete-job", JOBS_TOPIC, name, cmd, e);
		free(cmd);
		free(data);
		if (rc)
			return rc;
	}
	return 0;
}
