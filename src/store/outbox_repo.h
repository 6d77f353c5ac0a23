/*
 * outbox_repo.h - the transactional outbox table.
 *
 * Writers call outbox_repo_insert inside the transaction of the change (see
 * db_tx_begin), so an event exists if and only if its change committed.
 * The relay claims rows inside its own transaction: only the oldest row of
 * each (topic, partition_key) is claimable, and claimed rows are locked
 * (FOR UPDATE SKIP LOCKED), so several relays never publish the same row at
 * once and never reorder one task's events.
 */
#ifndef TODOD_STORE_OUTBOX_REPO_H
#define TODOD_STORE_OUTBOX_REPO_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct outbox_row {
	int64_t id;
	char event_id[40];
	char *event_type;     /* malloc'd */
	char *topic;          /* malloc'd */
	char *partition_key;  /* malloc'd */
	char *payload;        /* malloc'd JSON */
	int attempts;
	char traceparent[56]; /* the writer's trace context ("" if none; base/trace.h) */
	char *tracestate;     /* malloc'd, or NULL */
};

/* outbox_repo_insert - one row, stamped with the calling thread's trace
 * context (trace_parent/trace_state, NULL columns when there is none), so
 * the relay publishes it inside the trace of the change that wrote it. */
int outbox_repo_insert(const char *event_id, const char *event_type, const char *topic,
		  const char *partition_key, const char *payload, struct err *e);

/* outbox_repo_claim - lock up to @limit publishable rows (in id order) in the
 * current transaction; *@rows is malloc'd (free with outbox_repo_rows_free). */
int outbox_repo_claim(int limit, struct outbox_row **rows, size_t *n, struct err *e);
void outbox_repo_rows_free(struct outbox_row *rows, size_t n);

/* outbox_repo_delete - remove published rows. */
int outbox_repo_delete(const int64_t *ids, size_t n, struct err *e);

/* outbox_repo_defer - count a failed attempt and hold the rows back by a
 * back-off that grows with their attempts (100 ms doubling, at most 5 s). */
int outbox_repo_defer(const int64_t *ids, size_t n, const char *error, struct err *e);

/* outbox_repo_analyze - refresh the planner statistics of the outbox (ANALYZE),
 * outside a transaction. */
int outbox_repo_analyze(struct err *e);

/* outbox_repo_oldest_age - the age in ms of the oldest row waiting (0 if none);
 * cheap at any backlog, unlike outbox_repo_backlog's count. */
int outbox_repo_oldest_age(int64_t *age_ms, struct err *e);

/* outbox_repo_backlog - rows waiting, and the age of the oldest in ms (0 if none). */
int outbox_repo_backlog(int64_t *count, int64_t *oldest_age_ms, struct err *e);

#endif
