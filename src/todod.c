/*
 * todod.c - commands (serve, migrate, token) and the serve start-up order:
 *   1. configuration, logging, signals blocked in every thread;
 *   2. the gRPC app server (daprd may wait for the app port before it
 *      finishes its own start-up, so we listen first and answer
 *      UNAVAILABLE until ready);
 *   3. secrets through daprd (JWT key, database URL), retried until
 *      TODOD_STARTUP_TIMEOUT_MS;
 *   4. the database, and a check that no migration is pending;
 *   5. ready; wait for SIGTERM/SIGINT; stop in reverse order.
 */
#include "todod.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "auth/jwt.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/ratelimit.h"
#include "base/strbuf.h"
#include "config.h"
#include "callback/appcallback.h"
#include "changes/reminder_changes.h"
#include "consumers/consumer.h"
#include "changes/ticket.h"
#include "dapr/dapr_client.h"
#include "events/relay.h"
#include "api/api.h"
#include "jobs/reminder_jobs.h"
#include "realtime/gateway.h"
#include "realtime/hub.h"
#include "rpc/rpc.h"
#include "service/probe.h"
#include "service/task.h"
#include "store/db.h"
#include "store/migrate.h"
#include "todod_build.h"

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Fetch a secret through daprd, retrying while daprd is not up yet. */
static int fetch_secret(struct dapr_client *dapr, const struct config *cfg, const char *key,
			char **value, struct err *e)
{
	int64_t deadline = mono_ms() + cfg->startup_timeout_ms;
	int64_t next_log = 0;
	for (;;) {
		int rc = dapr_get_secret(dapr, cfg->secret_store, key, value, e);
		if (rc == 0)
			return 0;
		if (rc != TODO_EUNAVAIL && rc != TODO_ETIMEOUT && rc != TODO_EINTERNAL)
			return rc;
		if (mono_ms() >= deadline)
			return rc;
		if (mono_ms() >= next_log) {
			char q[600];
			log_info("waiting for daprd secret store", "store=%s key=%s error=%s",
				 cfg->secret_store, key, log_quote(q, sizeof(q), e->msg));
			next_log = mono_ms() + 5000;
		}
		usleep(200 * 1000);
	}
}

/* The database URL: TODOD_DATABASE_URL, else the secret store. */
static int database_url(struct dapr_client *dapr, const struct config *cfg, char **url, struct err *e)
{
	if (cfg->database_url) {
		*url = xstrdup(cfg->database_url);
		return 0;
	}
	return fetch_secret(dapr, cfg, cfg->database_secret, url, e);
}

/* The HS256 key: TODOD_JWT_SECRET (development), else the secret store. */
static int jwt_key(struct dapr_client *dapr, const struct config *cfg, char **key, struct err *e)
{
	int rc;
	if (cfg->jwt_secret_env) {
		log_warn("using TODOD_JWT_SECRET from the environment (development only)", NULL);
		*key = xstrdup(cfg->jwt_secret_env);
	} else if ((rc = fetch_secret(dapr, cfg, cfg->jwt_secret_key, key, e)) != 0) {
		return rc;
	}
	if (strlen(*key) < AUTH_KEY_MIN_BYTES) {
		free(*key);
		*key = NULL;
		return err_set(e, TODO_EINVAL, cfg->jwt_secret_key,
			       "the JWT key is shorter than %d bytes", AUTH_KEY_MIN_BYTES);
	}
	return 0;
}

/* The health checker: a thread with its own database connection that pings
 * PostgreSQL every TODOD_HEALTH_INTERVAL_MS and records the time of the last
 * success in app->db_ok_ms. HealthCheck only reads that, so daprd's probe is
 * answered at once however busy the workers are, and still tells the truth:
 * a ping that fails or hangs lets the time go stale. */
/* It also re-reads the migration state every SCHEMA_CHECK_EVERY_MS (a
 * rollout may migrate the shared database under a running replica), for
 * /readyz and the metrics: health.pending (-1 until the first check). */
#define SCHEMA_CHECK_EVERY_MS 30000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	pthread_t thread;
	const char *url, *migrations_dir;
	atomic_int pending;
} health = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0, NULL, NULL, -1 };

static void check_schema(void)
{
	struct err e = { 0 };
	int pending = migrate_pending_peek(health.url, health.migrations_dir, &e);
	if (pending < 0) {
		char q[600];
		log_warn("could not check the database schema", "error=%s", log_quote(q, sizeof(q), e.msg));
		return;   /* keep the last answer: the ping reports an unreachable database */
	}
	if (pending != atomic_load(&health.pending) && pending > 0)
		log_warn("database schema is behind: run `todod migrate up`", "pending=%d", pending);
	atomic_store(&health.pending, pending);
}

