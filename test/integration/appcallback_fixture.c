/*
 * appcallback_fixture.c - what the AppCallback integration suites share:
 * one todod started against a freshly migrated TODOD_TEST_DATABASE_URL per
 * suite (group fixtures), tokens, calls through OnInvoke, JSON and
 * database helpers. Each test_*.c file holds the tests of one resource or
 * concern and runs them with fixture_run.
 */
#include "appcallback_fixture.h"

const char *todod_bin;
const char *db_url;
const char *source_root;
char db_kv[1024];
char dapr_port_kv[64];

struct harness_todod srv;        /* the instance most tests talk to */
char *auth_alice;                /* "Bearer <token for alice>" */
char *auth_bob;

/* ---- helpers: environment, processes ---- */

/* The environment of a todod under test; @extra is one more "K=V" or NULL. */
void server_env(const char *env[8], const char *extra)
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

int migrate(const char *a1, const char *a2)
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
void start_server(struct harness_todod *t, const char *extra_env)
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
void stop_server_cleanly(struct harness_todod *t)
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

char *bearer(char *token)
{
	assert_non_null(token);
	char *s = NULL;
	assert_true(asprintf(&s, "Bearer %s", token) > 0);
	free(token);
	return s;
}

/* A token with any claims and algorithm, signed by libjwt with @key. */
char *craft(jwt_alg_t alg, const char *key, const char *claims)
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

char *mint(const char *sub, time_t now, long ttl)
{
	return bearer(auth_mint_token(sub, (const uint8_t *)TEST_KEY, strlen(TEST_KEY), now, ttl));
}

/* ---- helpers: calls ---- */

const char *verb_name(int verb)
{
	static const char *const names[] = { "NONE", "GET", "HEAD", "POST", "PUT",
		"DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" };
	return verb >= 0 && verb <= HTTP_PATCH ? names[verb] : "?";
}

int invoke(struct harness_todod *t, int verb, const char *path, const char *query,
		  const char *body, size_t len, const char *auth, struct harness_reply *r)
{
	return harness_invoke(t, verb, path, query, body, len, auth, NULL, 0, r);
}

/* A call that must succeed with a JSON body; returns the JSON (caller decrefs). */
json_t *call_ok(int verb, const char *path, const char *query, const char *body,
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
void call_err_on(struct harness_todod *t, int verb, const char *path, const char *query,
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

void call_err(int verb, const char *path, const char *query, const char *body,
		     const char *auth, int code, const char *want)
{
	call_err_on(&srv, verb, path, query, body, body ? strlen(body) : 0, auth, code, want);
}

/* A call of any method with a raw request message. */
int call_method(struct harness_todod *t, const char *method, const ProtobufCMessage *msg,
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

json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("JSON member \"%s\" is not an integer", key);
	return json_integer_value(v);
}

const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("JSON member \"%s\" is not a string", key);
	return json_string_value(v);
}

bool jbool(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_boolean(v))
		fail_msg("JSON member \"%s\" is not a boolean", key);
	return json_is_true(v);
}

void task_path(char *buf, size_t size, const char *user, json_int_t id, const char *tail)
{
	snprintf(buf, size, "api/%s/tasks/%lld%s", user, (long long)id, tail ? tail : "");
}

void tasks_path(char *buf, size_t size, const char *user)
{
	snprintf(buf, size, "api/%s/tasks", user);
}

/* Create a task for @user; returns the created task (caller decrefs). */
json_t *create_task(const char *user, const char *auth, const char *title,
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

json_t *get_task(const char *user, const char *auth, json_int_t id)
{
	char path[128];
	task_path(path, sizeof(path), user, id, NULL);
	return call_ok(HTTP_GET, path, "", NULL, auth);
}

/* List @user's tasks with ?@query; checks count == array size. Caller decrefs. */
json_t *list_tasks(const char *user, const char *auth, const char *query)
{
	char path[128];
	tasks_path(path, sizeof(path), user);
	json_t *l = call_ok(HTTP_GET, path, query, NULL, auth);
	json_t *arr = json_object_get(l, "tasks");
	assert_true(json_is_array(arr));
	assert_int_equal(jint(l, "count"), json_array_size(arr));
	return l;
}

bool list_has(json_t *list, json_int_t id)
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
char *db_fingerprint(void)
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

void assert_fingerprint(const char *before)
{
	char *after = db_fingerprint();
	if (strcmp(before, after) != 0)
		fail_msg("the tasks table changed: before \"%s\", after \"%s\"", before, after);
	free(after);
}

/* A string of @n copies of the UTF-8 character @ch. */
char *repeat(const char *ch, size_t n)
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
char *body_with(const char *key, const char *value)
{
	json_t *o = strcmp(key, "title") == 0 ? json_pack("{ss}", "title", value)
					     : json_pack("{ss ss}", "title", "t", key, value);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}


/* ---- helpers: other AppCallback methods ---- */

/* OnJobEvent(Alpha1) for @name; returns the status (reply checked to decode). */
int job_event(struct harness_todod *t, const char *method, const char *name,
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

/* ---- fixtures ---- */

int group_setup(void **state)
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

int group_teardown(void **state)
{
	(void)state;
	free(auth_alice);
	free(auth_bob);
	harness_kill(&srv);   /* still running only if a test failed */
	return 0;
}

const char *missing_env;

void test_environment(void **state)
{
	(void)state;
	fail_msg("%s is not set: the integration suite needs it (see test/integration/meson.build); "
		 "it does not skip", missing_env);
}

/* fixture_run - run @tests as the suite @name against a fresh schema and
 * one todod (the group fixtures above); a missing environment variable is a
 * failing test, never a skip. */
int fixture_run(const char *name, const struct CMUnitTest *tests, size_t n)
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
		return _cmocka_run_group_tests(name, env_tests, 1, NULL, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	rpc_init();
	int failed = _cmocka_run_group_tests(name, tests, n, group_setup, group_teardown);
	rpc_shutdown();
	return failed;
}
