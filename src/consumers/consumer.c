#include "consumers/consumer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/metrics.h"
#include "base/timeutil.h"
#include "changes/activity_changes.h"
#include "json/event_json.h"
#include "service/event.h"
#include "store/dead_letter_repo.h"

/* Commit-to-handled lag buckets (seconds): milliseconds when the pipeline
 * keeps up, up to an hour behind. */
static const double LAG_BUCKETS[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600,
};

void consumer_metrics_define(void)
{
	metrics_define("todod_consumer_events_total", METRIC_COUNTER,
		       "Messages of todod's subscriptions, by topic and outcome: handled (applied), "
		       "duplicate (already applied: skipped), retry (redelivery asked), "
		       "dead_lettered (dropped: daprd moves it to the dead-letter topic).", NULL, 0);
	metrics_define("todod_dead_letters_recorded_total", METRIC_COUNTER,
		       "Messages of a dead-letter topic kept in the dead_letters table, by topic.", NULL, 0);
	metrics_define("todod_consumer_lag_seconds", METRIC_HISTOGRAM,
		       "Time from an event's commit (its occurred_at) to its handling, by topic.",
		       LAG_BUCKETS, sizeof(LAG_BUCKETS) / sizeof(LAG_BUCKETS[0]));
	static const char *const outcomes[] = { "handled", "duplicate", "retry", "dead_lettered" };
	char labels[96];
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		snprintf(labels, sizeof(labels), "topic=\"%s\",outcome=\"%s\"", TOPIC_TASK_EVENTS, outcomes[i]);
		metrics_counter_add("todod_consumer_events_total", labels, 0);
	}
}

/* One message of @topic (a subscribed topic: bounded) in the metrics. */
static void count(const char *topic, const char *outcome)
{
	char labels[192], t[160];
	metrics_label(t, sizeof(t), "topic", topic);
	snprintf(labels, sizeof(labels), "%s,outcome=\"%s\"", t, outcome);
	metrics_counter_add("todod_consumer_events_total", labels, 1);
}

/* The time from @occurred_at (the event's commit, give or take the
 * transaction's length) to now; clock skew between replicas counts as 0. */
static void observe_lag(const char *topic, const char *occurred_at)
{
	int64_t at;
	bool is_date;
	if (!metrics_enabled() || time_parse(occurred_at, strlen(occurred_at), &at, &is_date) != TIME_OK)
		return;
	int64_t now = time_now_us();
	char labels[160];
	metrics_label(labels, sizeof(labels), "topic", topic);
	metrics_observe("todod_consumer_lag_seconds", labels, now > at ? (double)(now - at) / 1e6 : 0);
}

static const char *outcome_of(enum consume_result res)
{
	return res == CONSUME_SUCCESS ? "handled" : res == CONSUME_RETRY ? "retry" : "dead_lettered";
}

/* The activity action of a task event. */
static const char *action_of(const struct parsed_task_event *ev)
{
	if (strcmp(ev->event_type, "task-created") == 0)
		return "created";
	if (strcmp(ev->event_type, "task-completed") == 0)
		return "completed";
	if (strcmp(ev->event_type, "task-deleted") == 0)
		return "deleted";
	if (strcmp(ev->event_type, "task-skipped") == 0)
		return "skipped";
	if (strcmp(ev->event_type, "task-updated") == 0)
		return (!ev->completed && ev->completed_changed) ? "reopened" : "updated";
	return NULL;
}

static enum consume_result retry_or_drop(int rc)
{
	return rc == TODO_EINVAL ? CONSUME_DROP : CONSUME_RETRY;
}

/* A task event from @topic (task-events, or its dead-letter topic): the
 * consume result, with the message counted unless the caller counts it. */