static void *health_main(void *arg)
{
	struct app *app = arg;
	bool was_ok = true;
	int64_t next_schema = mono_ms() + SCHEMA_CHECK_EVERY_MS;   /* start-up just checked it */
	pthread_mutex_lock(&health.lock);
	while (!health.stop) {
		pthread_mutex_unlock(&health.lock);
		if (mono_ms() >= next_schema) {
			check_schema();
			next_schema = mono_ms() + SCHEMA_CHECK_EVERY_MS;
		}
		struct err e = { 0 };
		bool ok = db_ping(&e) == 0;
		if (ok)
			atomic_store_explicit(&app->db_ok_ms, mono_ms(), memory_order_release);
		if (ok != was_ok) {
			char q[600];
			if (ok)
				log_info("database reachable again", NULL);
			else
				log_warn("database unreachable", "error=%s", log_quote(q, sizeof(q), e.msg));
			was_ok = ok;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		long ms = app->cfg->health_interval_ms;
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&health.lock);
		while (!health.stop && pthread_cond_timedwait(&health.cond, &health.lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&health.lock);
	db_thread_release();
	return NULL;
}

static int health_start(struct app *app)
{
	health.stop = false;
	return pthread_create(&health.thread, NULL, health_main, app) == 0 ? 0 : TODO_EINTERNAL;
}

static void health_stop(void)
{
	pthread_mutex_lock(&health.lock);
	health.stop = true;
	pthread_cond_broadcast(&health.cond);
	pthread_mutex_unlock(&health.lock);
	pthread_join(health.thread, NULL);
}

/* ---- metrics and readiness of the serving process ---- */

struct serve_state {
	struct app *app;
	struct rpc_server *srv;
	double start_time;
};

static void define_metrics(void)
{
	appcallback_metrics_define();
	db_metrics_define();
	api_metrics_define();
	relay_metrics_define();
	consumer_metrics_define();
	reminder_change_metrics_define();
	reminder_jobs_metrics_define();
	hub_metrics_define();
	ticket_metrics_define();
	metrics_define("todod_build_info", METRIC_GAUGE, "Always 1; the version is a label.", NULL, 0);
	metrics_define("todod_up", METRIC_GAUGE, "1 once todod is ready to serve, 0 while it starts.", NULL, 0);
	metrics_define("todod_inflight_requests", METRIC_GAUGE,
		       "gRPC calls accepted and not yet answered (REST, events, jobs, health).", NULL, 0);
	metrics_define("todod_work_queue_depth", METRIC_GAUGE, "Calls waiting for a worker.", NULL, 0);
	metrics_define("todod_work_queue_capacity", METRIC_GAUGE, "TODOD_QUEUE_MAX.", NULL, 0);
	metrics_define("todod_busy_workers", METRIC_GAUGE, "Workers running a handler.", NULL, 0);
	metrics_define("todod_workers", METRIC_GAUGE, "TODOD_WORKERS (one database connection each).", NULL, 0);
	metrics_define("todod_calls_handled_total", METRIC_COUNTER, "gRPC calls answered by a handler.", NULL, 0);
	metrics_define("todod_calls_shed_total", METRIC_COUNTER,
		       "gRPC calls refused at once because the work queue was full (HTTP 429).", NULL, 0);
	metrics_define("todod_database_up", METRIC_GAUGE,
		       "1 while the health checker's database ping succeeds.", NULL, 0);
	metrics_define("todod_schema_migrations_pending", METRIC_GAUGE,
		       "Migrations not applied to the database, as last checked (-1: not checked yet).", NULL, 0);
	metrics_define("todod_subscribed", METRIC_GAUGE,
		       "1 once daprd has asked for todod's topic subscriptions.", NULL, 0);
	metrics_define("process_cpu_seconds_total", METRIC_COUNTER, "User and system CPU time.", NULL, 0);
	metrics_define("process_resident_memory_bytes", METRIC_GAUGE, "Resident set size.", NULL, 0);
	metrics_define("process_open_fds", METRIC_GAUGE, "Open file descriptors.", NULL, 0);
	metrics_define("process_start_time_seconds", METRIC_GAUGE, "Start time, Unix seconds.", NULL, 0);
	char labels[96];
	snprintf(labels, sizeof(labels), "version=\"%s\"", TODOD_VERSION);
	metrics_gauge_set("todod_build_info", labels, 1);
}

static void collect_process(void *ctx)
{
	struct serve_state *st = ctx;
	metrics_gauge_set("process_start_time_seconds", NULL, st->start_time);
	FILE *f = fopen("/proc/self/stat", "r");
	if (f) {
		unsigned long ut = 0, stime = 0;
		/* Fields 14 and 15 (utime, stime, clock ticks); comm (2) may hold spaces. */
		char line[1024];
		if (fgets(line, sizeof(line), f)) {
			char *p = strrchr(line, ')');
			if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stime) == 2)
				metrics_counter_set("process_cpu_seconds_total", NULL,
						    (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK));
		}
		fclose(f);
	}
	f = fopen("/proc/self/statm", "r");
	if (f) {
		unsigned long size, rss;
		if (fscanf(f, "%lu %lu", &size, &rss) == 2)
			metrics_gauge_set("process_resident_memory_bytes", NULL, (double)rss * (double)sysconf(_SC_PAGESIZE));
		fclose(f);
	}
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		int n = 0;
		while (readdir(d))
			n++;
		closedir(d);
		metrics_gauge_set("process_open_fds", NULL, n - 3);   /* ".", "..", and this DIR */
	}
}

