/*
 * query.h - URL query strings ("a=1&b=x%20y") as daprd passes them in
 * HTTPExtension.querystring (without the leading '?').
 */
#ifndef TODOD_HTTP_QUERY_H
#define TODOD_HTTP_QUERY_H

#include <stddef.h>

#include "base/err.h"

struct query_param {
	char *key;      /* decoded, malloc'd */
	char *value;    /* decoded, malloc'd; "" for "key" without '=' */
};

struct query {
	struct query_param *items;
	size_t n;
};

/* query_parse - decode @qs ('+' is a space, %XX escapes) into @q, which the
 * caller releases with query_release on every path. Returns 0, or
 * TODO_EINVAL for a malformed escape, an empty key or text that is not
 * UTF-8 (naming the parameter in @e). */
int query_parse(const char *qs, struct query *q, struct err *e);

/* query_get - the first value of @key, or NULL. */
const char *query_get(const struct query *q, const char *key);

/* query_check_known - TODO_EINVAL naming the first key not in the
 * NULL-terminated list @known, or a key given twice. */
int query_check_known(const struct query *q, const char *const *known, struct err *e);

void query_release(struct query *q);

#endif
