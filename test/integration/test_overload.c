/*
 * Integration: how todod behaves under overload, with the real binary over
 * gRPC against a real PostgreSQL (no daprd: the relay cannot publish).
 *
 *  - HealthCheck is answered at once while every worker is blocked and the
 *    work queue is full; a call beyond the queue is refused at once with
 *    RESOURCE_EXHAUSTED (HTTP 429 through daprd), and the queued calls
 *    complete once the workers are free again.
 *  - The per-user rate limit refuses a user's requests past the bucket with
 *    RESOURCE_EXHAUSTED naming the limit, and other users are unaffected.
 *  - While the oldest unpublished event is older than the lag limit, writes
 *    are refused with RESOURCE_EXHAUSTED and change nothing; reads go on.
 *
 * Workers are blocked by holding a lock on the tasks table from the test's
 * own connection: a list query waits for it for as long as the test wants.
 * Needs TODOD_TEST_DATABASE_URL (a database the suite may migrate) and the
 * todod binary (TODOD_TEST_BIN, set by meson).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <libpq-fe.h>

#include "auth/jwt.h"
#include "harness.h"
#include "http/http.h"
#include "rpc/rpc.h"

#define TEST_KEY "todod-integration-test-hs256-key-0123456789"
#define READY_TIMEOUT_MS 30000

static const char *todod_bin;
static char db_kv[1024];
static char dapr_port_kv[64];
static const char *db_url;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *bearer_for(const char *user)
{
	char *tok = auth_mint_token(user, (const uint8_t *)TEST_KEY, strlen(TEST_KEY), time(NULL), 3600);
	assert_non_null(tok);
	size_t n = strlen(tok) + 8;
	char *b = malloc(n);
	snprintf(b, n, "Bearer %s", tok);
	free(tok);
	return b;
}

/* Start todod with the suite's environment plus @extra ("K=V", NULL-terminated). */
static void start(struct harness_todod *t, const char *const *extra)
{
	const char *env[16];
	int n = 0;
	env[n++] = db_kv;
	env[n++] = "TODOD_JWT_SECRET=" TEST_KEY;
	env[n++] = dapr_port_kv;
	env[n++] = "TODOD_LOG_LEVEL=warn";
	for (; extra && *extra && n < 15; extra++)
		env[n++] = *extra;
	env[n] = NULL;
	assert_int_equal(harness_start(t, todod_bin, env), 0);
	char why[512];
	if (harness_wait_healthy(t, READY_TIMEOUT_MS, why, sizeof(why)) != 0) {
		harness_kill(t);
		fail_msg("todod did not become healthy: %s", why);
	}
}

