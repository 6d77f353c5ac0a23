/*
 * test_routing.c - routing and the other AppCallback methods: the public version route, unsupported verbs, unknown routes and gRPC methods, topic subscriptions, job events.
 * Shared set-up: appcallback_fixture.c.
 */
#include "appcallback_fixture.h"

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
	 * and the dead-letter topic itself, both on the "pubsub" component,
	 * then the real-time fan-out of task-updates and reminders on the
	 * broadcast component. */
	assert_int_equal(out->n_subscriptions, 4);
	assert_string_equal(out->subscriptions[0]->topic, "task-events");
	assert_string_equal(out->subscriptions[0]->dead_letter_topic, "task-events-dlq");
	assert_string_equal(out->subscriptions[0]->pubsub_name, "pubsub");
	assert_string_equal(out->subscriptions[1]->topic, "task-events-dlq");
	assert_string_equal(out->subscriptions[1]->dead_letter_topic, "");
	assert_string_equal(out->subscriptions[2]->topic, "task-updates");
	assert_string_equal(out->subscriptions[2]->pubsub_name, "pubsub-broadcast");
	assert_string_equal(out->subscriptions[3]->topic, "reminders");
	assert_string_equal(out->subscriptions[3]->pubsub_name, "pubsub-broadcast");
	dapr__proto__runtime__v1__list_topic_subscriptions_response__free_unpacked(out, NULL);
	rpc_reply_release(&r);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_is_public),
		cmocka_unit_test(test_unsupported_verb),
		cmocka_unit_test(test_unknown_route),
		cmocka_unit_test(test_unknown_grpc_method),
		cmocka_unit_test(test_list_topic_subscriptions),
		cmocka_unit_test(test_job_event_unknown_name_is_acknowledged),
	};
	return fixture_run("appcallback-routing", tests, sizeof(tests) / sizeof(tests[0]));
}