/* A counter another module keeps: copied at scrape time. */
static void set_counter(const char *name, double total)
{
	metrics_counter_set(name, NULL, total);
}

static void collect_serving(void *ctx)
{
	struct serve_state *st = ctx;
	struct app *app = st->app;
	metrics_gauge_set("todod_up", NULL, atomic_load(&app->ready) ? 1 : 0);
	int64_t ok = atomic_load(&app->db_ok_ms);
	metrics_gauge_set("todod_database_up", NULL, ok && mono_ms() - ok <= app->db_stale_ms ? 1 : 0);
	if (st->srv) {
		struct rpc_server_stats s;
		rpc_server_stats(st->srv, &s);
		metrics_gauge_set("todod_inflight_requests", NULL, s.inflight);
		metrics_gauge_set("todod_work_queue_depth", NULL, s.queued);
		metrics_gauge_set("todod_busy_workers", NULL, s.busy_workers);
		metrics_gauge_set("todod_work_queue_capacity", NULL, app->cfg->queue_max);
		metrics_gauge_set("todod_workers", NULL, app->cfg->workers);
		set_counter("todod_calls_handled_total", (double)s.handled);
		set_counter("todod_calls_shed_total", (double)s.shed);
	}
	metrics_gauge_set("todod_schema_migrations_pending", NULL, atomic_load(&health.pending));
	metrics_gauge_set("todod_subscribed", NULL, atomic_load(&app->subscribed) ? 1 : 0);
}

/* Readiness for Kubernetes (GET /readyz): started (secrets read, workers
 * up), the database answering, the schema current (no migration pending, as
 * the health checker last saw), and daprd subscribed. */
static void readiness(void *ctx, struct strbuf *why)
{
	struct serve_state *st = ctx;
	struct app *app = st->app;
	if (!atomic_load(&app->ready))
		strbuf_puts(why, "starting: secrets, database schema or workers not ready yet\n");
	int64_t ok = atomic_load(&app->db_ok_ms);
	if (!ok || mono_ms() - ok > app->db_stale_ms)
		strbuf_puts(why, "database: no successful ping recently\n");
	int pending = atomic_load(&health.pending);
	if (pending < 0)
		strbuf_puts(why, "migrations: the database schema has not been checked yet\n");
	else if (pending > 0)
		strbuf_printf(why, "migrations: %d pending (run `todod migrate up`)\n", pending);
	if (!atomic_load(&app->subscribed))
		strbuf_puts(why, "subscriptions: daprd has not asked for them yet\n");
}

