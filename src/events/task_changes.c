#include "events/task_changes.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "events/relay.h"
#include "json/event_json.h"
#include "store/db.h"
#include "store/outbox_repo.h"
#include "store/task_repo.h"

int task_change_record(const struct task_event *ev, struct err *e)
{
	char key[24];
	snprintf(key, sizeof(key), "%" PRId64, ev->task->id);
	char *full = event_json_task(ev);
	char *delta = event_json_task_delta(ev);
	const char *type = event_type_name(ev->type);
	int rc = outbox_insert(ev->event_id, type, TOPIC_TASK_EVENTS, key, full, e);
	if (rc == 0)
		rc = outbox_insert(ev->event_id, type, TOPIC_TASK_UPDATES, key, delta, e);
	free(full);
	free(delta);
	return rc;
}

/* Record @ev and commit, or roll back; nudge the relay on success. */
static int finish(int rc, const struct task_event *ev, struct err *e)
{
	if (rc == 0 && ev)
		rc = task_change_record(ev, e);
	if (rc == 0)
		rc = db_tx_commit(e);
	if (rc) {
		db_tx_rollback();
		return rc;
	}
	relay_nudge();
	return 0;
}

int task_change_create(const char *user_id, const struct actor *actor,
		       const struct task_input *in, struct task *out, struct err *e)
{
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	struct task_event ev;
	rc = task_repo_insert(user_id, in, out, e);
	if (rc == 0)
		event_task_init(&ev, EVENT_TASK_CREATED, actor, out, NULL);
	rc = finish(rc, rc ? NULL : &ev, e);
	if (rc)
		task_release(out);
	return rc;
}

/* Shared shape of update and toggle: lock the old row, change it, record. */
static int change(const char *user_id, const struct actor *actor, int64_t id, int64_t if_version,
		  const struct task_input *in, struct task *out, struct err *e)
{
	struct task old = { 0 };
	*out = (struct task){ 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = task_repo_get_for_update(user_id, id, &old, e);
	if (rc == 0)
		rc = in ? task_repo_update(user_id, id, if_version, in, out, e)
			: task_repo_toggle_complete(user_id, id, if_version, out, e);
	struct task_event ev;
	if (rc == 0) {
		enum event_type type = EVENT_TASK_UPDATED;
		if (!in && out->completed)
			type = EVENT_TASK_COMPLETED;
		event_task_init(&ev, type, actor, out, &old);
	}
	rc = finish(rc, rc ? NULL : &ev, e);
	task_release(&old);
	if (rc)
		task_release(out);
	return rc;
}

int task_change_update(const char *user_id, const struct actor *actor, int64_t id,
		       int64_t if_version, const struct task_input *in, struct task *out,
		       struct err *e)
{
	return change(user_id, actor, id, if_version, in, out, e);
}

int task_change_toggle_complete(const char *user_id, const struct actor *actor, int64_t id,
				int64_t if_version, struct task *out, struct err *e)
{
	return change(user_id, actor, id, if_version, NULL, out, e);
}

int task_change_delete(const char *user_id, const struct actor *actor, int64_t id,
		       int64_t if_version, struct err *e)
{
	struct task old = { 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = task_repo_get_for_update(user_id, id, &old, e);
	if (rc == 0)
		rc = task_repo_delete(user_id, id, if_version, e);
	struct task_event ev;
	if (rc == 0) {
		/* The deleted task's last state, one version on. */
		old.version++;
		event_task_init(&ev, EVENT_TASK_DELETED, actor, &old, NULL);
	}
	rc = finish(rc, rc ? NULL : &ev, e);
	task_release(&old);
	return rc;
}
