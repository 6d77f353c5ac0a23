/*
 * Unit tests for src/http/router.c against a small local route table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

static int h_health(struct http_request *req, struct http_response *resp)
{
	(void)req; (void)resp;
	return 0;
}

static int h_list(struct http_request *req, struct http_response *resp)
{
	(void)req; (void)resp;
	return 0;
}

static int h_create(struct http_request *req, struct http_response *resp)
{
	(void)req; (void)resp;
	return 0;
}

static int h_get(struct http_request *req, struct http_response *resp)
{
	(void)req; (void)resp;
	return 0;
}

static int h_put(struct http_request *req, struct http_response *resp)
{
	(void)req; (void)resp;
	return 0;
}

static int h_delete(struct http_request *req, struct http_response *resp)
{
	(void)req; (void)resp;
	return 0;
}

enum { R_HEALTH, R_LIST, R_CREATE, R_GET, R_PUT, R_DELETE, R_COUNT };

static const struct route routes[] = {
	[R_HEALTH] = { HTTP_GET, "healthz", h_health, ROUTE_PUBLIC },
	[R_LIST] = { HTTP_GET, "api/{user_id}/tasks", h_list, ROUTE_AUTH_USER },
	[R_CREATE] = { HTTP_POST, "api/{user_id}/tasks", h_create, ROUTE_AUTH_USER },
	[R_GET] = { HTTP_GET, "api/{user_id}/tasks/{id}", h_get, ROUTE_AUTH_USER },
	[R_PUT] = { HTTP_PUT, "api/{user_id}/tasks/{id}", h_put, ROUTE_AUTH_USER },
	[R_DELETE] = { HTTP_DELETE, "api/{user_id}/tasks/{id}", h_delete, ROUTE_AUTH_USER },
};

/* Route @verb @path; returns the router's code and leaves the request and
 * the error in @req / @e. */
static int route(enum http_verb verb, const char *path, struct http_request *req, struct err *e)
{
	memset(req, 0, sizeof(*req));
	req->verb = verb;
	req->path = path;
	req->query = "";
	err_clear(e);
	return router_match(routes, R_COUNT, req, e);
}

static void test_exact_match(void **state)
{
	(void)state;
	struct http_request req;
	struct err e;
	assert_int_equal(route(HTTP_GET, "healthz", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_HEALTH]);
	assert_ptr_equal(req.route->handler, h_health);
	assert_int_equal(req.nparams, 0);
	assert_int_equal(e.code, TODO_OK);
}

static void test_params_captured(void **state)
{
	(void)state;
	struct http_request req;
	struct err e;
	assert_int_equal(route(HTTP_GET, "api/alice/tasks/42", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_GET]);
	assert_int_equal(req.nparams, 2);
	assert_string_equal(req.param_names[0], "user_id");
	assert_string_equal(req.param_values[0], "alice");
	assert_string_equal(req.param_names[1], "id");
	assert_string_equal(req.param_values[1], "42");
	assert_string_equal(http_param(&req, "user_id"), "alice");
	assert_string_equal(http_param(&req, "id"), "42");
	assert_null(http_param(&req, "missing"));
	assert_null(http_param(&req, "{id}"));
}

/* The same path with different verbs reaches different routes. */
static void test_verb_selects_route(void **state)
{
	(void)state;
	struct http_request req;
	struct err e;
	assert_int_equal(route(HTTP_GET, "api/bob/tasks", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_LIST]);
	assert_int_equal(route(HTTP_POST, "api/bob/tasks", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_CREATE]);
	assert_int_equal(req.nparams, 1);
	assert_string_equal(http_param(&req, "user_id"), "bob");
	assert_int_equal(route(HTTP_DELETE, "api/bob/tasks/7", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_DELETE]);
	assert_string_equal(http_param(&req, "id"), "7");
}

static void test_trailing_slash_ignored(void **state)
{
	(void)state;
	struct http_request req;
	struct err e;
	assert_int_equal(route(HTTP_GET, "api/alice/tasks/", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_LIST]);
	assert_string_equal(http_param(&req, "user_id"), "alice");
	assert_int_equal(route(HTTP_GET, "healthz//", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_HEALTH]);
}

static void test_leading_slash_ignored(void **state)
{
	(void)state;
	struct http_request req;
	struct err e;
	assert_int_equal(route(HTTP_GET, "/api/alice/tasks/3", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_GET]);
	assert_string_equal(http_param(&req, "user_id"), "alice");
	assert_string_equal(http_param(&req, "id"), "3");
	assert_int_equal(route(HTTP_GET, "/healthz/", &req, &e), 0);
	assert_ptr_equal(req.route, &routes[R_HEALTH]);
}