static int cmd_serve(const struct config *cfg)
{
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);   /* inherited by every thread */

	struct app app = { .cfg = cfg, .probes = probe_log_new() };
	atomic_init(&app.ready, false);
	atomic_init(&app.db_ok_ms, 0);
	/* Three missed pings, or one that hangs that long, mean "down". */
	app.db_stale_ms = 3 * cfg->health_interval_ms + 1000;
	if (cfg->rate_limit_rps > 0)
		app.limiter = ratelimit_new(cfg->rate_limit_rps, cfg->rate_limit_burst, 100000);
	app.dapr = dapr_client_new(cfg->dapr_addr, cfg->dapr_api_token, cfg->max_message_bytes);

	struct rpc_server_opts opts = {
		.listen_addr = cfg->listen_addr,
		.workers = cfg->workers,
		.queue_max = cfg->queue_max,
		.max_message_bytes = cfg->max_message_bytes,
		.handler = appcallback_handle,
		.handler_ctx = &app,
		.inline_methods = appcallback_inline_methods,
		.thread_exit = db_thread_release,
	};
	struct rpc_server *srv = NULL;
	struct gateway *gw = NULL;
	struct hub *hub = NULL;
	int port = 0;
	int status = 1;
	struct serve_state state = { .app = &app, .start_time = (double)time(NULL) };
	metrics_enable(cfg->metrics);
	define_metrics();
	metrics_collector(collect_process, &state);
	metrics_collector(collect_serving, &state);
	char *key = NULL, *url = NULL;
	struct err e = { 0 };
	if (rpc_server_start(&opts, &srv, &port) != 0) {
		log_error("could not listen", "addr=%s", cfg->listen_addr);
		goto out_free_app;
	}
	state.srv = srv;
	log_info("listening", "addr=%s port=%d workers=%d dapr=%s", cfg->listen_addr, port,
		 cfg->workers, cfg->dapr_addr);
	if (cfg->http_port >= 0) {
		struct gateway_opts gopts = {
			.address = cfg->http_address, .port = cfg->http_port, .ping_s = cfg->rt_ping_s,
			.ready = readiness, .ctx = &state,
		};
		int hport = 0;
		if (gateway_start(&gopts, &gw, &hport) != 0) {
			log_error("could not listen for HTTP", "addr=%s port=%d", cfg->http_address,
				  cfg->http_port);
			goto out_stop_server;
		}
		log_info("http listening", "addr=%s port=%d paths=/livez,/readyz,/metrics,/realtime",
			 cfg->http_address, hport);
	}

	char q[600];
	if (jwt_key(app.dapr, cfg, &key, &e) != 0 || database_url(app.dapr, cfg, &url, &e) != 0) {
		log_error("could not read secrets", "error=%s", log_quote(q, sizeof(q), e.msg));
		goto out_stop_server;
	}
	app.jwt_key = (const uint8_t *)key;
	app.jwt_key_len = strlen(key);
	db_configure(url);

	int64_t deadline = mono_ms() + cfg->startup_timeout_ms;
	int pending;
	while ((pending = migrate_pending(url, cfg->migrations_dir, &e)) == TODO_EUNAVAIL &&
	       mono_ms() < deadline)
		usleep(500 * 1000);
	if (pending < 0) {
		log_error("could not check the database schema", "error=%s",
			  log_quote(q, sizeof(q), e.msg));
		goto out_stop_server;
	}
	if (pending > 0) {
		log_error("database schema is behind: run `todod migrate up`", "pending=%d", pending);
		goto out_stop_server;
	}
	health.url = url;
	health.migrations_dir = cfg->migrations_dir;
	atomic_store(&health.pending, 0);

	if (health_start(&app) != 0) {
		log_error("could not start the health checker", NULL);
		goto out_stop_server;
	}
	struct relay_opts ropts = {
		.dapr = app.dapr, .pubsub = cfg->pubsub_name,
		.run_command = reminder_jobs_run_command, .command_ctx = app.dapr,
		.batch = cfg->relay_batch, .idle_poll_ms = cfg->relay_poll_ms,
		.parallel = cfg->relay_parallel,
	};
	if (relay_start(&ropts) != 0) {
		log_error("could not start the outbox relay", NULL);
		goto out_stop_health;
	}
	if (reminder_reconciler_start(cfg->reconcile_interval_ms, cfg->reminder_grace_s) != 0) {
		log_error("could not start the reminder reconciler", NULL);
		relay_stop();
		goto out_stop_health;
	}
	struct hub_opts hopts = {
		.dapr = app.dapr, .state_store = cfg->state_store,
		.max_connections = cfg->rt_max_connections, .max_per_user = cfg->rt_max_per_user,
		.queue_max = cfg->rt_queue_max, .feed_retention_s = cfg->feed_retention_s,
		.feed_retention_count = cfg->feed_retention_count,
	};
	hub = hub_start(&hopts);
	if (!hub) {
		log_error("could not start the real-time hub", NULL);
		reminder_reconciler_stop();
		relay_stop();
		goto out_stop_health;
	}
	app.realtime = hub;
	if (gw)
		gateway_attach_hub(gw, hub);
	atomic_store_explicit(&app.ready, true, memory_order_release);
	log_info("ready", "version=%s diagnostics=%d", TODOD_VERSION, cfg->diagnostics);

	int sig = 0;
	sigwait(&sigs, &sig);
	log_info("shutting down", "signal=%s inflight=%d", sig == SIGINT ? "SIGINT" : "SIGTERM",
		 rpc_server_inflight(srv));
	status = 0;
	rpc_server_stop(srv, cfg->shutdown_grace_ms);
	srv = NULL;
	reminder_reconciler_stop();
	relay_stop();   /* after the server: in-flight writes may still nudge it */
