#include "events/consumer.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/log.h"
#include "events/event.h"
#include "events/relay.h"
#include "json/event_json.h"
#include "store/activity_repo.h"
#include "store/db.h"
#include "store/outbox_repo.h"

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
		return (!ev->completed && strstr(ev->changes_json, "\"completed\"")) ? "reopened" : "updated";
	return NULL;
}

static enum consume_result retry_or_drop(int rc)
{
	return rc == TODO_EINVAL ? CONSUME_DROP : CONSUME_RETRY;
}

/* Parse a task event into @ev and @a. Returns false (after logging) for a
 * poison message, which is to be dropped; on true, release @ev later. */
static bool parse_event(const char *ce_id, const uint8_t *data, size_t len,
			struct parsed_task_event *ev, struct activity_entry *a)
{
	struct err e = { 0 };
	char q[600], q2[300];
	if (event_json_parse_task(data, len, ev, &e) != 0) {
		log_warn("poison task event dropped", "ce_id=%s error=%s",
			 log_quote(q2, sizeof(q2), ce_id), log_quote(q, sizeof(q), e.msg));
		return false;
	}
	const char *action = action_of(ev);
	*a = (struct activity_entry){ .task_id = ev->task_id, .task_version = ev->task_version,
				      .changes_json = ev->changes_json };
	if (!action || strlen(ev->user_id) > USER_ID_MAX || strlen(ev->actor_id) > USER_ID_MAX ||
	    strlen(ev->actor_type) >= sizeof(a->actor_type) || strlen(ev->occurred_at) >= TIME_TEXT_MAX) {
		log_warn("poison task event dropped", "ce_id=%s event_type=%s error=\"unknown type or oversize field\"",
			 log_quote(q2, sizeof(q2), ce_id), log_quote(q, sizeof(q), ev->event_type));
		event_json_release(ev);
		return false;
	}
	snprintf(a->event_id, sizeof(a->event_id), "%s", ev->event_id);
	snprintf(a->user_id, sizeof(a->user_id), "%s", ev->user_id);
	snprintf(a->action, sizeof(a->action), "%s", action);
	snprintf(a->actor_type, sizeof(a->actor_type), "%s", ev->actor_type);
	snprintf(a->actor_id, sizeof(a->actor_id), "%s", ev->actor_id);
	snprintf(a->occurred_at, sizeof(a->occurred_at), "%s", ev->occurred_at);
	return true;
}

/* Inside an open transaction: the activity row of @ev and, if it is new,
 * its activity-log-created outbox row. Sets *inserted. */
static int record_event(const struct parsed_task_event *ev, const struct activity_entry *a,
			bool *inserted, struct err *e)
{
	int64_t activity_id = 0;
	int rc = activity_insert(a, inserted, &activity_id, e);
	if (rc == 0 && *inserted) {
		char id[EVENT_ID_LEN + 1], now[TIME_TEXT_MAX], key[24];
		event_new_id(id);
		event_now(now);
		snprintf(key, sizeof(key), "%" PRId64, ev->task_id);
		char *payload = event_json_activity_created(id, now, ev->user_id, ev->task_id, activity_id,
							    ev->event_id, a->action);
		rc = outbox_insert(id, event_type_name(EVENT_ACTIVITY_LOG_CREATED), TOPIC_ACTIVITY_LOGS,
				   key, payload, e);
		free(payload);
	}
	return rc;
}

enum consume_result consumer_task_event(const char *ce_id, const uint8_t *data, size_t len)
{
	struct parsed_task_event ev;
	struct activity_entry a;
	struct err e = { 0 };
	char q[600];
	if (!parse_event(ce_id, data, len, &ev, &a))
		return CONSUME_DROP;

	bool inserted = false;
	int rc = db_tx_begin(&e);
	if (rc == 0)
		rc = record_event(&ev, &a, &inserted, &e);
	if (rc == 0)
		rc = db_tx_commit(&e);
	enum consume_result res = CONSUME_SUCCESS;
	if (rc) {
		db_tx_rollback();
		/* A constraint violation here means the event itself is malformed. */
		res = retry_or_drop(rc);
		log_warn(res == CONSUME_DROP ? "task event rejected, dropped" : "task event not recorded, will retry",
			 "event_id=%s error=%s", ev.event_id, log_quote(q, sizeof(q), e.msg));
	} else if (inserted) {
		relay_nudge();
	} else {
		log_debug("duplicate task event ignored", "event_id=%s", ev.event_id);
	}
	event_json_release(&ev);
	return res;
}

void consumer_task_events(const struct consumer_message *msgs, size_t n, enum consume_result *res)
{
	struct parsed_task_event *ev = xcalloc(n ? n : 1, sizeof(*ev));
	struct activity_entry *a = xcalloc(n ? n : 1, sizeof(*a));
	bool *valid = xcalloc(n ? n : 1, sizeof(*valid));
	struct err e = { 0 };
	size_t nvalid = 0, fresh = 0;
	for (size_t i = 0; i < n; i++) {
		valid[i] = parse_event(msgs[i].ce_id, msgs[i].data, msgs[i].len, &ev[i], &a[i]);
		res[i] = valid[i] ? CONSUME_SUCCESS : CONSUME_DROP;
		nvalid += valid[i];
	}
	if (nvalid == 0)
		goto out_free;
	/* One transaction (one commit, one WAL flush) for the whole batch, in
	 * the batch's order: a partition's events are recorded in Kafka order. */
	int rc = db_tx_begin(&e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool inserted = false;
		if (valid[i])
			rc = record_event(&ev[i], &a[i], &inserted, &e);
		fresh += inserted;
	}
	if (rc == 0)
		rc = db_tx_commit(&e);
	if (rc == 0) {
		if (fresh)
			relay_nudge();
		goto out_release;
	}
	db_tx_rollback();
	/* Which event failed is unknown once the transaction is aborted: redo
	 * them one by one, so only a bad one is dropped (or retried). */
	char q[600];
	log_warn("task event batch not recorded, one by one instead", "events=%zu error=%s", nvalid,
		 log_quote(q, sizeof(q), e.msg));
	for (size_t i = 0; i < n; i++)
		if (valid[i])
			res[i] = consumer_task_event(msgs[i].ce_id, msgs[i].data, msgs[i].len);
out_release:
	for (size_t i = 0; i < n; i++)
		if (valid[i])
			event_json_release(&ev[i]);
out_free:
	free(valid);
	free(a);
	free(ev);
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
		enum consume_result res = consumer_task_event(ce_id, data, len);
		if (res != CONSUME_DROP) {
			if (res == CONSUME_SUCCESS)
				log_info("dead-lettered task event applied", "ce_id=%s",
					 log_quote(q2, sizeof(q2), ce_id));
			return res;
		}
	}
	int rc = dead_letter_insert(topic, ce_id, data, len, &e);
	if (rc) {
		log_warn("dead letter not recorded, will retry", "topic=%s error=%s",
			 log_quote(q, sizeof(q), topic), log_quote(q2, sizeof(q2), e.msg));
		return rc == TODO_EINVAL ? CONSUME_DROP : CONSUME_RETRY;
	}
	log_warn("dead letter recorded", "topic=%s ce_id=%s", log_quote(q, sizeof(q), topic),
		 log_quote(q2, sizeof(q2), ce_id));
	return CONSUME_SUCCESS;
}
