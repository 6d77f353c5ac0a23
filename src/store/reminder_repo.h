/*
 * reminder_repo.h - reminders in PostgreSQL. Functions that change what
 * should fire return the (id, version, time) of each affected reminder so
 * the caller can queue the matching job command in the same transaction.
 * Every statement is filtered by user where a user is given.
 */
#ifndef TODOD_STORE_REMINDER_REPO_H
#define TODOD_STORE_REMINDER_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/reminder.h"

/* What a job command needs to know of a reminder. */
struct reminder_slot {
	int64_t id;
	int version;
	char reminder_time[TIME_TEXT_MAX];
};

/* reminder_repo_insert - a pending reminder for @task_id (already checked to be
 * the user's); @offset_seconds < 0 means absolute at @remind_at. */
int reminder_repo_insert(const char *user_id, int64_t task_id, const char *remind_at, int offset_seconds,
		    const char *task_due, struct reminder *out, struct err *e);

/* reminder_repo_cancel_task - cancel every pending reminder of @task_id. */
int reminder_repo_cancel_task(int64_t task_id, struct reminder_slot **out, size_t *n, struct err *e);

/* reminder_repo_cancel - cancel one pending reminder of the user; TODO_ENOTFOUND
 * when there is none with that id, TODO_ECONFLICT when it is not pending. */
int reminder_repo_cancel(const char *user_id, int64_t id, struct reminder *out, struct err *e);

/* reminder_repo_follow_due - move the pending relative reminders of @task_id to
 * @due minus their offset (all cancelled if @due is NULL). */
int reminder_repo_follow_due(int64_t task_id, const char *due, struct reminder_slot **moved, size_t *nmoved,
			struct reminder_slot **cancelled, size_t *ncancelled, struct err *e);

/* reminder_repo_copy_relative - give task @to_id (due @due) the relative
 * reminders of @from_id, pending again. */
int reminder_repo_copy_relative(int64_t from_id, int64_t to_id, const char *due,
			   struct reminder_slot **out, size_t *n, struct err *e);

/* reminder_repo_list - the user's reminders, latest time first; @status NULL for all. */
int reminder_repo_list(const char *user_id, const char *status, int limit, struct reminder **out,
		  size_t *n, struct err *e);

/* reminder_repo_fire - if reminder @id is pending at @version, mark it sent
 * (late when @late) and fill @out; *@fired tells whether it did. Locks the
 * row: run inside a transaction. */
int reminder_repo_fire(int64_t id, int version, bool late, struct reminder *out, bool *fired, struct err *e);

/* reminder_repo_overdue - pending reminders whose time passed more than
 * @grace_seconds ago (their job was lost), at most @limit. */
int reminder_repo_overdue(int grace_seconds, int limit, struct reminder_slot **out, size_t *n, struct err *e);

/* reminder_repo_pending_future - every pending reminder still to come. */
int reminder_repo_pending_future(struct reminder_slot **out, size_t *n, struct err *e);

#endif