out_stop_health:
	health_stop();
out_stop_server:
	if (srv)
		rpc_server_stop(srv, cfg->shutdown_grace_ms);
	gateway_stop(gw);   /* closes the WebSockets (1001) before the hub goes */
	hub_stop(hub);
	db_thread_release();
	log_info("stopped", "status=%d", status);
out_free_app:
	free(key);
	free(url);
	dapr_client_free(app.dapr);
	probe_log_free(app.probes);
	ratelimit_free(app.limiter);
	return status;
}

static int cmd_migrate(const struct config *cfg, int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: todod migrate up|down [N]|status\n");
		return 2;
	}
	struct err e = { 0 };
	struct dapr_client *dapr = dapr_client_new(cfg->dapr_addr, cfg->dapr_api_token,
						   cfg->max_message_bytes);
	char *url = NULL;
	int rc = database_url(dapr, cfg, &url, &e);
	dapr_client_free(dapr);
	if (rc) {
		fprintf(stderr, "todod migrate: could not get the database URL: %s\n", e.msg);
		return 1;
	}
	if (strcmp(argv[0], "up") == 0 && argc == 1) {
		rc = migrate_up(url, cfg->migrations_dir, stdout, &e);
	} else if (strcmp(argv[0], "down") == 0 && argc <= 2) {
		char *end = NULL;
		long n = argc == 2 ? strtol(argv[1], &end, 10) : 1;
		if ((argc == 2 && (*end || end == argv[1])) || n < 1 || n > 100000) {
			fprintf(stderr, "todod migrate down: N must be a positive integer, got \"%s\"\n", argv[1]);
			free(url);
			return 2;
		}
		rc = migrate_down(url, cfg->migrations_dir, (int)n, stdout, &e);
	} else if (strcmp(argv[0], "status") == 0 && argc == 1) {
		rc = migrate_status(url, cfg->migrations_dir, stdout, &e);
	} else {
		fprintf(stderr, "usage: todod migrate up|down [N]|status\n");
		free(url);
		return 2;
	}
	free(url);
	if (rc) {
		fprintf(stderr, "todod migrate: %s\n", e.msg);
		return 1;
	}
	return 0;
}

static int cmd_token(const struct config *cfg, int argc, char **argv)
{
	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: todod token SUBJECT [TTL_SECONDS]\n");
		return 2;
	}
	struct err e = { 0 };
	if (user_id_validate(argv[0], &e) != 0) {
		fprintf(stderr, "todod token: %s\n", e.msg);
		return 2;
	}
	long ttl = 3600;
	if (argc == 2) {
		char *end;
		ttl = strtol(argv[1], &end, 10);
		if (*end || ttl <= 0) {
			fprintf(stderr, "todod token: TTL must be a positive number of seconds\n");
			return 2;
		}
	}
	struct dapr_client *dapr = dapr_client_new(cfg->dapr_addr, cfg->dapr_api_token,
						   cfg->max_message_bytes);
	char *key = NULL;
	int rc = jwt_key(dapr, cfg, &key, &e);
	dapr_client_free(dapr);
	if (rc) {
		fprintf(stderr, "todod token: %s\n", e.msg);
		return 1;
	}
	char *tok = auth_mint_token(argv[0], (const uint8_t *)key, strlen(key), time(NULL), ttl);
	free(key);
	if (!tok) {
		fprintf(stderr, "todod token: could not sign the token\n");
		return 1;
	}
	printf("%s\n", tok);
	free(tok);
	return 0;
}

int todod_main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
			 strcmp(argv[1], "help") == 0)) {
		config_usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("todod %s\n", TODOD_VERSION);
		return 0;
	}
	struct config cfg;
	struct err e = { 0 };
	if (config_load(&cfg, &e) != 0) {
		fprintf(stderr, "todod: %s\n", e.msg);
		return 2;
	}
	log_set_level((enum log_level)cfg.log_level);
	rpc_init();
	int status;
	if (argc == 1)
		status = cmd_serve(&cfg);
	else if (strcmp(argv[1], "migrate") == 0)
		status = cmd_migrate(&cfg, argc - 2, argv + 2);
	else if (strcmp(argv[1], "token") == 0)
		status = cmd_token(&cfg, argc - 2, argv + 2);
	else {
		fprintf(stderr, "todod: unknown command \"%s\" (see todod --help)\n", argv[1]);
		status = 2;
	}
	rpc_shutdown();
	return status;
}
