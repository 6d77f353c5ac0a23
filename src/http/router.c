#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char *http_verb_name(int verb)
{
	static const char *const names[] = { "NONE", "GET", "HEAD", "POST", "PUT",
		"DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" };
	if (verb < 0 || verb > HTTP_PATCH)
		return "NONE";
	return names[verb];
}

const char *http_param(const struct http_request *req, const char *name)
{
	for (int i = 0; i < req->nparams; i++)
		if (strcmp(req->param_names[i], name) == 0)
			return req->param_values[i];
	return NULL;
}

/* Match @path against @pattern; on success store the captures in @req.
 * Returns 1 on match, 0 on no match, -1 when a capture is too long. */
static int match(const char *pattern, const char *path, struct http_request *req)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		const char *pe = strchr(p, '/');
		const char *se = strchr(s, '/');
		size_t plen = pe ? (size_t)(pe - p) : strlen(p);
		size_t slen = se ? (size_t)(se - s) : strlen(s);
		if (slen == 0)
			return 0;
		if (p[0] == '{') {
			if (n >= ROUTE_MAX_PARAMS)
				return 0;
			if (slen >= ROUTE_PARAM_MAX)
				return -1;
			memcpy(req->param_values[n], s, slen);
			req->param_values[n][slen] = '\0';
			req->param_names[n] = p;   /* "{name}..." - compared by http_param via name_buf */
			n++;
		} else if (plen != slen || memcmp(p, s, slen) != 0) {
			return 0;
		}
		p += plen + (pe ? 1 : 0);
		s += slen + (se ? 1 : 0);
		if ((pe == NULL) != (se == NULL))
			return 0;
	}
	if (*p || *s)
		return 0;
	req->nparams = n;
	return 1;
}

/* Parameter names live inside the pattern as "{name}"; copy them out once. */
static void bind_names(struct http_request *req, char names[ROUTE_MAX_PARAMS][32])
{
	for (int i = 0; i < req->nparams; i++) {
		const char *start = req->param_names[i] + 1;
		const char *end = strchr(start, '}');
		size_t len = end ? (size_t)(end - start) : strlen(start);
		if (len >= 32)
			len = 31;
		memcpy(names[i], start, len);
		names[i][len] = '\0';
		req->param_names[i] = names[i];
	}
}

int router_match(const struct route *routes, size_t n, struct http_request *req, struct err *e)
{
	/* Names must outlive this call: they are kept per thread. */
	static __thread char names[ROUTE_MAX_PARAMS][32];
	const char *path = req->path;
	while (*path == '/')
		path++;
	size_t plen = strlen(path);
	char trimmed[1024];
	if (plen >= sizeof(trimmed))
		return err_set(e, TODO_EINVAL, "path", "path is %zu bytes, more than the limit of %zu",
			       plen, sizeof(trimmed) - 1);
	memcpy(trimmed, path, plen + 1);
	while (plen > 0 && trimmed[plen - 1] == '/')
		trimmed[--plen] = '\0';

	char allowed[128] = "";
	bool path_known = false;
	for (size_t i = 0; i < n; i++) {
		struct http_request tmp = *req;
		int m = match(routes[i].pattern, trimmed, &tmp);
		if (m < 0)
			return err_set(e, TODO_EINVAL, NULL,
				       "path segment too long (max %d bytes)", ROUTE_PARAM_MAX - 1);
		if (m == 0)
			continue;
		if (routes[i].verb == req->verb) {
			*req = tmp;
			req->route = &routes[i];
			bind_names(req, names);
			return 0;
		}
		path_known = true;
		size_t al = strlen(allowed);
		snprintf(allowed + al, sizeof(allowed) - al, "%s%s", al ? ", " : "",
			 http_verb_name(routes[i].verb));
	}
	if (path_known)
		return err_set(e, TODO_EMETHOD, NULL,
			       "method %s is not allowed on \"/%s\"; allowed: %s",
			       http_verb_name(req->verb), trimmed, allowed);
	return err_set(e, TODO_ENOTFOUND, NULL, "no route for %s \"/%s\"",
		       http_verb_name(req->verb), trimmed);
}
