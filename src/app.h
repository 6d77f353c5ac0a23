/*
 * app.h - the process-wide context handed to every handler.
 *
 * main.c starts the gRPC server before it has the secrets (daprd may only
 * finish its start-up once the app port answers), then fills the rest and
 * sets @ready with release semantics. Handlers read @ready with acquire
 * semantics and answer UNAVAILABLE until it is set; after that the context
 * is read-only.
 */
#ifndef TODOD_APP_H
#define TODOD_APP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct dapr_client;
struct hub;
struct probe_log;
struct ratelimit;

struct app {
	atomic_bool ready;
	/* Monotonic ms of the health checker's last successful database ping
	 * (0: none yet). HealthCheck reads it; it never queries the database. */
	atomic_llong db_ok_ms;
	int db_stale_ms;              /* older than this: the database is down */
	atomic_bool subscribed;       /* daprd asked for our subscriptions */
	struct ratelimit *limiter;    /* per-user request buckets, or NULL (off) */
	const struct config *cfg;
	const uint8_t *jwt_key;
	size_t jwt_key_len;
	struct dapr_client *dapr;
	struct probe_log *probes;     /* self-test receipts (diagnostics only) */
	struct hub *realtime;         /* the real-time hub (set before @ready) */
};

#endif
