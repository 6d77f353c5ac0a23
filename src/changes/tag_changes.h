/*
 * tag_changes.h - the tag use cases. A tag is part of the state of every
 * task carrying it (a task shows its tags' names and colours), so a tag
 * write that changes what a task shows is a change of that task: attaching,
 * detaching, renaming or recolouring a tag carried by tasks, or deleting it,
 * bumps each such task's version and records a task-updated event whose
 * changes hold {"tags": {"old", "new"}} (and, through the task-events
 * consumer, one activity entry per task), all in one transaction with the
 * tag write. Attaching a tag that is already attached changes nothing.
 *
 * A rename or delete locks the tag first (no task can gain it meanwhile),
 * then the tasks carrying it in ascending id order. Errors: TODO_ENOTFOUND (field
 * "task_id" or "tag_id"), TODO_ECONFLICT ("name" taken, or a concurrent
 * delete), TODO_EUNAVAIL; on any error nothing changed.
 */
#ifndef TODOD_CHANGES_TAG_CHANGES_H
#define TODOD_CHANGES_TAG_CHANGES_H

#include <stdint.h>

#include "base/err.h"
#include "service/event.h"
#include "service/tag.h"

/* tag_change_create - a new tag (no task carries it yet). */
int tag_change_create(const char *user_id, const char *name, const char *color, struct tag *out,
		      struct err *e);

/* tag_change_update - rename and/or recolour (@name NULL keeps it; @color
 * NULL keeps it, "" clears it); every task carrying the tag is updated. */
int tag_change_update(const char *user_id, const struct actor *actor, int64_t id,
		      const char *name, const char *color, struct tag *out, struct err *e);

/* tag_change_delete - delete the tag, detaching it from every task. */
int tag_change_delete(const char *user_id, const struct actor *actor, int64_t id, struct err *e);

/* tag_change_attach / tag_change_detach - one link; detaching a link that
 * does not exist is TODO_ENOTFOUND. */
int tag_change_attach(const char *user_id, const struct actor *actor, int64_t task_id,
		      int64_t tag_id, struct err *e);
int tag_change_detach(const char *user_id, const struct actor *actor, int64_t task_id,
		      int64_t tag_id, struct err *e);

#endif
