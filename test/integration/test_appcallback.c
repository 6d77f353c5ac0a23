/*
 * test_appcallback.c - todod's AppCallback over real gRPC against a real
 * PostgreSQL: every REST route through OnInvoke, authentication and
 * authorisation, isolation between users, input validation (and that a
 * rejected request changes nothing), the non-REST AppCallback methods,
 * APP_API_TOKEN, a database restart under a running server, and SIGTERM.
 *
 * Needs TODOD_TEST_DATABASE_URL (a database the suite may wipe) and
 * TODOD_TEST_PG_RESTART (a shell command that restarts that PostgreSQL, run
 * from the source root). Without them the suite fails; it never skips.
 * meson passes TODOD_TEST_BIN (the todod binary) and TODOD_TEST_SOURCE_ROOT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <jansson.h>
#include <jwt.h>
#include <libpq-fe.h>

#include "auth/jwt.h"
#include "dapr/proto/common/v1/common.pb-c.h"
#include "dapr/proto/runtime/v1/appcallback.pb-c.h"
#include "harness.h"
#include "http/http.h"
#include "base/strbuf.h"
#include "rpc/rpc.h"
#include "service/filter.h"
#include "todod_build.h"

#define TEST_KEY "todod-integration-test-hs256-key-0123456789"
#define OTHER_KEY "some-other-hs256-key-that-todod-does-not-know"
#define READY_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 5000
#define PG_RESTART_TIMEOUT_MS 60000
#define MAX_BODY 65536   /* todod's default TODOD_MAX_BODY_BYTES */

#define SVC "/dapr.proto.runtime.v1.AppCallback/"

static const char *todod_bin;
static const char *db_url;
static const char *source_root;
static char db_kv[1024];
static char dapr_port_kv[64];

static struct harness_todod srv;        /* the instance most tests talk to */
static char *auth_alice;                /* "Bearer <token for alice>" */
static char *auth_bob;

/* ---- helpers: environment, processes ---- */

/* The environment of a todod under test; @extra is one more "K=V" or NULL. */
static void server_env(const char *env[8], const char *extra)
{
	int n = 0;
	env[n++] = db_kv;
	env[n++] = "TODOD_JWT_SECRET=" TEST_KEY;
	env[n++] = dapr_port_kv;
	env[n++] = "TODOD_LOG_LEVEL=warn";
	if (extra)
		env[n++] = extra;
	env[n] = NULL;
}

static int migrate(const char *a1, const char *a2)
{
	const char *argv[] = { todod_bin, "migrate", a1, a2, NULL };
	const char *env[8];
	server_env(env, NULL);
	int st = 0;
	if (harness_run(todod_bin, argv, env, 60000, &st) != 0)
		return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "# todod migrate %s %s failed (wait status %d)\n", a1, a2 ? a2 : "", st);
		return -1;
	}
	return 0;
}

/* Start a todod and wait until HealthCheck says OK; fails the test if not. */
static void start_server(struct harness_todod *t, const char *extra_env)
{
	const char *env[8];
	server_env(env, extra_env);
	assert_int_equal(harness_start(t, todod_bin, env), 0);
	char why[512];
	if (harness_wait_healthy(t, READY_TIMEOUT_MS, why, sizeof(why)) != 0) {
		harness_kill(t);
		fail_msg("todod did not become healthy: %s", why);
	}
}

/* SIGTERM and require exit status 0 within STOP_TIMEOUT_MS. */
static void stop_server_cleanly(struct harness_todod *t)
{
	int st = 0;
	if (harness_stop(t, SIGTERM, STOP_TIMEOUT_MS, &st) != 0) {
		harness_kill(t);
		fail_msg("todod did not exit within %d ms of SIGTERM", STOP_TIMEOUT_MS);
	}
	if (!WIFEXITED(st))
		fail_msg("todod ended by signal %d after SIGTERM, want exit status 0", WTERMSIG(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- helpers: tokens ---- */

static char *bearer(char *token)
{
	assert_non_null(token);
	char *s = NULL;
	assert_true(asprintf(&s, "Bearer %s", token) > 0);
	free(token);
	return s;
}

/* A token with any claims and algorithm, signed by libjwt with @key. */
static char *craft(jwt_alg_t alg, const char *key, const char *claims)
{
	jwt_t *jwt = NULL;
	assert_int_equal(jwt_new(&jwt), 0);
	assert_int_equal(jwt_add_grants_json(jwt, claims), 0);
	assert_int_equal(jwt_set_alg(jwt, alg, (const unsigned char *)key,
				     key ? (int)strlen(key) : 0), 0);
	char *tok = jwt_encode_str(jwt);
	jwt_free(jwt);
	assert_non_null(tok);
	return bearer(tok);
}

static char *mint(const char *sub, time_t now, long ttl)
{
	return bearer(auth_mint_token(sub, (const uint8_t *)TEST_KEY, strlen(TEST_KEY), now, ttl));
}

/* ---- helpers: calls ---- */

static const char *verb_name(int verb)
{
	static const char *const names[] = { "NONE", "GET", "HEAD", "POST", "PUT",
		"DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" };
	return verb >= 0 && verb <= HTTP_PATCH ? names[verb] : "?";
}

static int invoke(struct harness_todod *t, int verb, const char *path, const char *query,
		  const char *body, size_t len, const char *auth, struct harness_reply *r)
{
	return harness_invoke(t, verb, path, query, body, len, auth, NULL, 0, r);
}

/* A call that must succeed with a JSON body; returns the JSON (caller decrefs). */
static json_t *call_ok(int verb, const char *path, const char *query, const char *body,
		       const char *auth)
{
	struct harness_reply r;
	invoke(&srv, verb, path, query, body, body ? strlen(body) : 0, auth, &r);
	if (r.status != RPC_OK)
		fail_msg("%s %s?%s: got %s \"%s\", want OK", verb_name(verb), path,
			 query ? query : "", rpc_code_name(r.status), r.msg);
	if (!r.json)
		fail_msg("%s %s: response is not JSON: \"%s\"", verb_name(verb), path,
			 r.body ? r.body : "(no data)");
	assert_non_null(r.content_type);
	assert_string_equal(r.content_type, "application/json");
	json_t *j = json_incref(r.json);
	harness_reply_release(&r);
	return j;
}

/* A call that must fail with @code and a status message containing @want. */
static void call_err_on(struct harness_todod *t, int verb, const char *path, const char *query,
			const char *body, size_t len, const char *auth, int code, const char *want)
{
	struct harness_reply r;
	invoke(t, verb, path, query, body, len, auth, &r);
	if (r.status != code)
		fail_msg("%s %s?%s: got %s \"%s\", want %s", verb_name(verb), path,
			 query ? query : "", rpc_code_name(r.status), r.msg, rpc_code_name(code));
	if (want && !strstr(r.msg, want))
		fail_msg("%s %s?%s: %s message \"%s\" does not contain \"%s\"", verb_name(verb),
			 path, query ? query : "", rpc_code_name(code), r.msg, want);
	harness_reply_release(&r);
}

static void call_err(int verb, const char *path, const char *query, const char *body,
		     const char *auth, int code, const char *want)
{
	call_err_on(&srv, verb, path, query, body, body ? strlen(body) : 0, auth, code, want);
}

/* A call of any method with a raw request message. */
static int call_method(struct harness_todod *t, const char *method, const ProtobufCMessage *msg,
		       const struct rpc_md *md, size_t nmd, struct rpc_reply *reply)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	if (msg) {
		len = protobuf_c_message_get_packed_size(msg);
		buf = malloc(len ? len : 1);
		assert_non_null(buf);
		protobuf_c_message_pack(msg, buf);
	}
	int st = rpc_client_call(t->client, method, md, nmd, buf, len, HARNESS_CALL_TIMEOUT_MS, reply);
	free(buf);
	return st;
}

/* ---- helpers: JSON ---- */

static json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("JSON member \"%s\" is not an integer", key);
	return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("JSON member \"%s\" is not a string", key);
	return json_string_value(v);
}

static bool jbool(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_boolean(v))
		fail_msg("JSON member \"%s\" is not a boolean", key);
	return json_is_true(v);
}

