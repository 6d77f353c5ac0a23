/*
 * tag_repo.h - a user's tags and their links to tasks. Names are unique per
 * user, case-insensitively ("Home" and "home" are one tag). Every statement
 * is filtered by user_id: another user's tag is TODO_ENOTFOUND.
 */
#ifndef TODOD_STORE_TAG_REPO_H
#define TODOD_STORE_TAG_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/tag.h"    /* struct tag */
#include "service/task.h"   /* struct tag_ref */

/* ---- the tags resource ---- */
int tag_repo_list(const char *user_id, struct tag **out, size_t *n, struct err *e);
/* tag_repo_create - TODO_ECONFLICT (field "name") if the name exists. */
int tag_repo_create(const char *user_id, const char *name, const char *color, struct tag *out,
		    struct err *e);
/* tag_repo_update - change name and/or color (NULL: keep; color "" clears). */
int tag_repo_update(const char *user_id, int64_t id, const char *name, const char *color,
		    struct tag *out, struct err *e);
/* tag_repo_delete - delete the tag; it is detached from every task. */
int tag_repo_delete(const char *user_id, int64_t id, struct err *e);

/* ---- tags on tasks (run inside the caller's transaction when needed) ---- */

/* tag_repo_resolve - ids for @refs (creating tags for unknown names);
 * @ids gets @n entries, duplicates kept. TODO_ENOTFOUND (field "tags") for an
 * id the user does not own. */
int tag_repo_resolve(const char *user_id, const struct tag_ref *refs, size_t n, int64_t *ids,
		     struct err *e);
/* tag_repo_set_task_tags - make @ids exactly the tags of task @task_id. */
int tag_repo_set_task_tags(int64_t task_id, const int64_t *ids, size_t n, struct err *e);
/* tag_repo_attach / detach - one link; attach is idempotent; detach of a
 * link that does not exist is TODO_ENOTFOUND. Both check the user owns the
 * task and the tag. */
int tag_repo_attach(const char *user_id, int64_t task_id, int64_t tag_id, struct err *e);
int tag_repo_detach(const char *user_id, int64_t task_id, int64_t tag_id, struct err *e);
/* tag_repo_lock - lock the user's tag @tag_id until the end of the current
 * transaction: no task can be linked to it meanwhile. TODO_ENOTFOUND
 * (field "tag_id") when the user has no such tag. */
int tag_repo_lock(const char *user_id, int64_t tag_id, struct err *e);
/* tag_repo_task_ids - the ids of the user's tasks carrying tag @tag_id, in
 * ascending order (the order use cases lock them in); *@ids is malloc'd
 * (free it even when *@n is 0). */
int tag_repo_task_ids(const char *user_id, int64_t tag_id, int64_t **ids, size_t *n,
		      struct err *e);

#endif
