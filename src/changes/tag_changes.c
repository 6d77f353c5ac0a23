#include "changes/tag_changes.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "changes/commit.h"
#include "store/db.h"
#include "store/tag_repo.h"
#include "store/task_repo.h"

/* The tasks a tag write may change, locked, with their state before it. */
struct touched {
	struct task *old;
	size_t n;
};

static void touched_release(struct touched *t)
{
	for (size_t i = 0; i < t->n; i++)
		task_release(&t->old[i]);
	free(t->old);
	*t = (struct touched){ 0 };
}

/* Lock the tasks @ids[0..n) (ascending) and keep their state. A task gone
 * since the ids were read is left out. */
static int lock_tasks(const char *user_id, const int64_t *ids, size_t n, struct touched *out,
		      struct err *e)
{
	out->old = xcalloc(n ? n : 1, sizeof(*out->old));
	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		int rc = task_repo_get_for_update(user_id, ids[i], &out->old[out->n], e);
		if (rc == TODO_ENOTFOUND)
			continue;
		if (rc)
			return rc;
		out->n++;
	}
	return 0;
}

/* After the tag write: every locked task whose tags now read differently
 * goes one version on and records task-updated (old -> new). */
static int record_changed(const char *user_id, const struct actor *actor,
			  const struct touched *t, struct err *e)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		const struct task *old = &t->old[i];
		struct task now = { 0 };
		rc = task_repo_get(user_id, old->id, &now, e);
		bool changed = rc == 0 && strcmp(old->tags_json ? old->tags_json : "",
						 now.tags_json ? now.tags_json : "") != 0;
		task_release(&now);
		if (!changed)
			continue;
		rc = task_repo_bump_version(user_id, old->id, e);
		if (rc == 0)
			rc = task_repo_get(user_id, old->id, &now, e);
		if (rc == 0) {
			struct task_event ev;
			event_task_init(&ev, EVENT_TASK_UPDATED, actor, &now, old);
			rc = change_record_task(&ev, e);
			task_release(&now);
		}
	}
	return rc;
}

/* Lock tag @tag_id, so no task gains it meanwhile, then the tasks that
 * carry it. */
static int lock_carriers(const char *user_id, int64_t tag_id, struct touched *out, struct err *e)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = tag_repo_lock(user_id, tag_id, e);
	if (rc == 0)
		rc = tag_repo_task_ids(user_id, tag_id, &ids, &n, e);
	if (rc == 0)
		rc = lock_tasks(user_id, ids, n, out, e);
	free(ids);
	return rc;
}

int tag_change_create(const char *user_id, const char *name, const char *color, struct tag *out,
		      struct err *e)
{
	*out = (struct tag){ 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = tag_repo_create(user_id, name, color, out, e);
	rc = change_commit(rc, e);
	if (rc)
		tag_release(out);
	return rc;
}

int tag_change_update(const char *user_id, const struct actor *actor, int64_t id,
		      const char *name, const char *color, struct tag *out, struct err *e)
{
	struct touched t = { 0 };
	*out = (struct tag){ 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = lock_carriers(user_id, id, &t, e);
	if (rc == 0)
		rc = tag_repo_update(user_id, id, name, color, out, e);
	if (rc == 0)
		rc = record_changed(user_id, actor, &t, e);
	rc = change_commit(rc, e);
	touched_release(&t);
	if (rc)
		tag_release(out);
	return rc;
}

int tag_change_delete(const char *user_id, const struct actor *actor, int64_t id, struct err *e)
{
	struct touched t = { 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = lock_carriers(user_id, id, &t, e);
	if (rc == 0)
		rc = tag_repo_delete(user_id, id, e);
	if (rc == 0)
		rc = record_changed(user_id, actor, &t, e);
	rc = change_commit(rc, e);
	touched_release(&t);
	return rc;
}

/* Attach or detach: lock the task, change the link, record the task. */
static int link(const char *user_id, const struct actor *actor, int64_t task_id, int64_t tag_id,
		bool attach, struct err *e)
{
	struct touched t = { 0 };
	int rc = db_tx_begin(e);
	if (rc)
		return rc;
	rc = lock_tasks(user_id, &task_id, 1, &t, e);
	if (rc == 0 && t.n == 0)
		rc = err_set(e, TODO_ENOTFOUND, "task_id", "task %" PRId64 " not found", task_id);
	if (rc == 0)
		rc = attach ? tag_repo_attach(user_id, task_id, tag_id, e)
			    : tag_repo_detach(user_id, task_id, tag_id, e);
	if (rc == 0)
		rc = record_changed(user_id, actor, &t, e);
	rc = change_commit(rc, e);
	touched_release(&t);
	return rc;
}

int tag_change_attach(const char *user_id, const struct actor *actor, int64_t task_id,
		      int64_t tag_id, struct err *e)
{
	return link(user_id, actor, task_id, tag_id, true, e);
}

int tag_change_detach(const char *user_id, const struct actor *actor, int64_t task_id,
		      int64_t tag_id, struct err *e)
{
	return link(user_id, actor, task_id, tag_id, false, e);
}