/* A parameter never matches an empty segment, and "//" is not collapsed. */
static void test_empty_segments_not_found(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"api//tasks",
		"api/alice//3",
		"api/alice/tasks//3",
		"api//tasks/3",
		"",
		"/",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct http_request req;
		struct err e;
		int rc = route(HTTP_GET, paths[i], &req, &e);
		if (rc != TODO_ENOTFOUND)
			fail_msg("path \"%s\": got %d, want TODO_ENOTFOUND", paths[i], rc);
		assert_int_equal(e.code, TODO_ENOTFOUND);
		assert_null(req.route);
	}
}

static void test_verb_mismatch_lists_allowed(void **state)
{
	(void)state;
	struct http_request req;
	struct err e;
	assert_int_equal(route(HTTP_PATCH, "api/alice/tasks/3", &req, &e), TODO_EMETHOD);
	assert_int_equal(e.code, TODO_EMETHOD);
	assert_null(req.route);
	assert_has_substring(e.msg, "method PATCH is not allowed on \"/api/alice/tasks/3\"");
	assert_has_substring(e.msg, "allowed: GET, PUT, DELETE");

	assert_int_equal(route(HTTP_DELETE, "/api/alice/tasks/", &req, &e), TODO_EMETHOD);
	assert_has_substring(e.msg, "method DELETE is not allowed on \"/api/alice/tasks\"");
	assert_has_substring(e.msg, "allowed: GET, POST");

	assert_int_equal(route(HTTP_POST, "healthz", &req, &e), TODO_EMETHOD);
	assert_has_substring(e.msg, "allowed: GET");
	assert_null(strstr(e.msg, "POST,"));
}

static void test_unknown_path_not_found(void **state)
{
	(void)state;
	struct http_request req;
	struct err e;
	assert_int_equal(route(HTTP_GET, "nope", &req, &e), TODO_ENOTFOUND);
	assert_int_equal(e.code, TODO_ENOTFOUND);
	assert_has_substring(e.msg, "no route for GET \"/nope\"");

	/* Longer and shorter than every pattern. */
	assert_int_equal(route(HTTP_GET, "api/alice/tasks/3/extra", &req, &e), TODO_ENOTFOUND);
	assert_int_equal(route(HTTP_GET, "api/alice", &req, &e), TODO_ENOTFOUND);
	assert_int_equal(route(HTTP_GET, "api", &req, &e), TODO_ENOTFOUND);
	/* Literal segments match exactly, case included. */
	assert_int_equal(route(HTTP_GET, "API/alice/tasks", &req, &e), TODO_ENOTFOUND);
	assert_int_equal(route(HTTP_GET, "healthzz", &req, &e), TODO_ENOTFOUND);
	assert_int_equal(route(HTTP_GET, "health", &req, &e), TODO_ENOTFOUND);
}

/* A captured segment holds at most ROUTE_PARAM_MAX - 1 bytes. */
static void test_oversize_segment_invalid(void **state)
{
	(void)state;
	char seg[ROUTE_PARAM_MAX + 1];
	char path[sizeof(seg) + 32];
	struct http_request req;
	struct err e;

	memset(seg, 'a', ROUTE_PARAM_MAX - 1);
	seg[ROUTE_PARAM_MAX - 1] = '\0';
	snprintf(path, sizeof(path), "api/%s/tasks", seg);
	assert_int_equal(route(HTTP_GET, path, &req, &e), 0);
	assert_string_equal(http_param(&req, "user_id"), seg);

	memset(seg, 'a', ROUTE_PARAM_MAX);
	seg[ROUTE_PARAM_MAX] = '\0';
	snprintf(path, sizeof(path), "api/%s/tasks", seg);
	assert_int_equal(route(HTTP_GET, path, &req, &e), TODO_EINVAL);
	assert_int_equal(e.code, TODO_EINVAL);
	assert_null(req.route);
	assert_has_substring(e.msg, "path segment too long (max 127 bytes)");

	/* A whole path over 1023 bytes is refused naming the limit. */
	char longpath[1200];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(route(HTTP_GET, longpath, &req, &e), TODO_EINVAL);
	assert_has_substring(e.msg, "path is 1199 bytes, more than the limit of 1023");
}

static void test_verb_names(void **state)
{
	(void)state;
	assert_string_equal(http_verb_name(HTTP_GET), "GET");
	assert_string_equal(http_verb_name(HTTP_PATCH), "PATCH");
	assert_string_equal(http_verb_name(HTTP_NONE), "NONE");
	assert_string_equal(http_verb_name(-1), "NONE");
	assert_string_equal(http_verb_name(HTTP_PATCH + 1), "NONE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_match),
		cmocka_unit_test(test_params_captured),
		cmocka_unit_test(test_verb_selects_route),
		cmocka_unit_test(test_trailing_slash_ignored),
		cmocka_unit_test(test_leading_slash_ignored),
		cmocka_unit_test(test_empty_segments_not_found),
		cmocka_unit_test(test_verb_mismatch_lists_allowed),
		cmocka_unit_test(test_unknown_path_not_found),
		cmocka_unit_test(test_oversize_segment_invalid),
		cmocka_unit_test(test_verb_names),
	};
	return cmocka_run_group_tests_name("http/router", tests, NULL, NULL);
}