static void task_path(char *buf, size_t size, const char *user, json_int_t id, const char *tail)
{
	snprintf(buf, size, "api/%s/tasks/%lld%s", user, (long long)id, tail ? tail : "");
}

static void tasks_path(char *buf, size_t size, const char *user)
{
	snprintf(buf, size, "api/%s/tasks", user);
}

/* Create a task for @user; returns the created task (caller decrefs). */
static json_t *create_task(const char *user, const char *auth, const char *title,
			   const char *description)
{
	json_t *in = description ? json_pack("{ss ss}", "title", title, "description", description)
				 : json_pack("{ss}", "title", title);
	char *body = json_dumps(in, JSON_COMPACT);
	json_decref(in);
	char path[128];
	tasks_path(path, sizeof(path), user);
	json_t *t = call_ok(HTTP_POST, path, "", body, auth);
	free(body);
	assert_true(jint(t, "id") > 0);
	assert_string_equal(jstr(t, "user_id"), user);
	return t;
}

static json_t *get_task(const char *user, const char *auth, json_int_t id)
{
	char path[128];
	task_path(path, sizeof(path), user, id, NULL);
	return call_ok(HTTP_GET, path, "", NULL, auth);
}

/* List @user's tasks with ?@query; checks count == array size. Caller decrefs. */
static json_t *list_tasks(const char *user, const char *auth, const char *query)
{
	char path[128];
	tasks_path(path, sizeof(path), user);
	json_t *l = call_ok(HTTP_GET, path, query, NULL, auth);
	json_t *arr = json_object_get(l, "tasks");
	assert_true(json_is_array(arr));
	assert_int_equal(jint(l, "count"), json_array_size(arr));
	return l;
}

static bool list_has(json_t *list, json_int_t id)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(list, "tasks"), i, t)
		if (jint(t, "id") == id)
			return true;
	return false;
}

/* ---- helpers: the database, read directly ---- */

/* A fingerprint of the whole tasks table: row count and a digest of every
 * column of every row. Equal fingerprints mean nothing changed. */
