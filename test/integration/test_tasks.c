/*
 * test_tasks.c - the tasks routes through OnInvoke: CRUD, listing and its filter, completion, if_version, and that malformed input changes nothing.
 * Shared set-up: appcallback_fixture.c.
 */
#include "appcallback_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task_crud),
		cmocka_unit_test(test_list_status_filter),
		cmocka_unit_test(test_list_filter_at_its_limits),
		cmocka_unit_test(test_toggle_complete),
		cmocka_unit_test(test_if_version_precondition),
		cmocka_unit_test(test_malformed_input_changes_nothing),
	};
	return fixture_run("appcallback-tasks", tests, sizeof(tests) / sizeof(tests[0]));
}
