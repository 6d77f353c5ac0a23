/*
 * router.h - one route table for the REST API: {verb, pattern, handler}.
 *
 * Patterns are slash-separated segments; "{name}" captures one non-empty
 * segment (at most ROUTE_PARAM_MAX-1 bytes). Matching is exact otherwise.
 */
#ifndef TODOD_HTTP_ROUTER_H
#define TODOD_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

enum route_flags {
	ROUTE_PUBLIC = 0,
	ROUTE_AUTH_USER = 1u << 0,    /* bearer JWT whose sub equals {user_id} */
	ROUTE_DIAGNOSTICS = 1u << 1,  /* only when diagnostics are enabled */
};

struct route {
	enum http_verb verb;
	const char *pattern;          /* "api/{user_id}/tasks/{id}" */
	http_handler_fn handler;
	unsigned flags;
};

/* router_match - find the route for @req->verb and @req->path and fill
 * @req's route and parameters. Returns 0, or
 *   TODO_ENOTFOUND  no pattern matches the path;
 *   TODO_EMETHOD    a pattern matches but not with this verb (the message
 *                   lists the allowed verbs);
 *   TODO_EINVAL     a parameter segment is too long.
 * and fills @e. */
int router_match(const struct route *routes, size_t n, struct http_request *req, struct err *e);

#endif