static char *db_fingerprint(void)
{
	PGconn *c = PQconnectdb(db_url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("could not connect to the test database: %s", PQerrorMessage(c));
	PGresult *r = PQexec(c,
		"SELECT count(*)::text || ' ' || coalesce(md5(string_agg("
		"concat_ws('|', id, user_id, title, coalesce(description, '<null>'), completed, "
		"created_at, updated_at), E'\\n' ORDER BY id)), '-') FROM tasks");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("fingerprint query failed: %s", PQerrorMessage(c));
	char *fp = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return fp;
}

static void assert_fingerprint(const char *before)
{
	char *after = db_fingerprint();
	if (strcmp(before, after) != 0)
		fail_msg("the tasks table changed: before \"%s\", after \"%s\"", before, after);
	free(after);
}

/* A string of @n copies of the UTF-8 character @ch. */
static char *repeat(const char *ch, size_t n)
{
	size_t cl = strlen(ch);
	char *s = malloc(cl * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * cl, ch, cl);
	s[cl * n] = '\0';
	return s;
}

/* {"title": @title} or {"title":"t","description": @desc}, as JSON text. */
static char *body_with(const char *key, const char *value)
{
	json_t *o = strcmp(key, "title") == 0 ? json_pack("{ss}", "title", value)
					     : json_pack("{ss ss}", "title", "t", key, value);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* ---- tests: routes ---- */

static void test_version_is_public(void **state)
{
	(void)state;
	json_t *v = call_ok(HTTP_GET, "api/version", "", NULL, NULL);
	assert_string_equal(jstr(v, "name"), "todod");
	assert_string_equal(jstr(v, "version"), TODOD_VERSION);
	json_decref(v);
	/* Leading and trailing slashes are ignored; a bad token is irrelevant here. */
	v = call_ok(HTTP_GET, "/api/version/", "", NULL, "Bearer garbage");
	assert_string_equal(jstr(v, "name"), "todod");
	json_decref(v);
}

static void test_task_crud(void **state)
{
	(void)state;
	json_t *t = create_task("alice", auth_alice, "  Buy milk \t", "2 litres");
	json_int_t id = jint(t, "id");
	assert_string_equal(jstr(t, "title"), "Buy milk");   /* trimmed */
	assert_string_equal(jstr(t, "description"), "2 litres");
	assert_false(jbool(t, "completed"));
	const char *created = jstr(t, "created_at");
	assert_int_equal(strlen(created), strlen("2026-01-01T00:00:00.000000Z"));
	assert_int_equal(created[strlen(created) - 1], 'Z');

	json_t *g = get_task("alice", auth_alice, id);
	assert_true(json_equal(g, t));
	json_decref(g);

	char path[128];
	task_path(path, sizeof(path), "alice", id, NULL);
	json_t *u = call_ok(HTTP_PUT, path, "", "{\"title\":\"Buy oat milk\"}", auth_alice);
	assert_int_equal(jint(u, "id"), id);
	assert_string_equal(jstr(u, "title"), "Buy oat milk");
	assert_string_equal(jstr(u, "description"), "2 litres");   /* untouched */
	assert_string_equal(jstr(u, "created_at"), created);
	assert_true(strcmp(jstr(u, "updated_at"), jstr(t, "updated_at")) >= 0);
	json_decref(u);

	u = call_ok(HTTP_PUT, path, "", "{\"description\":null}", auth_alice);
	assert_true(json_is_null(json_object_get(u, "description")));
	assert_string_equal(jstr(u, "title"), "Buy oat milk");
	json_decref(u);

	u = call_ok(HTTP_PUT, path, "", "{\"title\":\"日本語 ✓\",\"description\":\"\"}", auth_alice);
	assert_string_equal(jstr(u, "title"), "日本語 ✓");
	assert_string_equal(jstr(u, "description"), "");
	g = get_task("alice", auth_alice, id);
	assert_true(json_equal(g, u));
	json_decref(g);
	json_decref(u);

	json_t *d = call_ok(HTTP_DELETE, path, "", NULL, auth_alice);
	assert_int_equal(jint(d, "id"), id);
	assert_true(jbool(d, "deleted"));
	json_decref(d);

	char want[64];
	snprintf(want, sizeof(want), "task %lld not found", (long long)id);
	call_err(HTTP_GET, path, "", NULL, auth_alice, RPC_NOT_FOUND, want);
	call_err(HTTP_DELETE, path, "", NULL, auth_alice, RPC_NOT_FOUND, want);
	call_err(HTTP_PUT, path, "", "{\"title\":\"x\"}", auth_alice, RPC_NOT_FOUND, want);
	task_path(path, sizeof(path), "alice", id, "/complete");
	call_err(HTTP_PATCH, path, "", NULL, auth_alice, RPC_NOT_FOUND, want);
	json_decref(t);

	/* No description: null. Limits are in characters, not bytes. */
	t = create_task("alice", auth_alice, "no description", NULL);
	assert_true(json_is_null(json_object_get(t, "description")));
	json_decref(t);
	char *title200 = repeat("é", 200), *desc1000 = repeat("ß", 1000);
	t = create_task("alice", auth_alice, title200, desc1000);
	assert_string_equal(jstr(t, "title"), title200);
	assert_string_equal(jstr(t, "description"), desc1000);
	json_decref(t);
	free(title200);
	free(desc1000);
}

static void test_list_status_filter(void **state)
{
	(void)state;
	char *auth = mint("dora", time(NULL), 3600);
	json_t *l = list_tasks("dora", auth, "");
	assert_int_equal(jint(l, "count"), 0);
	json_decref(l);

	json_t *t1 = create_task("dora", auth, "one", NULL);
	json_t *t2 = create_task("dora", auth, "two", NULL);
	json_t *t3 = create_task("dora", auth, "three", NULL);
	json_int_t id1 = jint(t1, "id"), id2 = jint(t2, "id"), id3 = jint(t3, "id");
	char path[128];
	task_path(path, sizeof(path), "dora", id2, "/complete");
	json_decref(call_ok(HTTP_PATCH, path, "", NULL, auth));

	static const struct {
		const char *query;
		int n;
		int order[3];   /* 1..3 = t1..t3, newest first */
	} cases[] = {
		{ "", 3, { 3, 2, 1 } },
		{ "status=all", 3, { 3, 2, 1 } },
		{ "status=pending", 2, { 3, 1 } },
		{ "status=completed", 1, { 2 } },
	};
	json_int_t ids[] = { 0, id1, id2, id3 };
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		l = list_tasks("dora", auth, cases[c].query);
		json_t *arr = json_object_get(l, "tasks");
		if ((int)json_array_size(arr) != cases[c].n)
			fail_msg("?%s: %zu tasks, want %d", cases[c].query, json_array_size(arr), cases[c].n);
		for (int i = 0; i < cases[c].n; i++) {
			json_t *t = json_array_get(arr, (size_t)i);
			assert_int_equal(jint(t, "id"), ids[cases[c].order[i]]);
			assert_string_equal(jstr(t, "user_id"), "dora");
			assert_int_equal(jbool(t, "completed"), cases[c].order[i] == 2);
		}
		json_decref(l);
	}
	json_decref(t1);
	json_decref(t2);
	json_decref(t3);
	free(auth);
}

/* The filter language allows FILTER_COMPARISONS_MAX comparisons, each one
 * or two SQL parameters, plus long "in" lists: the query builder must take
 * them all (it once stopped at 64 parameters and aborted the process). */
static void test_list_filter_at_its_limits(void **state)
{
	(void)state;
	char *auth = mint("fern", time(NULL), 3600);
	json_decref(create_task("fern", auth, "a7", NULL));
	json_decref(create_task("fern", auth, "zz", NULL));
	struct strbuf q = STRBUF_INIT;
	strbuf_puts(&q, "filter=");
	for (int i = 0; i < FILTER_COMPARISONS_MAX; i++)
		strbuf_printf(&q, "%stitle%%20%%3D%%20%%22a%d%%22", i ? "%20%7C%7C%20" : "", i);
	json_t *l = list_tasks("fern", auth, strbuf_str(&q));
	assert_int_equal(jint(l, "count"), 1);
	assert_string_equal(jstr(json_array_get(json_object_get(l, "tasks"), 0), "title"), "a7");
	json_decref(l);

	/* Date comparisons take two parameters each. */
	strbuf_release(&q);
	strbuf_puts(&q, "filter=");
	for (int i = 0; i < FILTER_COMPARISONS_MAX; i++)
		strbuf_printf(&q, "%sdue%%3D2026-01-%02d", i ? "%7C%7C" : "", 1 + i % 28);
	l = list_tasks("fern", auth, strbuf_str(&q));
	assert_int_equal(jint(l, "count"), 0);
	json_decref(l);

	/* One more comparison is refused, naming the limit. */
	strbuf_puts(&q, "%7C%7Cdue%3D2026-02-01");
	char path[128];
	tasks_path(path, sizeof(path), "fern");
	call_err(HTTP_GET, path, strbuf_str(&q), NULL, auth, RPC_INVALID_ARGUMENT, "comparisons");
	strbuf_release(&q);
	free(auth);
}

static void test_toggle_complete(void **state)
{
	(void)state;
	json_t *t = create_task("alice", auth_alice, "toggle me", "d");
	json_int_t id = jint(t, "id");
	char path[128];
	task_path(path, sizeof(path), "alice", id, "/complete");

	json_t *on = call_ok(HTTP_PATCH, path, "", NULL, auth_alice);
	assert_true(jbool(on, "completed"));
	assert_string_equal(jstr(on, "title"), "toggle me");
	assert_true(strcmp(jstr(on, "updated_at"), jstr(t, "updated_at")) >= 0);
	json_t *g = get_task("alice", auth_alice, id);
	assert_true(jbool(g, "completed"));
	json_decref(g);

	json_t *off = call_ok(HTTP_PATCH, path, "", NULL, auth_alice);
	assert_false(jbool(off, "completed"));
	assert_true(strcmp(jstr(off, "updated_at"), jstr(on, "updated_at")) >= 0);
	g = get_task("alice", auth_alice, id);
	assert_false(jbool(g, "completed"));
	assert_string_equal(jstr(g, "created_at"), jstr(t, "created_at"));
	json_decref(g);
	json_decref(on);
	json_decref(off);
	json_decref(t);
}

static void test_if_version_precondition(void **state)
{
	(void)state;
	json_t *t = create_task("alice", auth_alice, "versioned", NULL);
	json_int_t id = jint(t, "id"), v = jint(t, "version");
	char path[128], cpath[128], q[64], want[96];
	task_path(path, sizeof(path), "alice", id, NULL);
	task_path(cpath, sizeof(cpath), "alice", id, "/complete");

	snprintf(q, sizeof(q), "if_version=%lld", (long long)v);
	json_t *u = call_ok(HTTP_PUT, path, q, "{\"title\":\"v2\"}", auth_alice);
	assert_int_equal(jint(u, "version"), v + 1);
	json_decref(u);

	/* A stale version: 409 (ALREADY_EXISTS) naming both versions, nothing written. */
	char *before = db_fingerprint();
	snprintf(want, sizeof(want), "task %lld is at version %lld, not %lld", (long long)id,
		 (long long)v + 1, (long long)v);
	call_err(HTTP_PUT, path, q, "{\"title\":\"stale\"}", auth_alice, RPC_ALREADY_EXISTS, want);
	call_err(HTTP_PATCH, cpath, q, NULL, auth_alice, RPC_ALREADY_EXISTS, want);
	call_err(HTTP_DELETE, path, q, NULL, auth_alice, RPC_ALREADY_EXISTS, want);
	call_err(HTTP_PUT, path, "if_version=abc", "{\"title\":\"x\"}", auth_alice,
		 RPC_INVALID_ARGUMENT, "if_version \"abc\" is not a positive integer");
	call_err(HTTP_DELETE, path, "if_version=0", NULL, auth_alice,
		 RPC_INVALID_ARGUMENT, "if_version \"0\" is not a positive integer");
	call_err(HTTP_PATCH, cpath, "if_version=-1", NULL, auth_alice,
		 RPC_INVALID_ARGUMENT, "if_version \"-1\" is not a positive integer");
	call_err(HTTP_GET, path, q, NULL, auth_alice, RPC_INVALID_ARGUMENT,
		 "unknown query parameter \"if_version\"");
	/* Another user with the right version still sees no task (no version leak). */
	snprintf(q, sizeof(q), "if_version=%lld", (long long)v + 1);
	char bpath[128];
	task_path(bpath, sizeof(bpath), "bob", id, NULL);
	snprintf(want, sizeof(want), "task %lld not found", (long long)id);
	call_err(HTTP_PUT, bpath, q, "{\"title\":\"x\"}", auth_bob, RPC_NOT_FOUND, want);
	call_err(HTTP_DELETE, bpath, q, NULL, auth_bob, RPC_NOT_FOUND, want);
	assert_fingerprint(before);
	free(before);

	json_t *c = call_ok(HTTP_PATCH, cpath, q, NULL, auth_alice);
	assert_int_equal(jint(c, "version"), v + 2);
	assert_true(jbool(c, "completed"));
	json_decref(c);
	snprintf(q, sizeof(q), "if_version=%lld", (long long)v + 2);
	json_decref(call_ok(HTTP_DELETE, path, q, NULL, auth_alice));
	json_decref(t);
}

/* ---- tests: authentication and authorisation ---- */

static void test_auth_failures(void **state)
{
	(void)state;
	json_t *t = create_task("alice", auth_alice, "auth target", NULL);
	json_int_t id = jint(t, "id");
	json_decref(t);
	char *before = db_fingerprint();

	time_t now = time(NULL);
	char claims[256];
	snprintf(claims, sizeof(claims), "{\"sub\":\"alice\",\"exp\":%ld}", (long)now + 3600);
	char *bad_sig = craft(JWT_ALG_HS256, OTHER_KEY, claims);
	char *alg_none = craft(JWT_ALG_NONE, NULL, claims);
	char *alg_hs512 = craft(JWT_ALG_HS512, TEST_KEY, claims);
	char *expired = mint("alice", now - 7200, 3600);
	snprintf(claims, sizeof(claims), "{\"sub\":\"alice\",\"exp\":%ld,\"nbf\":%ld}",
		 (long)now + 3600, (long)now + 600);
	char *nbf_future = craft(JWT_ALG_HS256, TEST_KEY, claims);
	char *no_exp = craft(JWT_ALG_HS256, TEST_KEY, "{\"sub\":\"alice\"}");
	snprintf(claims, sizeof(claims), "{\"exp\":%ld}", (long)now + 3600);
	char *no_sub = craft(JWT_ALG_HS256, TEST_KEY, claims);
	/* A valid token with its payload swapped for bob's: the signature no longer matches. */
	char *tampered = strdup(auth_alice);
	{
		char *p1 = strchr(tampered, '.'), *p2 = p1 ? strchr(p1 + 1, '.') : NULL;
		assert_non_null(p2);
		const char *bp1 = strchr(auth_bob, '.');
		const char *bp2 = strchr(bp1 + 1, '.');
		char *swapped = NULL;
		assert_true(asprintf(&swapped, "%.*s%.*s%s", (int)(p1 - tampered), tampered,
				     (int)(bp2 - bp1), bp1, p2) > 0);
		free(tampered);
		tampered = swapped;
	}

	const struct {
		const char *auth;
		const char *want;
	} cases[] = {
		{ NULL, "missing Authorization header" },
		{ "", "missing Authorization header" },
		{ "Basic YWxpY2U6cGFzc3dvcmQ=", "unsupported Authorization scheme" },
		{ "Token abc", "unsupported Authorization scheme" },
		{ "Bearer garbage", "invalid bearer token" },
		{ "Bearer a.b.c", "invalid bearer token" },
		{ bad_sig, "invalid bearer token" },
		{ tampered, "invalid bearer token" },
		{ expired, "expired" },
		{ nbf_future, "not yet valid" },
		{ alg_none, "invalid bearer token" },
		{ alg_hs512, "invalid bearer token" },
		{ no_exp, "\"exp\"" },
		{ no_sub, "\"sub\"" },
	};
	char path[128], cpath[128];
	task_path(path, sizeof(path), "alice", id, NULL);
	task_path(cpath, sizeof(cpath), "alice", id, "/complete");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *a = cases[i].auth, *w = cases[i].want;
		call_err(HTTP_GET, "api/alice/tasks", "", NULL, a, RPC_UNAUTHENTICATED, w);
		call_err(HTTP_POST, "api/alice/tasks", "", "{\"title\":\"x\"}", a, RPC_UNAUTHENTICATED, w);
		call_err(HTTP_GET, path, "", NULL, a, RPC_UNAUTHENTICATED, w);
		call_err(HTTP_PUT, path, "", "{\"title\":\"x\"}", a, RPC_UNAUTHENTICATED, w);
		call_err(HTTP_DELETE, path, "", NULL, a, RPC_UNAUTHENTICATED, w);
		call_err(HTTP_PATCH, cpath, "", NULL, a, RPC_UNAUTHENTICATED, w);
	}
	assert_fingerprint(before);

	free(before);
	free(bad_sig);
	free(alg_none);
	free(alg_hs512);
	free(expired);
	free(nbf_future);
	free(no_exp);
	free(no_sub);
	free(tampered);
}