static void stop(struct harness_todod *t)
{
	int st = 0;
	if (harness_stop(t, SIGTERM, 10000, &st) != 0) {
		harness_kill(t);
		fail_msg("todod did not exit within 10 s of SIGTERM");
	}
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* One call from a thread of its own. */
struct bg_call {
	pthread_t th;
	struct harness_todod *t;
	const char *path;
	const char *auth;
	int status;
	char *msg;             /* status message, malloc'd */
	int64_t done_ms;
};

static void *bg_main(void *arg)
{
	struct bg_call *c = arg;
	struct harness_reply r;
	c->status = harness_invoke(c->t, HTTP_GET, c->path, "", NULL, 0, c->auth, NULL, 0, &r);
	c->msg = strdup(r.msg ? r.msg : "");
	__atomic_store_n(&c->done_ms, now_ms(), __ATOMIC_RELEASE);
	harness_reply_release(&r);
	return NULL;
}

static PGconn *db_connect(void)
{
	PGconn *c = PQconnectdb(db_url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("could not connect to %s: %s", db_url, PQerrorMessage(c));
	return c;
}

static void db_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
}

/* Wait until @n backends wait on a lock (our blocked workers), or fail. */
static struct bg_call *debug_calls;

static void wait_lock_waiters(int n)
{
	/* A connection of its own: inside the locking transaction
	 * pg_stat_activity would show one frozen snapshot. */
	PGconn *c = db_connect();
	int64_t deadline = now_ms() + 10000;
	for (;;) {
		PGresult *r = PQexec(c, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
		int got = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
		if (got >= n) {
			PQfinish(c);
			return;
		}
		if (now_ms() > deadline) {
			for (int i = 0; debug_calls && i < n; i++)
				fprintf(stderr, "# call %d: status %d done %lld\n", i, debug_calls[i].status,
					(long long)debug_calls[i].done_ms);
			fail_msg("%d requests waiting on the lock after 10 s, want %d", got, n);
		}
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static void test_health_and_shedding_while_workers_are_blocked(void **state)
{
	(void)state;
	static const char *const extra[] = { "TODOD_WORKERS=2", "TODOD_QUEUE_MAX=2", NULL };
	struct harness_todod t;
	start(&t, extra);
	char *auth = bearer_for("olga");

	PGconn *lock = db_connect();
	db_exec(lock, "BEGIN");
	db_exec(lock, "LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE");

	/* Two calls hold both workers; of four more, two fill the queue and
	 * two are shed at once, whatever order they arrive in. */
	enum { N = 6 };
	struct bg_call calls[N];
	debug_calls = calls;
	for (int i = 0; i < N; i++) {
		calls[i] = (struct bg_call){ .t = &t, .path = "api/olga/tasks", .auth = auth };
		assert_int_equal(pthread_create(&calls[i].th, NULL, bg_main, &calls[i]), 0);
		if (i == 1)
			wait_lock_waiters(2);
	}
	int64_t deadline = now_ms() + 10000;
	for (;;) {
		int shed = 0;
		for (int i = 0; i < N; i++)
			shed += __atomic_load_n(&calls[i].done_ms, __ATOMIC_ACQUIRE) != 0;
		if (shed >= 2)
			break;
		if (now_ms() > deadline)
			fail_msg("%d calls answered within 10 s while the workers were blocked, want 2", shed);
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}

	/* Health is answered at once, from the poller, while the workers wait. */
	for (int i = 0; i < 5; i++) {
		int64_t t0 = now_ms();
		char *msg = NULL;
		int st = harness_health(&t, &msg);
		int64_t dt = now_ms() - t0;
		if (st != RPC_OK || dt > 500)
			fail_msg("HealthCheck answered %s \"%s\" in %lld ms while workers were blocked",
				 rpc_code_name(st), msg ? msg : "", (long long)dt);
		free(msg);
	}

	db_exec(lock, "COMMIT");
	PQfinish(lock);
	int ok = 0, shed = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(calls[i].th, NULL);
		if (calls[i].status == RPC_OK) {
			ok++;
		} else if (calls[i].status == RPC_RESOURCE_EXHAUSTED) {
			shed++;
			if (!strstr(calls[i].msg, "overloaded") || !strstr(calls[i].msg, "retry"))
				fail_msg("shed message \"%s\" does not say overloaded/retry", calls[i].msg);
		} else {
			fail_msg("call %d ended %s, want OK or RESOURCE_EXHAUSTED", i,
				 rpc_code_name(calls[i].status));
		}
		free(calls[i].msg);
	}
	debug_calls = NULL;
	assert_int_equal(ok, 4);
	assert_int_equal(shed, 2);
	free(auth);
	stop(&t);
}

static void test_per_user_rate_limit(void **state)
{
	(void)state;
	static const char *const extra[] = { "TODOD_RATE_LIMIT_RPS=1", "TODOD_RATE_LIMIT_BURST=3", NULL };
	struct harness_todod t;
	start(&t, extra);
	char *pia = bearer_for("pia"), *quinn = bearer_for("quinn");
	struct harness_reply r;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(harness_invoke(&t, HTTP_GET, "api/pia/tasks", "", NULL, 0, pia, NULL, 0, &r),
				 RPC_OK);
		harness_reply_release(&r);
	}
	assert_int_equal(harness_invoke(&t, HTTP_GET, "api/pia/tasks", "", NULL, 0, pia, NULL, 0, &r),
			 RPC_RESOURCE_EXHAUSTED);
	if (!strstr(r.msg, "rate limit") || !strstr(r.msg, "1 requests per second") ||
	    !strstr(r.msg, "retry in"))
		fail_msg("rate-limit message \"%s\" does not name the limit", r.msg);
	harness_reply_release(&r);
	/* A refused create changes nothing. */
	const char *body = "{\"title\":\"x\"}";
	assert_int_equal(harness_invoke(&t, HTTP_POST, "api/pia/tasks", "", body, strlen(body), pia,
					NULL, 0, &r), RPC_RESOURCE_EXHAUSTED);
	harness_reply_release(&r);
	/* Another user has a bucket of its own. */
	assert_int_equal(harness_invoke(&t, HTTP_GET, "api/quinn/tasks", "", NULL, 0, quinn, NULL, 0, &r),
			 RPC_OK);
	harness_reply_release(&r);
	/* The bucket refills: one token a second. */
	int64_t deadline = now_ms() + 5000;
	int st;
	do {
		st = harness_invoke(&t, HTTP_GET, "api/pia/tasks", "", NULL, 0, pia, NULL, 0, &r);
		assert_true(st == RPC_OK || st == RPC_RESOURCE_EXHAUSTED);
		assert_true(r.json || st != RPC_OK);
		if (st == RPC_OK)
			assert_int_equal(json_integer_value(json_object_get(r.json, "count")), 0);
		harness_reply_release(&r);
		if (st != RPC_OK) {
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
		}
	} while (st != RPC_OK && now_ms() < deadline);
	assert_int_equal(st, RPC_OK);
	free(pia);
	free(quinn);
	stop(&t);
}

static void test_writes_paused_while_events_lag(void **state)
{
	(void)state;
	/* No daprd: nothing is ever published, so the lag only grows. */
	static const char *const extra[] = { "TODOD_MAX_EVENT_LAG_MS=300", NULL };
	struct harness_todod t;
	start(&t, extra);
	char *auth = bearer_for("rosa");
	struct harness_reply r;
	const char *body = "{\"title\":\"first\"}";
	int st = harness_invoke(&t, HTTP_POST, "api/rosa/tasks", "", body, strlen(body), auth, NULL, 0, &r);
	/* An earlier test may have left unpublished rows: the pause may already hold. */
	assert_true(st == RPC_OK || st == RPC_RESOURCE_EXHAUSTED);
	harness_reply_release(&r);
	int64_t deadline = now_ms() + 10000;
	const char *b2 = "{\"title\":\"second\"}";
	for (;;) {
		st = harness_invoke(&t, HTTP_POST, "api/rosa/tasks", "", b2, strlen(b2), auth, NULL, 0, &r);
		if (st == RPC_RESOURCE_EXHAUSTED)
			break;
		assert_int_equal(st, RPC_OK);
		harness_reply_release(&r);
		if (now_ms() > deadline)
			fail_msg("writes were never paused although no event can be published");
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (!strstr(r.msg, "writes are paused") || !strstr(r.msg, "300 ms"))
		fail_msg("lag message \"%s\" does not name the limit", r.msg);
	harness_reply_release(&r);
	/* Reads go on, and the refused write changed nothing. */
	PGconn *c = db_connect();
	PGresult *res = PQexec(c, "SELECT count(*) FROM tasks WHERE user_id = 'rosa'");
	int before = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	assert_int_equal(harness_invoke(&t, HTTP_POST, "api/rosa/tasks", "", b2, strlen(b2), auth, NULL, 0, &r),
			 RPC_RESOURCE_EXHAUSTED);
	harness_reply_release(&r);
	assert_int_equal(harness_invoke(&t, HTTP_GET, "api/rosa/tasks", "", NULL, 0, auth, NULL, 0, &r), RPC_OK);
	assert_int_equal(json_integer_value(json_object_get(r.json, "count")), before);
	harness_reply_release(&r);
	res = PQexec(c, "SELECT count(*) FROM tasks WHERE user_id = 'rosa'");
	assert_int_equal(atoi(PQgetvalue(res, 0, 0)), before);
	PQclear(res);
	/* Leave no backlog behind for later suites. */
	db_exec(c, "DELETE FROM outbox");
	PQfinish(c);
	free(auth);
	stop(&t);
}

static int group_setup(void **state)
{
	(void)state;
	todod_bin = getenv("TODOD_TEST_BIN");
	db_url = getenv("TODOD_TEST_DATABASE_URL");
	if (!todod_bin || !db_url) {
		fprintf(stderr, "# TODOD_TEST_BIN and TODOD_TEST_DATABASE_URL are required\n");
		return -1;
	}
	snprintf(db_kv, sizeof(db_kv), "TODOD_DATABASE_URL=%s", db_url);
	rpc_init();
	int dport = harness_free_port();   /* nothing listens there: no daprd */
	if (dport < 0)
		return -1;
	snprintf(dapr_port_kv, sizeof(dapr_port_kv), "DAPR_GRPC_PORT=%d", dport);
	const char *argv[] = { todod_bin, "migrate", "up", NULL };
	const char *env[] = { db_kv, "TODOD_JWT_SECRET=" TEST_KEY, dapr_port_kv, NULL };
	int st = 0;
	if (harness_run(todod_bin, argv, env, 60000, &st) != 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "# todod migrate up failed\n");
		return -1;
	}
	PGconn *c = PQconnectdb(db_url);
	if (PQstatus(c) != CONNECTION_OK)
		return -1;
	PGresult *r = PQexec(c, "DELETE FROM outbox");
	PQclear(r);
	PQfinish(c);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	rpc_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_and_shedding_while_workers_are_blocked),
		cmocka_unit_test(test_per_user_rate_limit),
		cmocka_unit_test(test_writes_paused_while_events_lag),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