static enum consume_result task_event(const char *topic, const char *ce_id, const uint8_t *data,
				      size_t len, bool count_drop)
{
	struct parsed_task_event ev;
	struct err e = { 0 };
	char q[600], q2[300];
	if (event_json_parse_task(data, len, &ev, &e) != 0) {
		log_warn("poison task event dropped", "ce_id=%s error=%s",
			 log_quote(q2, sizeof(q2), ce_id), log_quote(q, sizeof(q), e.msg));
		if (count_drop)
			count(topic, "dead_lettered");
		return CONSUME_DROP;
	}
	const char *action = action_of(&ev);
	struct activity_entry a = { .task_id = ev.task_id, .task_version = ev.task_version,
				    .changes_json = ev.changes_json };
	if (!action || strlen(ev.user_id) > USER_ID_MAX || strlen(ev.actor_id) > USER_ID_MAX ||
	    strlen(ev.actor_type) >= sizeof(a.actor_type) || strlen(ev.occurred_at) >= TIME_TEXT_MAX) {
		log_warn("poison task event dropped", "ce_id=%s task_id=%" PRId64
			 " event_type=%s error=\"unknown type or oversize field\"",
			 log_quote(q2, sizeof(q2), ce_id), ev.task_id, log_quote(q, sizeof(q), ev.event_type));
		event_json_release(&ev);
		if (count_drop)
			count(topic, "dead_lettered");
		return CONSUME_DROP;
	}
	snprintf(a.event_id, sizeof(a.event_id), "%s", ev.event_id);
	snprintf(a.user_id, sizeof(a.user_id), "%s", ev.user_id);
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.actor_type, sizeof(a.actor_type), "%s", ev.actor_type);
	snprintf(a.actor_id, sizeof(a.actor_id), "%s", ev.actor_id);
	snprintf(a.occurred_at, sizeof(a.occurred_at), "%s", ev.occurred_at);

	bool inserted = false;
	int rc = activity_change_record(&a, &inserted, &e);
	enum consume_result res = CONSUME_SUCCESS;
	if (rc) {
		/* A constraint violation here means the event itself is malformed. */
		res = retry_or_drop(rc);
		log_warn(res == CONSUME_DROP ? "task event rejected, dropped" : "task event not recorded, will retry",
			 "event_id=%s task_id=%" PRId64 " error=%s", ev.event_id, ev.task_id,
			 log_quote(q, sizeof(q), e.msg));
	} else if (!inserted) {
		log_debug("duplicate task event ignored", "event_id=%s task_id=%" PRId64, ev.event_id, ev.task_id);
	} else {
		log_debug("task event recorded", "event_id=%s task_id=%" PRId64 " action=%s",
			  ev.event_id, ev.task_id, action);
	}
	if (res == CONSUME_SUCCESS && inserted)
		observe_lag(topic, ev.occurred_at);
	if (res != CONSUME_DROP || count_drop)
		count(topic, res == CONSUME_SUCCESS && !inserted ? "duplicate" : outcome_of(res));
	event_json_release(&ev);
	return res;
}

enum consume_result consumer_task_event(const char *ce_id, const uint8_t *data, size_t len)
{
	return task_event(TOPIC_TASK_EVENTS, ce_id, data, len, true);
}

enum consume_result consumer_dead_letter(const char *topic, const char *ce_id,
					 const uint8_t *data, size_t len)
{
	struct err e = { 0 };
	char q[300], q2[300];
	/* daprd dead-letters a message not only when we DROP it (poison) but also
	 * when its delivery failed for a passing reason: todod restarting or
	 * killed, or RETRY while PostgreSQL was down. Such a task event is still
	 * valid: apply it now (idempotent by event id), or have it redelivered;
	 * only what cannot be applied is kept as a dead letter. */
	if (strcmp(topic, TOPIC_TASK_EVENTS DLQ_SUFFIX) == 0) {
		/* A drop here is not counted yet: the message is recorded below. */
		enum consume_result res = task_event(topic, ce_id, data, len, false);
		if (res != CONSUME_DROP) {
			if (res == CONSUME_SUCCESS)
				log_info("dead-lettered task event applied", "ce_id=%s",
					 log_quote(q2, sizeof(q2), ce_id));
			return res;
		}
	}
	int rc = dead_letter_repo_insert(topic, ce_id, data, len, &e);
	if (rc) {
		log_warn("dead letter not recorded, will retry", "topic=%s error=%s",
			 log_quote(q, sizeof(q), topic), log_quote(q2, sizeof(q2), e.msg));
		enum consume_result res = rc == TODO_EINVAL ? CONSUME_DROP : CONSUME_RETRY;
		count(topic, outcome_of(res));
		return res;
	}
	char labels[160];
	metrics_label(labels, sizeof(labels), "topic", topic);
	metrics_counter_add("todod_dead_letters_recorded_total", labels, 1);
	log_warn("dead letter recorded", "topic=%s ce_id=%s", log_quote(q, sizeof(q), topic),
		 log_quote(q2, sizeof(q2), ce_id));
	return CONSUME_SUCCESS;
}