static void test_subject_must_match_user(void **state)
{
	(void)state;
	json_t *t = create_task("alice", auth_alice, "not bob's", NULL);
	json_int_t id = jint(t, "id");
	char *before = db_fingerprint();
	char path[128], cpath[128];
	task_path(path, sizeof(path), "alice", id, NULL);
	task_path(cpath, sizeof(cpath), "alice", id, "/complete");
	const char *want = "user \"alice\"";
	call_err(HTTP_GET, "api/alice/tasks", "", NULL, auth_bob, RPC_PERMISSION_DENIED, want);
	call_err(HTTP_POST, "api/alice/tasks", "", "{\"title\":\"x\"}", auth_bob, RPC_PERMISSION_DENIED, want);
	call_err(HTTP_GET, path, "", NULL, auth_bob, RPC_PERMISSION_DENIED, want);
	call_err(HTTP_PUT, path, "", "{\"title\":\"x\"}", auth_bob, RPC_PERMISSION_DENIED, want);
	call_err(HTTP_DELETE, path, "", NULL, auth_bob, RPC_PERMISSION_DENIED, want);
	call_err(HTTP_PATCH, cpath, "", NULL, auth_bob, RPC_PERMISSION_DENIED, want);
	/* User ids are case-sensitive. */
	char *upper = mint("Alice", time(NULL), 3600);
	call_err(HTTP_GET, "api/alice/tasks", "", NULL, upper, RPC_PERMISSION_DENIED, want);
	free(upper);
	assert_fingerprint(before);
	json_t *g = get_task("alice", auth_alice, id);
	assert_true(json_equal(g, t));
	json_decref(g);
	json_decref(t);
	free(before);
}

static void test_users_are_isolated(void **state)
{
	(void)state;
	json_t *a = create_task("alice", auth_alice, "alice's secret", "only for alice");
	json_int_t aid = jint(a, "id");
	json_t *b = create_task("bob", auth_bob, "bob's task", NULL);
	json_int_t bid = jint(b, "id");
	char path[128], cpath[128];
	task_path(path, sizeof(path), "bob", aid, NULL);
	task_path(cpath, sizeof(cpath), "bob", aid, "/complete");
	char want[64];
	snprintf(want, sizeof(want), "task %lld not found", (long long)aid);

	call_err(HTTP_GET, path, "", NULL, auth_bob, RPC_NOT_FOUND, want);
	call_err(HTTP_PUT, path, "", "{\"title\":\"pwned\"}", auth_bob, RPC_NOT_FOUND, want);
	call_err(HTTP_DELETE, path, "", NULL, auth_bob, RPC_NOT_FOUND, want);
	call_err(HTTP_PATCH, cpath, "", NULL, auth_bob, RPC_NOT_FOUND, want);

	/* Complete alice's task so it would show under either filter. */
	task_path(cpath, sizeof(cpath), "alice", aid, "/complete");
	json_decref(call_ok(HTTP_PATCH, cpath, "", NULL, auth_alice));
	json_t *a_now = get_task("alice", auth_alice, aid);

	const char *queries[] = { "", "status=all", "status=pending", "status=completed" };
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		json_t *l = list_tasks("bob", auth_bob, queries[i]);
		assert_false(list_has(l, aid));
		size_t k;
		json_t *t;
		json_array_foreach(json_object_get(l, "tasks"), k, t)
			assert_string_equal(jstr(t, "user_id"), "bob");
		json_decref(l);
		l = list_tasks("alice", auth_alice, queries[i]);
		assert_false(list_has(l, bid));
		json_decref(l);
	}
	json_t *all = list_tasks("bob", auth_bob, "");
	assert_true(list_has(all, bid));
	json_decref(all);

	/* Alice's task is exactly as she left it. */
	json_t *g = get_task("alice", auth_alice, aid);
	assert_true(json_equal(g, a_now));
	assert_string_equal(jstr(g, "title"), "alice's secret");
	assert_string_equal(jstr(g, "description"), "only for alice");
	assert_true(jbool(g, "completed"));
	json_decref(g);
	json_decref(a_now);
	json_decref(a);
	json_decref(b);
}

