/*
 * task_repo.h - tasks in PostgreSQL. Every statement is parameterised and
 * filtered by user_id: a task of another user is indistinguishable from a
 * missing one (TODO_ENOTFOUND).
 *
 * Writes take an optional precondition @if_version (0 = none): the change
 * applies only if the task is at that version, else TODO_ECONFLICT.
 * Every change increments the version.
 *
 * Errors: TODO_ENOTFOUND, TODO_ECONFLICT, TODO_EUNAVAIL (database down), TODO_EINTERNAL,
 * and whatever the SQLSTATE table maps a constraint failure to.
 * Output structs are filled on success only; release them with task_release.
 */
#ifndef TODOD_STORE_TASK_REPO_H
#define TODOD_STORE_TASK_REPO_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/task.h"

/* task_repo_insert - insert @t (its id, version, times and tags are
 * ignored) and store the new id in *@id. Read it back with task_repo_get. */
int task_repo_insert(const char *user_id, const struct task *t, int64_t *id, struct err *e);
int task_repo_get(const char *user_id, int64_t id, struct task *out, struct err *e);
/* task_repo_get_for_update - task_repo_get that also locks the row until
 * the end of the current transaction (see db_tx_begin). */
int task_repo_get_for_update(const char *user_id, int64_t id, struct task *out, struct err *e);
/* task_repo_update - store the writable fields of @t (the merged state,
 * see task_apply) and bump the version. Read it back with task_repo_get. */
int task_repo_update(const char *user_id, int64_t id, int64_t if_version,
		     const struct task *t, struct err *e);
int task_repo_delete(const char *user_id, int64_t id, int64_t if_version, struct err *e);
int task_repo_toggle_complete(const char *user_id, int64_t id, int64_t if_version,
			      struct task *out, struct err *e);

/* task_repo_series - every occurrence of the series whose first task is
 * @root_id, in occurrence order (closed ones are its history); *@out is a
 * malloc'd array of *@n tasks (free each with task_release, then the array). */
int task_repo_series(const char *user_id, int64_t root_id, struct task **out, size_t *n,
		     struct err *e);
/* task_repo_skip - close an open occurrence as skipped (completed too). */
int task_repo_skip(const char *user_id, int64_t id, int64_t if_version, struct err *e);
/* task_repo_bump_version - one version on (and updated_at now) for a
 * change made elsewhere, such as its tags (see changes/tag_changes.h). */
int task_repo_bump_version(const char *user_id, int64_t id, struct err *e);
/* task_repo_copy_tags - give task @to_id the tags of task @from_id. */
int task_repo_copy_tags(int64_t from_id, int64_t to_id, struct err *e);

struct task_query;

/* task_repo_query - the page of the user's tasks that @q asks for (see
 * service/task_query.h), in its order; *@next_cursor is malloc'd when more
 * rows follow, else NULL. Free the tasks as for task_repo_series. */
int task_repo_query(const char *user_id, const struct task_query *q, struct task **out,
		    size_t *n, char **next_cursor, struct err *e);

#endif
