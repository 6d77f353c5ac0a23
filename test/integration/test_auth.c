/*
 * test_auth.c - authentication and authorisation: bad tokens, the subject of the route, isolation between users, APP_API_TOKEN.
 * Shared set-up: appcallback_fixture.c.
 */
#include "appcallback_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_failures),
		cmocka_unit_test(test_subject_must_match_user),
		cmocka_unit_test(test_users_are_isolated),
		cmocka_unit_test(test_app_api_token),
	};
	return fixture_run("appcallback-auth", tests, sizeof(tests) / sizeof(tests[0]));
}
