/*
 * config.h - configuration from environment variables, with defaults.
 * `todod --help` prints the table below (config_usage).
 */
#ifndef TODOD_CONFIG_H
#define TODOD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

struct config {
	char listen_addr[128];        /* TODOD_APP_ADDRESS ":" TODOD_APP_PORT */
	char dapr_addr[128];
	const char *http_address;     /* TODOD_HTTP_ADDRESS */
	int http_port;                /* TODOD_HTTP_PORT (0: any free port, -1: off) */          /* TODOD_DAPR_ADDRESS or 127.0.0.1:$DAPR_GRPC_PORT */
	const char *dapr_api_token;   /* DAPR_API_TOKEN (app -> daprd) */
	const char *app_api_token;    /* APP_API_TOKEN (daprd -> app) */
	const char *database_url;     /* TODOD_DATABASE_URL, or NULL: read from the secret store */
	const char *secret_store;     /* TODOD_SECRET_STORE */
	const char *database_secret;  /* TODOD_DATABASE_SECRET_KEY */
	const char *jwt_secret_key;   /* TODOD_JWT_SECRET_KEY */
	const char *jwt_secret_env;   /* TODOD_JWT_SECRET (development fallback) */
	const char *pubsub_name;      /* TODOD_PUBSUB */
	const char *migrations_dir;   /* TODOD_MIGRATIONS_DIR */
	int workers;                  /* TODOD_WORKERS */
	int queue_max;                /* TODOD_QUEUE_MAX */
	int rate_limit_rps;           /* TODOD_RATE_LIMIT_RPS (0: off) */
	int rate_limit_burst;         /* TODOD_RATE_LIMIT_BURST */
	int max_event_lag_ms;         /* TODOD_MAX_EVENT_LAG_MS (0: off) */
	int health_interval_ms;       /* TODOD_HEALTH_INTERVAL_MS */
	size_t max_message_bytes;     /* TODOD_MAX_MESSAGE_BYTES */
	size_t max_body_bytes;        /* TODOD_MAX_BODY_BYTES */
	int log_level;                /* TODOD_LOG_LEVEL */
	int shutdown_grace_ms;        /* TODOD_SHUTDOWN_GRACE_MS */
	int startup_timeout_ms;       /* TODOD_STARTUP_TIMEOUT_MS */
	bool diagnostics;             /* TODOD_DIAGNOSTICS */
	bool metrics;                 /* TODOD_METRICS (0: no metric updates) */
	int relay_batch;              /* TODOD_RELAY_BATCH */
	int relay_poll_ms;            /* TODOD_RELAY_POLL_MS */
	int relay_parallel;           /* TODOD_RELAY_PARALLEL */
	int reconcile_interval_ms;    /* TODOD_RECONCILE_INTERVAL_MS */
	int reminder_grace_s;         /* TODOD_REMINDER_GRACE_S */
	/* Real-time sync (README "Real-time sync"). */
	const char *broadcast_pubsub; /* TODOD_BROADCAST_PUBSUB */
	const char *state_store;      /* TODOD_STATE_STORE */
	char realtime_url[256];       /* TODOD_REALTIME_PUBLIC_URL */
	int ticket_ttl_s;             /* TODOD_TICKET_TTL_S */
	int rt_max_connections;       /* TODOD_RT_MAX_CONNECTIONS */
	int rt_max_per_user;          /* TODOD_RT_MAX_PER_USER */
	int rt_queue_max;             /* TODOD_RT_QUEUE_MAX */
	int rt_ping_s;                /* TODOD_RT_PING_S */
	long feed_retention_s;        /* TODOD_FEED_RETENTION_S (0: no age bound) */
	long feed_retention_count;    /* TODOD_FEED_RETENTION_COUNT (0: no count bound) */
};

/* config_load - fill @c from the environment (values point into environ).
 * Returns 0 or TODO_EINVAL naming the variable in @e. */
int config_load(struct config *c, struct err *e);

/* config_usage - the help text: every variable, its default and meaning. */
void config_usage(FILE *out);

#endif
