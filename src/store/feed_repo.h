/*
 * feed_repo.h - the real-time change feed (migration 0007).
 *
 * Invariants: every user has a gap-free sequence of cursors 1, 2, 3, ...;
 * feed_repo_next_cursor takes the next one inside the caller's transaction
 * (the head row stays locked until commit, so cursor order is commit order
 * per user). A row is written in the same transaction as the outbox rows of
 * its change. Rows are removed only by feed_repo_prune, oldest first, so
 * the kept rows of a user are always one contiguous run ending at the head.
 */
#ifndef TODOD_STORE_FEED_REPO_H
#define TODOD_STORE_FEED_REPO_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* feed_repo_next_cursor - advance @user_id's head (creating it at 1) and
 * store the new cursor in *@cursor. Inside the caller's transaction. */
int feed_repo_next_cursor(const char *user_id, int64_t *cursor, struct err *e);

/* feed_repo_insert - append one row. @tags_json is a JSON array of strings
 * (the task's tags, for narrowing), @payload the client frame (JSON). */
int feed_repo_insert(const char *user_id, int64_t cursor, const char *event_type, int64_t task_id,
		     const char *tags_json, const char *occurred_at, const char *payload,
		     struct err *e);

/* feed_repo_bounds - @user_id's head cursor (0: never changed anything) and
 * the oldest kept cursor (0: no rows kept). */
int feed_repo_bounds(const char *user_id, int64_t *head, int64_t *oldest, struct err *e);

struct feed_row {
	int64_t cursor;
	int64_t task_id;
	char *tags_json;      /* malloc'd JSON array of strings */
	char *payload;        /* malloc'd frame */
};

/* feed_repo_read - up to @limit rows of @user_id with cursor > @after, in
 * cursor order; *@rows is malloc'd (free with feed_repo_rows_free). */
int feed_repo_read(const char *user_id, int64_t after, int limit, struct feed_row **rows, size_t *n,
		   struct err *e);
void feed_repo_rows_free(struct feed_row *rows, size_t n);

/* feed_repo_prune - delete rows older than @max_age_s seconds and rows more
 * than @keep behind their user's head (at most @limit rows per call; 0 in
 * either bound: that bound is off). *@deleted: rows removed. */
int feed_repo_prune(int64_t max_age_s, int64_t keep, int limit, int64_t *deleted, struct err *e);

#endif
