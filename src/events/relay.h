/*
 * relay.h - the outbox relay: a background thread that publishes outbox
 * rows through the Dapr API and deletes them once daprd accepted them.
 *
 * At-least-once: a row is deleted only after a successful publish, in the
 * same transaction that claimed it; a crash anywhere before that commit
 * leaves the row to be published again (consumers drop duplicates by event
 * id). While daprd or the broker is down the rows stay, with a growing
 * back-off, and the API keeps answering: writers never wait for the relay.
 * Safe with several replicas (rows are claimed FOR UPDATE SKIP LOCKED).
 * A commit in this process nudges the relay; rows of other replicas are
 * found by polling every idle_poll_ms.
 */
#ifndef TODOD_EVENTS_RELAY_H
#define TODOD_EVENTS_RELAY_H

#include <stdint.h>

#include "base/err.h"

struct dapr_client;

/* relay_command_fn - run one row of a command topic (a topic whose name
 * starts with '@', such as "@jobs") with @ctx, the relay_opts' command_ctx.
 * Returns 0 when the command is done (the row is deleted) or an error to
 * try it again later. The relay's owner supplies it, so the relay knows
 * nothing of what the commands mean. */
typedef int (*relay_command_fn)(void *ctx, const char *topic, const char *payload,
				 struct err *e);

struct relay_opts {
	struct dapr_client *dapr;
	const char *pubsub;       /* Dapr pub/sub component */
	relay_command_fn run_command;   /* NULL: command rows are deferred */
	void *command_ctx;
	int batch;                /* rows claimed per round */
	int parallel;             /* bulk publish calls of a round in flight at once (1: one by one) */
	int idle_poll_ms;         /* poll interval when there is nothing to do */
};

struct relay_stats {
	uint64_t published;       /* rows published since start */
	uint64_t failed;          /* rows deferred after a failed attempt */
	uint64_t rounds;
};

/* relay_metrics_define - declare the relay's metrics: outbox backlog,
 * oldest age and projected lag (gauges, refreshed while the relay runs),
 * rows published and failed by topic, rounds, batch size and round time. */
void relay_metrics_define(void);

/* relay_start - start the relay thread (one per process). */
int relay_start(const struct relay_opts *opts);

/* relay_stop - finish the current round and join the thread. */
void relay_stop(void);

/* relay_nudge - wake the relay now (cheap; safe to call when not started). */
void relay_nudge(void);

/* relay_lag_ms - the event lag as the relay last measured it (every 100 ms
 * while it runs; 0 before it started): the age of the oldest outbox row
 * waiting to be published, or, when longer, the time the relay needs to
 * publish the whole backlog at the rate it has been achieving. The API refuses writes while it is over TODOD_MAX_EVENT_LAG_MS. */
int64_t relay_lag_ms(void);

/* relay_get_stats - counters of this process's relay. */
void relay_get_stats(struct relay_stats *out);

#endif