/* ---- tests: input validation ---- */

static void test_malformed_input_changes_nothing(void **state)
{
	(void)state;
	json_t *t = create_task("alice", auth_alice, "validation target", "keep me");
	json_int_t id = jint(t, "id");
	char one[128], cpl[128];
	task_path(one, sizeof(one), "alice", id, NULL);
	task_path(cpl, sizeof(cpl), "alice", id, "/complete");
	const char *list = "api/alice/tasks";

	char *t201 = repeat("a", 201), *t201mb = repeat("é", 201), *d1001 = repeat("d", 1001);
	char *title201 = body_with("title", t201), *title201mb = body_with("title", t201mb);
	char *desc1001 = body_with("description", d1001);
	/* Bodies of exactly the limit and one byte over, both otherwise valid JSON. */
	const char *pre = "{\"title\":\"t\",\"description\":\"", *post = "\"}";
	size_t fill = MAX_BODY - strlen(pre) - strlen(post);
	char *at_limit = malloc(MAX_BODY + 2), *over_limit = malloc(MAX_BODY + 2);
	assert_non_null(at_limit);
	assert_non_null(over_limit);
	strcpy(at_limit, pre);
	memset(at_limit + strlen(pre), 'x', fill);
	strcpy(at_limit + strlen(pre) + fill, post);
	assert_int_equal(strlen(at_limit), MAX_BODY);
	strcpy(over_limit, pre);
	memset(over_limit + strlen(pre), 'x', fill + 1);
	strcpy(over_limit + strlen(pre) + fill + 1, post);
	assert_int_equal(strlen(over_limit), MAX_BODY + 1);

	const struct {
		int verb;
		const char *path;
		const char *query;
		const char *body;
		size_t len;             /* 0: strlen(body) */
		int code;
		const char *want;       /* must appear in the status message */
	} cases[] = {
		/* JSON syntax and shape (field: the body) */
		{ HTTP_POST, list, "", "{\"title\":", 0, RPC_INVALID_ARGUMENT, "could not parse JSON body" },
		{ HTTP_POST, list, "", "not json", 0, RPC_INVALID_ARGUMENT, "could not parse JSON body" },
		{ HTTP_POST, list, "", "\"title\"", 0, RPC_INVALID_ARGUMENT, "body must be a JSON object" },
		{ HTTP_POST, list, "", "null", 0, RPC_INVALID_ARGUMENT, "body must be a JSON object" },
		{ HTTP_POST, list, "", " \r\n", 0, RPC_INVALID_ARGUMENT, "request body is empty" },
		{ HTTP_POST, list, "", "[{\"title\":\"x\"}]", 0, RPC_INVALID_ARGUMENT, "body must be a JSON object" },
		{ HTTP_POST, list, "", "{\"title\":\"a\",\"title\":\"b\"}", 0, RPC_INVALID_ARGUMENT, "duplicate" },
		{ HTTP_POST, list, "", NULL, 0, RPC_INVALID_ARGUMENT, "request body is empty" },
		{ HTTP_PUT, one, "", NULL, 0, RPC_INVALID_ARGUMENT, "request body is empty" },
		{ HTTP_PUT, one, "", "{\"title\":\"x\"", 0, RPC_INVALID_ARGUMENT, "could not parse JSON body" },
		/* unknown fields */
		{ HTTP_POST, list, "", "{\"title\":\"x\",\"colour\":1}", 0, RPC_INVALID_ARGUMENT, "unknown field \"colour\"" },
		{ HTTP_PUT, one, "", "{\"completed\":true}", 0, RPC_INVALID_ARGUMENT, "unknown field \"completed\"" },
		{ HTTP_PUT, one, "", "{\"id\":1,\"title\":\"x\"}", 0, RPC_INVALID_ARGUMENT, "unknown field \"id\"" },
		/* wrong types */
		{ HTTP_POST, list, "", "{\"title\":5}", 0, RPC_INVALID_ARGUMENT, "title must be a string" },
		{ HTTP_POST, list, "", "{\"title\":true}", 0, RPC_INVALID_ARGUMENT, "title must be a string" },
		{ HTTP_POST, list, "", "{\"title\":{\"a\":1}}", 0, RPC_INVALID_ARGUMENT, "title must be a string" },
		{ HTTP_POST, list, "", "{\"title\":null}", 0, RPC_INVALID_ARGUMENT, "title must be a string, not null" },
		{ HTTP_POST, list, "", "{\"title\":\"x\",\"description\":7}", 0, RPC_INVALID_ARGUMENT, "description must be a string" },
		{ HTTP_POST, list, "", "{\"title\":\"x\",\"description\":[\"a\"]}", 0, RPC_INVALID_ARGUMENT, "description must be a string" },
		{ HTTP_PUT, one, "", "{\"title\":null}", 0, RPC_INVALID_ARGUMENT, "title must be a string, not null" },
		{ HTTP_PUT, one, "", "{\"description\":false}", 0, RPC_INVALID_ARGUMENT, "description must be a string" },
		/* required, empty, too long */
		{ HTTP_POST, list, "", "{\"description\":\"no title\"}", 0, RPC_INVALID_ARGUMENT, "title is required" },
		{ HTTP_POST, list, "", "{}", 0, RPC_INVALID_ARGUMENT, "title is required" },
		{ HTTP_PUT, one, "", "{}", 0, RPC_INVALID_ARGUMENT, "nothing to update: give at least one field" },
		{ HTTP_POST, list, "", "{\"title\":\"\"}", 0, RPC_INVALID_ARGUMENT, "title must not be empty" },
		{ HTTP_POST, list, "", "{\"title\":\" \\t\\n \"}", 0, RPC_INVALID_ARGUMENT, "title must not be empty" },
		{ HTTP_PUT, one, "", "{\"title\":\"   \"}", 0, RPC_INVALID_ARGUMENT, "title must not be empty" },
		{ HTTP_POST, list, "", title201, 0, RPC_INVALID_ARGUMENT, "title is too long: 201 characters" },
		{ HTTP_POST, list, "", title201mb, 0, RPC_INVALID_ARGUMENT, "title is too long: 201 characters" },
		{ HTTP_PUT, one, "", title201, 0, RPC_INVALID_ARGUMENT, "title is too long: 201 characters" },
		{ HTTP_POST, list, "", desc1001, 0, RPC_INVALID_ARGUMENT, "description is too long: 1001 characters" },
		{ HTTP_PUT, one, "", desc1001, 0, RPC_INVALID_ARGUMENT, "description is too long: 1001 characters" },
		/* bytes that are not UTF-8 text */
		{ HTTP_POST, list, "", "{\"title\":\"\xff\xfe\"}", 0, RPC_INVALID_ARGUMENT, "could not parse JSON body" },
		{ HTTP_PUT, one, "", "{\"description\":\"caf\xe9\"}", 0, RPC_INVALID_ARGUMENT, "could not parse JSON body" },
		{ HTTP_POST, list, "", "{\"title\":\"\\ud800\"}", 0, RPC_INVALID_ARGUMENT, "could not parse JSON body" },
		{ HTTP_POST, list, "", "{\"title\":\"a\\u0000b\"}", 0, RPC_INVALID_ARGUMENT, "could not parse JSON body" },
		{ HTTP_GET, list, "status=%FF", NULL, 0, RPC_INVALID_ARGUMENT, "query parameter \"status\"" },
		/* size limit: at the limit the body is parsed, over it it is refused unread */
		{ HTTP_POST, list, "", at_limit, 0, RPC_INVALID_ARGUMENT, "description is too long" },
		{ HTTP_POST, list, "", over_limit, 0, RPC_OUT_OF_RANGE, "request body is 65537 bytes" },
		{ HTTP_PUT, one, "", over_limit, 0, RPC_OUT_OF_RANGE, "request body is 65537 bytes" },
		/* query parameters */
		{ HTTP_GET, list, "foo=1", NULL, 0, RPC_INVALID_ARGUMENT, "unknown query parameter \"foo\"" },
		{ HTTP_GET, list, "status=all&colour=red", NULL, 0, RPC_INVALID_ARGUMENT, "unknown query parameter \"colour\"" },
		{ HTTP_POST, list, "status=all", "{\"title\":\"x\"}", 0, RPC_INVALID_ARGUMENT, "unknown query parameter \"status\"" },
		{ HTTP_GET, one, "verbose=1", NULL, 0, RPC_INVALID_ARGUMENT, "unknown query parameter \"verbose\"" },
		{ HTTP_PUT, one, "x=1", "{\"title\":\"x\"}", 0, RPC_INVALID_ARGUMENT, "unknown query parameter \"x\"" },
		{ HTTP_DELETE, one, "force=true", NULL, 0, RPC_INVALID_ARGUMENT, "unknown query parameter \"force\"" },
		{ HTTP_PATCH, cpl, "x", NULL, 0, RPC_INVALID_ARGUMENT, "unknown query parameter \"x\"" },
		{ HTTP_GET, list, "status=done", NULL, 0, RPC_INVALID_ARGUMENT, "status \"done\" is not one of" },
		{ HTTP_GET, list, "status=ALL", NULL, 0, RPC_INVALID_ARGUMENT, "status \"ALL\" is not one of" },
		{ HTTP_GET, list, "status=", NULL, 0, RPC_INVALID_ARGUMENT, "status \"\" is not one of" },
		{ HTTP_GET, list, "status=all&status=pending", NULL, 0, RPC_INVALID_ARGUMENT, "\"status\" given more than once" },
		{ HTTP_GET, list, "status=%zz", NULL, 0, RPC_INVALID_ARGUMENT, "query parameter \"status\"" },
		/* bad ids */
		{ HTTP_GET, "api/alice/tasks/abc", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"abc\" is not a positive integer" },
		{ HTTP_GET, "api/alice/tasks/0", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"0\" is not a positive integer" },
		{ HTTP_GET, "api/alice/tasks/-1", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"-1\"" },
		{ HTTP_GET, "api/alice/tasks/1.5", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"1.5\"" },
		{ HTTP_GET, "api/alice/tasks/12abc", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"12abc\"" },
		{ HTTP_GET, "api/alice/tasks/99999999999999999999", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"99999999999999999999\"" },
		{ HTTP_PUT, "api/alice/tasks/abc", "", "{\"title\":\"x\"}", 0, RPC_INVALID_ARGUMENT, "task id \"abc\"" },
		{ HTTP_PUT, "api/alice/tasks/0", "", "{\"title\":\"x\"}", 0, RPC_INVALID_ARGUMENT, "task id \"0\"" },
		{ HTTP_DELETE, "api/alice/tasks/abc", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"abc\"" },
		{ HTTP_DELETE, "api/alice/tasks/0", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"0\"" },
		{ HTTP_PATCH, "api/alice/tasks/abc/complete", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"abc\"" },
		{ HTTP_PATCH, "api/alice/tasks/0/complete", "", NULL, 0, RPC_INVALID_ARGUMENT, "task id \"0\"" },
		/* a body where none is taken */
		{ HTTP_GET, list, "", "{}", 0, RPC_INVALID_ARGUMENT, "takes no request body" },
		{ HTTP_GET, one, "", "{}", 0, RPC_INVALID_ARGUMENT, "takes no request body" },
		{ HTTP_DELETE, one, "", "{}", 0, RPC_INVALID_ARGUMENT, "takes no request body" },
		{ HTTP_PATCH, cpl, "", "{\"completed\":true}", 0, RPC_INVALID_ARGUMENT, "takes no request body" },
	};

	char *before = db_fingerprint();
	json_t *l = list_tasks("alice", auth_alice, "");
	json_int_t count = jint(l, "count");
	json_decref(l);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *b = cases[i].body;
		call_err_on(&srv, cases[i].verb, cases[i].path, cases[i].query, b,
			    cases[i].len ? cases[i].len : b ? strlen(b) : 0, auth_alice,
			    cases[i].code, cases[i].want);
	}
	assert_fingerprint(before);
	l = list_tasks("alice", auth_alice, "");
	assert_int_equal(jint(l, "count"), count);
	json_decref(l);
	json_t *g = get_task("alice", auth_alice, id);
	assert_true(json_equal(g, t));
	json_decref(g);

	free(before);
	free(t201);
	free(t201mb);
	free(d1001);
	free(title201);
	free(title201mb);
	free(desc1001);
	free(at_limit);
	free(over_limit);
	json_decref(t);
}

