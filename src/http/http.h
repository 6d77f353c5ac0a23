/*
 * http.h - REST requests as they arrive through daprd's OnInvoke, and the
 * handler signature every route implements.
 *
 * daprd turns `VERB /v1.0/invoke/<app-id>/method/<path>?<query>` into an
 * InvokeRequest {method = <path>, http_extension = {verb, querystring}}; HTTP
 * headers arrive as gRPC metadata (lower-case; IANA permanent headers get a
 * "dapr-" prefix, Authorization does not).
 */
#ifndef TODOD_HTTP_HTTP_H
#define TODOD_HTTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Values equal Dapr's common.v1.HTTPExtension.Verb. */
enum http_verb {
	HTTP_NONE = 0,
	HTTP_GET = 1,
	HTTP_HEAD = 2,
	HTTP_POST = 3,
	HTTP_PUT = 4,
	HTTP_DELETE = 5,
	HTTP_CONNECT = 6,
	HTTP_OPTIONS = 7,
	HTTP_TRACE = 8,
	HTTP_PATCH = 9,
};

const char *http_verb_name(int verb);

#define ROUTE_MAX_PARAMS 4
#define ROUTE_PARAM_MAX 128

struct route;

struct http_request {
	enum http_verb verb;
	const char *path;             /* "api/alice/tasks/3" (no leading '/') */
	const char *query;            /* raw query string without '?', "" if none */
	const uint8_t *body;
	size_t body_len;
	const char *authorization;    /* Authorization header value, or NULL */
	const char *origin;           /* Origin (dapr-origin), or NULL; read by mcp/ */
	const char *mcp_protocol_version; /* MCP-Protocol-Version, or NULL; read by mcp/ */

	/* Filled by the router. */
	const struct route *route;
	const char *param_names[ROUTE_MAX_PARAMS];
	char param_values[ROUTE_MAX_PARAMS][ROUTE_PARAM_MAX];
	int nparams;

	/* Filled by authentication: the token's subject. */
	char subject[ROUTE_PARAM_MAX];

	void *app;                    /* struct app *, for handlers */
};

struct http_response {
	char *body;                   /* malloc'd JSON on success, or NULL */
	struct err err;               /* set when the handler fails */
};

/* A handler returns 0 and sets resp->body, or returns a TODO_E* code and
 * fills resp->err (err_set returns the code, so `return err_set(...)`). */
typedef int (*http_handler_fn)(struct http_request *req, struct http_response *resp);

/* http_param - value of route parameter @name, or NULL. */
const char *http_param(const struct http_request *req, const char *name);

/* http_param_id - route parameter @name ("task_id", "tag_id", ...) as a
 * positive int64 id (base/num.h). Returns 0 or TODO_EINVAL naming @name:
 * "tag_id \"abc\" is not a positive integer". */
int http_param_id(const struct http_request *req, const char *name, int64_t *id, struct err *e);

#endif
