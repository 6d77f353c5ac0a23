/*
 * Integration: todod's own HTTP port (src/realtime/gateway.c) with the real
 * binary against a real PostgreSQL (no daprd).
 *
 *  - /livez answers 200 while the process runs;
 *  - /readyz is 503 naming what is missing until daprd has asked for the
 *    subscriptions, then 200;
 *  - /metrics is Prometheus text whose request counter moves by exactly the
 *    requests made (N 404s on the not-found series) and which names no
 *    user id or raw path;
 *  - anything else is a 404, a POST a 405.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth/jwt.h"
#include "dapr/proto/runtime/v1/appcallback.pb-c.h"
#include "harness.h"
#include "http/http.h"
#include "rpc/rpc.h"

#define TEST_KEY "todod-integration-test-hs256-key-0123456789"

static const char *todod_bin;
static char db_kv[1024], dapr_port_kv[64], http_kv[64];
static int http_port;
static struct harness_todod srv;

/* One HTTP/1.1 request on a fresh connection; returns the status and
 * stores the body (malloc'd) in *@body. */
static int http(const char *verb, const char *path, char **body)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)http_port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		fail_msg("connect to 127.0.0.1:%d failed", http_port);
	char req[512];
	int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n",
			 verb, path, strcmp(verb, "POST") == 0 ? "Content-Length: 0\r\n" : "");
	assert_int_equal(write(fd, req, (size_t)n), n);
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	close(fd);
	buf[len] = '\0';
	int status = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		fail_msg("no HTTP status line in \"%.100s\"", buf);
	char *b = strstr(buf, "\r\n\r\n");
	*body = strdup(b ? b + 4 : "");
	free(buf);
	return status;
}

/* The value of the sample line that starts with @series (name and labels). */
static double sample(const char *metrics, const char *series)
{
	size_t n = strlen(series);
	for (const char *l = metrics; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, series, n) == 0 && l[n] == ' ')
			return strtod(l + n + 1, NULL);
	return 0;
}

static void test_livez_and_unknown_paths(void **state)
{
	(void)state;
	char *body;
	assert_int_equal(http("GET", "/livez", &body), 200);
	assert_string_equal(body, "ok\n");
	free(body);
	assert_int_equal(http("GET", "/nope", &body), 404);
	assert_non_null(strstr(body, "/metrics"));
	free(body);
	assert_int_equal(http("POST", "/livez", &body), 405);
	free(body);
}

static void test_readyz_waits_for_the_subscriptions(void **state)
{
	(void)state;
	char *body;
	assert_int_equal(http("GET", "/readyz", &body), 503);
	assert_non_null(strstr(body, "subscriptions"));
	assert_null(strstr(body, "database"));
	free(body);
	/* daprd asks for them once it sees the app: do as it does. */
	uint8_t empty = 0;
	struct rpc_reply reply;
	int st = rpc_client_call(srv.client, "/dapr.proto.runtime.v1.AppCallback/ListTopicSubscriptions",
				 NULL, 0, &empty, 0, 10000, &reply);
	rpc_reply_release(&reply);
	assert_int_equal(st, RPC_OK);
	assert_int_equal(http("GET", "/readyz", &body), 200);
	assert_string_equal(body, "ok\n");
	free(body);
}

static void test_metrics_count_requests_by_route_template(void **state)
{
	(void)state;
	const char *nf = "todod_http_requests_total{route=\"-\",method=\"GET\",status=\"404\"}";
	const char *ok = "todod_http_requests_total{route=\"api/{user_id}/tasks\",method=\"GET\",status=\"200\"}";
	char *before;
	assert_int_equal(http("GET", "/metrics", &before), 200);
	char *tok = auth_mint_token("uma", (const uint8_t *)TEST_KEY, strlen(TEST_KEY), time(NULL), 600);
	char auth[1024];
	snprintf(auth, sizeof(auth), "Bearer %s", tok);
	free(tok);
	struct harness_reply r;
	for (int i = 0; i < 7; i++) {
		assert_int_equal(harness_invoke(&srv, HTTP_GET, "api/uma/nothing-here", "", NULL, 0, auth,
						NULL, 0, &r), RPC_NOT_FOUND);
		harness_reply_release(&r);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(harness_invoke(&srv, HTTP_GET, "api/uma/tasks", "", NULL, 0, auth, NULL, 0, &r),
				 RPC_OK);
		harness_reply_release(&r);
	}
	char *after;
	assert_int_equal(http("GET", "/metrics", &after), 200);
	assert_true(sample(after, nf) - sample(before, nf) == 7);
	assert_true(sample(after, ok) - sample(before, ok) == 3);
	assert_non_null(strstr(after, "# TYPE todod_http_request_duration_seconds histogram\n"));
	assert_non_null(strstr(after, "todod_work_queue_capacity "));
	assert_non_null(strstr(after, "process_resident_memory_bytes "));
	assert_true(sample(after, "todod_database_up") == 1);
	/* Bounded labels: no user id, no raw path. */
	assert_null(strstr(after, "uma"));
	assert_null(strstr(after, "nothing-here"));
	free(before);
	free(after);
}

static int group_setup(void **state)
{
	(void)state;
	todod_bin = getenv("TODOD_TEST_BIN");
	const char *db = getenv("TODOD_TEST_DATABASE_URL");
	if (!todod_bin || !db)
		return -1;
	rpc_init();
	snprintf(db_kv, sizeof(db_kv), "TODOD_DATABASE_URL=%s", db);
	snprintf(dapr_port_kv, sizeof(dapr_port_kv), "DAPR_GRPC_PORT=%d", harness_free_port());
	http_port = harness_free_port();
	snprintf(http_kv, sizeof(http_kv), "TODOD_HTTP_PORT=%d", http_port);
	const char *argv[] = { todod_bin, "migrate", "up", NULL };
	const char *menv[] = { db_kv, "TODOD_JWT_SECRET=" TEST_KEY, dapr_port_kv, NULL };
	int st = 0;
	if (harness_run(todod_bin, argv, menv, 60000, &st) != 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	const char *env[] = { db_kv, "TODOD_JWT_SECRET=" TEST_KEY, dapr_port_kv, http_kv,
			      "TODOD_LOG_LEVEL=warn", NULL };
	if (harness_start(&srv, todod_bin, env) != 0)
		return -1;
	char why[256];
	if (harness_wait_healthy(&srv, 30000, why, sizeof(why)) != 0) {
		fprintf(stderr, "# todod not healthy: %s\n", why);
		harness_kill(&srv);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int st = 0;
	if (harness_stop(&srv, SIGTERM, 10000, &st) != 0)
		harness_kill(&srv);
	rpc_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_livez_and_unknown_paths),
		cmocka_unit_test(test_readyz_waits_for_the_subscriptions),
		cmocka_unit_test(test_metrics_count_requests_by_route_template),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
