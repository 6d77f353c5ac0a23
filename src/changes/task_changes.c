#include "changes/task_changes.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changes/commit.h"
#include "changes/reminder_changes.h"
#include "changes/series.h"
#include "service/recurrence.h"
#include "store/db.h"
#include "store/tag_repo.h"
#include "store/task_repo.h"

/* Record @ev (when given) and end the transaction. */
static int finish(int rc, const struct task_event *ev, struct err *e)
{
	if (rc == 0 && ev)
		rc = change_record_task(ev, e);
	return change_commit(rc, e);
}

/* A recurring task's whole recurrence must be valid (zone, RRULE, end). */
static int check_recurrence(const struct task *t, struct err *e)
{
	if (!task_is_recurring(t))
		return 0;
	struct recurrence r;
	int rc = series_recurrence(t, &r, e);
	if (rc == 0)
		recurrence_release(&r);
	return rc;
}

/* The parent of a task must be another task of the same user. */
static int check_parent(const char *user_id, int64_t self, int64_t parent, struct err *e)
{
	if (!parent)
		return 0;
	if (parent == self)
		return err_set(e, TODO_EINVAL, "parent_task_id", "a task cannot be its own parent");
	struct task p;
	int rc = task_repo_get(user_id, parent, &p, e);
	if (rc == TODO_ENOTFOUND)
		return err_set(e, TODO_ENOTFOUND, "parent_task_id",
			       "parent_task_id %" PRId64 " not found", parent);
	if (rc == 0)
		task_release(&p);
	return rc;
}

/* Give task @id exactly the tags @in names (creating unknown names). */
static int apply_tags(const char *user_id, int64_t id, const struct task_input *in, struct err *e)
{
	if (!in || !in->has_tags)
		return 0;
	int64_t *ids = calloc(in->ntags ? in->ntags : 1, sizeof(*ids));
	if (!ids)
		abort();   /* out of memory: see base/alloc.h */
	int rc = tag_repo_resolve(user_id, in->tags, in->ntags, ids, e);
	if (rc == 0)
		rc = tag_repo_set_task_tags(id, ids, in->ntags, e);
	free(ids);
	return rc;
}

int task_change_create(const char *user_id, const struct actor *actor,
		       const struct task_input *in, struct task *out, struct err *e)
{
	struct task base, merged;
	task_defaults(&base);
	snprintf(base.user_id, sizeof(base.user_id), "%s", user_id);
	*out = (struct task){ 0 };
	int rc = task_apply(&base, in, &merged, e);
	if (rc)
		return rc;
	rc = check_recurrence(&merged, e);
	if (rc) {
		task_release(&merged);
		return rc;
	}
	int64_t id = 0;
	rc = db_tx_begin(e);
	if (rc)
		goto out_release;
	rc = check_parent(user_id, 0, merged.parent_task_id, e);
	if (rc == 0)
		rc = task_repo_insert(user_id, &merged, &id, e);
	if (rc == 0)
		rc = apply_tags(user_id, id, in, e);
	if (rc == 0)
		rc = task_repo_get(user_id, id, out, e);
	struct task_event ev;
	if (rc == 0)
		event_task_init(&ev, EVENT_TASK_CREATED, actor, out, NULL);
	rc = finish(rc, rc ? NULL : &ev, e);
	if (rc)
		task_release(out);
out_release:
	task_release(&merged);
	return rc;
}

/* Shared shape of update and toggle: lock the old row, change it, record. */
static int change(const char *user_id, const struct actor *actor, int64_t id, int64_t if_version,
		  const struct task_input *in, struct task *out, struct err *e)
{
	struct task old = { 0 }, merged = { 0 };
	*out = (struct task){ 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = task_repo_get_for_update(user_id, id, &old, e);
	if (rc == 0 && in) {
		rc = task_apply(&old, in, &merged, e);
		if (rc == 0)
			rc = check_recurrence(&merged, e);
		if (rc == 0 && in->has_parent)
			rc = check_parent(user_id, id, merged.parent_task_id, e);
		if (rc == 0)
			rc = task_repo_update(user_id, id, if_version, &merged, e);
		if (rc == 0)
			rc = apply_tags(user_id, id, in, e);
		if (rc == 0)
			rc = task_repo_get(user_id, id, out, e);
		/* Relative reminders follow the due time. */
		if (rc == 0 && strcmp(old.due_datetime, out->due_datetime) != 0)
			rc = reminders_follow_task(out, e);
	} else if (rc == 0) {
		rc = task_repo_toggle_complete(user_id, id, if_version, out, e);
	}
	/* Completing the open occurrence of a series creates the next one. */
	struct task_event ev;
	if (rc == 0) {
		enum event_type type = EVENT_TASK_UPDATED;
		if (!in && out->completed)
			type = EVENT_TASK_COMPLETED;
		event_task_init(&ev, type, actor, out, &old);
		rc = change_record_task(&ev, e);
	}
	int64_t next_id = 0;
	if (rc == 0 && !in && out->completed && task_is_recurring(out))
		rc = series_create_next(user_id, actor, out, &next_id, e);
	/* A completed task reminds of nothing any more. */
	if (rc == 0 && !in && out->completed)
		rc = reminders_cancel_for_task(id, e);
	rc = finish(rc, NULL, e);
	task_release(&old);
	task_release(&merged);
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
	if (rc == 0 && (if_version == 0 || if_version == old.version))
		rc = reminders_cancel_for_task(id, e);
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

int task_change_skip(const char *user_id, const struct actor *actor, int64_t id,
		     int64_t if_version, struct task *out, struct err *e)
{
	struct task old = { 0 };
	*out = (struct task){ 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = task_repo_get_for_update(user_id, id, &old, e);
	if (rc == 0 && !task_is_recurring(&old))
		rc = err_set(e, TODO_EINVAL, "id", "task %" PRId64 " is not recurring: nothing to skip", id);
	else if (rc == 0 && old.completed)
		rc = err_set(e, TODO_ECONFLICT, "id", "task %" PRId64 " is already closed", id);
	if (rc == 0)
		rc = task_repo_skip(user_id, id, if_version, e);
	if (rc == 0)
		rc = task_repo_get(user_id, id, out, e);
	struct task_event ev;
	if (rc == 0) {
		event_task_init(&ev, EVENT_TASK_SKIPPED, actor, out, &old);
		rc = change_record_task(&ev, e);
	}
	int64_t next_id;
	if (rc == 0)
		rc = series_create_next(user_id, actor, out, &next_id, e);
	if (rc == 0)
		rc = reminders_cancel_for_task(id, e);
	rc = finish(rc, NULL, e);
	task_release(&old);
	if (rc)
		task_release(out);
	return rc;
}

int task_change_stop_recurrence(const char *user_id, const struct actor *actor, int64_t id,
				int64_t if_version, struct task *out, struct err *e)
{
	struct task_input stop = {
		.has_pattern = true, .recurrence_pattern = "none",
		.has_rule = true, .recurrence_rule = NULL,
		.has_weekdays = true, .recurrence_weekdays = 0,
		.has_end_date = true, .recurrence_end_date = NULL,
	};
	return change(user_id, actor, id, if_version, &stop, out, e);
}