/* ---- tests: routing ---- */

static void test_unsupported_verb(void **state)
{
	(void)state;
	char *before = db_fingerprint();
	const struct {
		int verb;
		const char *path;
		const char *want;
	} cases[] = {
		{ HTTP_DELETE, "api/alice/tasks", "method DELETE is not allowed on \"/api/alice/tasks\"; allowed: GET, POST" },
		{ HTTP_PUT, "api/alice/tasks", "allowed: GET, POST" },
		{ HTTP_PATCH, "api/alice/tasks", "method PATCH is not allowed" },
		{ HTTP_HEAD, "api/alice/tasks", "method HEAD is not allowed" },
		{ HTTP_OPTIONS, "api/alice/tasks", "method OPTIONS is not allowed" },
		{ HTTP_NONE, "api/alice/tasks", "method NONE is not allowed" },
		{ HTTP_POST, "api/alice/tasks/1", "allowed: GET, PUT, DELETE" },
		{ HTTP_PATCH, "api/alice/tasks/1", "method PATCH is not allowed" },
		{ HTTP_GET, "api/alice/tasks/1/complete", "allowed: PATCH" },
		{ HTTP_POST, "api/alice/tasks/1/complete", "allowed: PATCH" },
		{ HTTP_POST, "api/version", "allowed: GET" },
		{ HTTP_DELETE, "api/version", "allowed: GET" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *body = cases[i].verb == HTTP_POST ? "{\"title\":\"x\"}" : NULL;
		call_err(cases[i].verb, cases[i].path, "", body, auth_alice, RPC_FAILED_PRECONDITION,
			 cases[i].want);
	}
	assert_fingerprint(before);
	free(before);
}

static void test_unknown_route(void **state)
{
	(void)state;
	const struct {
		int verb;
		const char *path;
	} cases[] = {
		{ HTTP_GET, "" },
		{ HTTP_GET, "api" },
		{ HTTP_GET, "api/alice" },
		{ HTTP_GET, "api/alice/notes" },
		{ HTTP_GET, "api/alice/tasks/1/complete/now" },
		{ HTTP_GET, "v1.0/invoke/todod/method/api/alice/tasks" },
		{ HTTP_GET, "API/alice/tasks" },
		{ HTTP_GET, "api//tasks" },
		/* the self-test routes exist only with TODOD_DIAGNOSTICS=1 */
		{ HTTP_POST, "api/alice/selftest/pubsub" },
		{ HTTP_POST, "api/alice/selftest/job" },
		{ HTTP_GET, "api/alice/selftest/abc" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		call_err(cases[i].verb, cases[i].path, "", NULL, auth_alice, RPC_NOT_FOUND, "no route for");
}

/* ---- tests: other AppCallback methods ---- */

static void test_unknown_grpc_method(void **state)
{
	(void)state;
	const char *methods[] = {
		SVC "OnNothing",
		SVC "OnBulkTopicEvent",
		SVC "OnBindingEvent",
		SVC "ListInputBindings",
		"/dapr.proto.runtime.v1.AppCallbackAlpha/OnBulkTopicEventAlpha1",
		"/dapr.proto.runtime.v1.AppCallbackHealthCheck/Nope",
		"/some.other.Service/OnInvoke",
	};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		struct rpc_reply r;
		int st = call_method(&srv, methods[i], NULL, NULL, 0, &r);
		if (st != RPC_UNIMPLEMENTED)
			fail_msg("%s: got %s \"%s\", want UNIMPLEMENTED", methods[i], rpc_code_name(st),
				 r.status_msg ? r.status_msg : "");
		assert_non_null(r.status_msg);
		assert_non_null(strstr(r.status_msg, methods[i]));
		rpc_reply_release(&r);
	}
}

static void test_list_topic_subscriptions(void **state)
{
	(void)state;
	struct rpc_reply r;
	int st = call_method(&srv, SVC "ListTopicSubscriptions", NULL, NULL, 0, &r);
	if (st != RPC_OK)
		fail_msg("ListTopicSubscriptions: got %s \"%s\"", rpc_code_name(st),
			 r.status_msg ? r.status_msg : "");
	Dapr__Proto__Runtime__V1__ListTopicSubscriptionsResponse *out =
		dapr__proto__runtime__v1__list_topic_subscriptions_response__unpack(NULL, r.len, r.data);
	assert_non_null(out);
	/* Diagnostics are off here: task-events (with its dead-letter topic)
	 * and the dead-letter topic itself, both on the "pubsub" component. */
	assert_int_equal(out->n_subscriptions, 2);
	assert_string_equal(out->subscriptions[0]->topic, "task-events");
	assert_string_equal(out->subscriptions[0]->dead_letter_topic, "task-events-dlq");
	assert_string_equal(out->subscriptions[0]->pubsub_name, "pubsub");
	assert_string_equal(out->subscriptions[1]->topic, "task-events-dlq");
	assert_string_equal(out->subscriptions[1]->dead_letter_topic, "");
	dapr__proto__runtime__v1__list_topic_subscriptions_response__free_unpacked(out, NULL);
	rpc_reply_release(&r);
}

/* OnJobEvent(Alpha1) for @name; returns the status (reply checked to decode). */
static int job_event(struct harness_todod *t, const char *method, const char *name,
		     const struct rpc_md *md, size_t nmd)
{
	static uint8_t payload[] = "{\"hello\":\"job\"}";
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	any.type_url = "";
	any.value.data = payload;
	any.value.len = sizeof(payload) - 1;
	Dapr__Proto__Common__V1__HTTPExtension ext = DAPR__PROTO__COMMON__V1__HTTPEXTENSION__INIT;
	ext.verb = DAPR__PROTO__COMMON__V1__HTTPEXTENSION__VERB__POST;
	char job_method[128];
	snprintf(job_method, sizeof(job_method), "job/%s", name);
	Dapr__Proto__Runtime__V1__JobEventRequest req = DAPR__PROTO__RUNTIME__V1__JOB_EVENT_REQUEST__INIT;
	req.name = (char *)name;
	req.data = &any;
	req.method = job_method;
	req.content_type = "";
	req.http_extension = &ext;
	struct rpc_reply r;
	int st = call_method(t, method, &req.base, md, nmd, &r);
	if (st == RPC_OK) {
		Dapr__Proto__Runtime__V1__JobEventResponse *out =
			dapr__proto__runtime__v1__job_event_response__unpack(NULL, r.len, r.data);
		assert_non_null(out);
		dapr__proto__runtime__v1__job_event_response__free_unpacked(out, NULL);
	}
	rpc_reply_release(&r);
	return st;
}

static void test_job_event_unknown_name_is_acknowledged(void **state)
{
	(void)state;
	char *before = db_fingerprint();
	assert_int_equal(job_event(&srv, SVC "OnJobEvent", "no-such-job", NULL, 0), RPC_OK);
	assert_int_equal(job_event(&srv, "/dapr.proto.runtime.v1.AppCallbackAlpha/OnJobEventAlpha1",
				   "no-such-job", NULL, 0), RPC_OK);
	/* Self-test jobs are unknown too while diagnostics are off. */
	assert_int_equal(job_event(&srv, SVC "OnJobEvent", "selftest-123", NULL, 0), RPC_OK);
	assert_fingerprint(before);
	free(before);
}

/* ---- tests: APP_API_TOKEN ---- */

static void test_app_api_token(void **state)
{
	(void)state;
	struct harness_todod t;
	start_server(&t, "APP_API_TOKEN=secret");   /* HealthCheck carries no token */

	const char *want = "dapr-api-token";
	const char *wrong[] = { "", "wrong", "secre", "secret2", "Secret", "secret " };
	call_err_on(&t, HTTP_GET, "api/version", "", NULL, 0, NULL, RPC_UNAUTHENTICATED, want);
	call_err_on(&t, HTTP_GET, "api/alice/tasks", "", NULL, 0, auth_alice, RPC_UNAUTHENTICATED, want);
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		struct rpc_md md = { "dapr-api-token", wrong[i] };
		struct harness_reply r;
		harness_invoke(&t, HTTP_GET, "api/version", "", NULL, 0, NULL, &md, 1, &r);
		if (r.status != RPC_UNAUTHENTICATED)
			fail_msg("dapr-api-token \"%s\": got %s \"%s\", want UNAUTHENTICATED", wrong[i],
				 rpc_code_name(r.status), r.msg);
		harness_reply_release(&r);
	}
	struct rpc_md wrong_md = { "dapr-api-token", "wrong" };
	assert_int_equal(job_event(&t, SVC "OnJobEvent", "no-such-job", NULL, 0), RPC_UNAUTHENTICATED);
	assert_int_equal(job_event(&t, SVC "OnJobEvent", "no-such-job", &wrong_md, 1), RPC_UNAUTHENTICATED);

	struct rpc_md md = { "dapr-api-token", "secret" };
	struct harness_reply r;
	assert_int_equal(harness_invoke(&t, HTTP_GET, "api/version", "", NULL, 0, NULL, &md, 1, &r), RPC_OK);
	assert_string_equal(jstr(r.json, "name"), "todod");
	harness_reply_release(&r);
	assert_int_equal(harness_invoke(&t, HTTP_GET, "api/alice/tasks", "", NULL, 0, auth_alice,
					&md, 1, &r), RPC_OK);
	assert_true(json_is_array(json_object_get(r.json, "tasks")));
	harness_reply_release(&r);
	/* The app token does not replace the user's bearer token. */
	assert_int_equal(harness_invoke(&t, HTTP_GET, "api/alice/tasks", "", NULL, 0, NULL, &md, 1, &r),
			 RPC_UNAUTHENTICATED);
	assert_non_null(strstr(r.msg, "Authorization"));
	harness_reply_release(&r);
	assert_int_equal(job_event(&t, SVC "OnJobEvent", "no-such-job", &md, 1), RPC_OK);

	/* The rpc client's own api_token option sends the same metadata. */
	struct rpc_client *c = rpc_client_new(t.target, "secret", 1u << 20);
	struct rpc_client *plain = t.client;
	t.client = c;
	assert_int_equal(harness_invoke(&t, HTTP_GET, "api/version", "", NULL, 0, NULL, NULL, 0, &r), RPC_OK);
	harness_reply_release(&r);
	t.client = plain;
	rpc_client_free(c);

	stop_server_cleanly(&t);
}

/* ---- tests: the database restarts under a running todod ---- */

static void test_database_restart(void **state)
{
	(void)state;
	const char *cmd = getenv("TODOD_TEST_PG_RESTART");
	if (!cmd || !*cmd)
		fail_msg("TODOD_TEST_PG_RESTART is not set: give a shell command that restarts the "
			 "test PostgreSQL (run from the source root), e.g. "
			 "TODOD_TEST_PG_RESTART='scripts/pg.sh stop && scripts/pg.sh start'");
	char *auth = mint("erin", time(NULL), 3600);
	json_t *t1 = create_task("erin", auth, "before restart 1", "kept");
	json_t *t2 = create_task("erin", auth, "before restart 2", NULL);
	char path[128];
	task_path(path, sizeof(path), "erin", jint(t2, "id"), "/complete");
	json_t *t2c = call_ok(HTTP_PATCH, path, "", NULL, auth);
	/* Open a database connection on as many worker threads as we can. */
	for (int i = 0; i < 32; i++)
		json_decref(list_tasks("erin", auth, ""));
	pid_t pid = srv.pid;

	char *shell = NULL;
	assert_true(asprintf(&shell, "cd '%s' && { %s ; } 1>&2", source_root, cmd) > 0);
	fprintf(stderr, "# restarting PostgreSQL: %s\n", cmd);
	int st = system(shell);
	free(shell);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("TODOD_TEST_PG_RESTART failed (wait status %d): %s", st, cmd);

	/* todod may report UNAVAILABLE for a moment; it must recover by itself. */
	char why[512];
	if (harness_wait_healthy(&srv, PG_RESTART_TIMEOUT_MS, why, sizeof(why)) != 0)
		fail_msg("todod did not recover after the database restart: %s", why);
	assert_true(harness_alive(&srv, NULL));
	assert_int_equal(srv.pid, pid);

	/* The first calls after recovery succeed: reads, then a write. */
	json_t *l = list_tasks("erin", auth, "");
	assert_int_equal(jint(l, "count"), 2);
	assert_true(json_equal(json_array_get(json_object_get(l, "tasks"), 0), t2c));
	assert_true(json_equal(json_array_get(json_object_get(l, "tasks"), 1), t1));
	json_decref(l);
	json_t *t3 = create_task("erin", auth, "after restart", NULL);
	json_t *g = get_task("erin", auth, jint(t3, "id"));
	assert_true(json_equal(g, t3));
	json_decref(g);
	/* Every worker thread copes: many calls in a row, none fails. */
	for (int i = 0; i < 32; i++) {
		l = list_tasks("erin", auth, "status=pending");
		assert_int_equal(jint(l, "count"), 2);
		json_decref(l);
	}
	task_path(path, sizeof(path), "erin", jint(t1, "id"), "/complete");
	json_t *t1c = call_ok(HTTP_PATCH, path, "", NULL, auth);
	assert_true(jbool(t1c, "completed"));
	json_decref(t1c);
	assert_int_equal(srv.pid, pid);
	assert_true(harness_alive(&srv, NULL));

	json_decref(t1);
	json_decref(t2);
	json_decref(t2c);
	json_decref(t3);
	free(auth);
}

/* ---- tests: shutdown ---- */

/* A fresh instance, and the one every other test used (so this runs last):
 * both exit with status 0 soon after SIGTERM. */
static void test_sigterm_exits_cleanly(void **state)
{
	(void)state;
	struct harness_todod t;
	start_server(&t, NULL);
	/* Use the database first, so shutdown also closes worker connections. */
	struct harness_reply r;
	assert_int_equal(invoke(&t, HTTP_GET, "api/alice/tasks", "", NULL, 0, auth_alice, &r), RPC_OK);
	harness_reply_release(&r);
	stop_server_cleanly(&t);

	assert_true(harness_alive(&srv, NULL));
	stop_server_cleanly(&srv);
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	(void)state;
	snprintf(db_kv, sizeof(db_kv), "TODOD_DATABASE_URL=%s", db_url);
	int dport = harness_free_port();   /* nothing listens there: no daprd */
	if (dport < 0)
		return -1;
	snprintf(dapr_port_kv, sizeof(dapr_port_kv), "DAPR_GRPC_PORT=%d", dport);
	if (migrate("down", "100") != 0 || migrate("up", NULL) != 0) {
		fprintf(stderr, "# could not reset the schema of TODOD_TEST_DATABASE_URL\n");
		return -1;
	}
	const char *env[8];
	server_env(env, NULL);
	if (harness_start(&srv, todod_bin, env) != 0)
		return -1;
	char why[512];
	if (harness_wait_healthy(&srv, READY_TIMEOUT_MS, why, sizeof(why)) != 0) {
		fprintf(stderr, "# todod did not become healthy: %s\n", why);
		harness_kill(&srv);
		return -1;
	}
	time_t now = time(NULL);
	auth_alice = bearer(auth_mint_token("alice", (const uint8_t *)TEST_KEY, strlen(TEST_KEY), now, 3600));
	auth_bob = bearer(auth_mint_token("bob", (const uint8_t *)TEST_KEY, strlen(TEST_KEY), now, 3600));
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(auth_alice);
	free(auth_bob);
	harness_kill(&srv);   /* still running only if a test failed */
	return 0;
}

static const char *missing_env;

static void test_environment(void **state)
{
	(void)state;
	fail_msg("%s is not set: the integration suite needs it (see test/integration/meson.build); "
		 "it does not skip", missing_env);
}

int main(void)
{
	todod_bin = getenv("TODOD_TEST_BIN");
	source_root = getenv("TODOD_TEST_SOURCE_ROOT");
	db_url = getenv("TODOD_TEST_DATABASE_URL");
	missing_env = !todod_bin || !*todod_bin ? "TODOD_TEST_BIN" :
		      !source_root || !*source_root ? "TODOD_TEST_SOURCE_ROOT" :
		      !db_url || !*db_url ? "TODOD_TEST_DATABASE_URL (a PostgreSQL URL the suite may wipe)" :
		      NULL;
	if (missing_env) {
		const struct CMUnitTest env_tests[] = { cmocka_unit_test(test_environment) };
		return cmocka_run_group_tests_name("appcallback", env_tests, NULL, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	rpc_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_is_public),
		cmocka_unit_test(test_task_crud),
		cmocka_unit_test(test_list_status_filter),
		cmocka_unit_test(test_list_filter_at_its_limits),
		cmocka_unit_test(test_toggle_complete),
		cmocka_unit_test(test_if_version_precondition),
		cmocka_unit_test(test_auth_failures),
		cmocka_unit_test(test_subject_must_match_user),
		cmocka_unit_test(test_users_are_isolated),
		cmocka_unit_test(test_malformed_input_changes_nothing),
		cmocka_unit_test(test_unsupported_verb),
		cmocka_unit_test(test_unknown_route),
		cmocka_unit_test(test_unknown_grpc_method),
		cmocka_unit_test(test_list_topic_subscriptions),
		cmocka_unit_test(test_job_event_unknown_name_is_acknowledged),
		cmocka_unit_test(test_app_api_token),
		cmocka_unit_test(test_database_restart),
		cmocka_unit_test(test_sigterm_exits_cleanly),
	};
	int failed = cmocka_run_group_tests_name("appcallback", tests, group_setup, group_teardown);
	rpc_shutdown();
	return failed;
}
