/* activity.c - GET /api/{user_id}/activity-logs: the user's activity, newest first. */
#include "api/api.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "http/query.h"
#include "json/activity_json.h"
#include "service/task.h"
#include "store/activity_repo.h"

#define ACTIVITY_LIMIT_DEFAULT 50
#define ACTIVITY_LIMIT_MAX 200

/* A positive integer query value, or TODO_EINVAL naming @field. */
static int positive(const char *s, const char *field, long long max, long long *out, struct err *e)
{
	int64_t v;
	if (!num_parse_positive(s, max, &v))
		return err_set(e, TODO_EINVAL, field, "%s \"%.32s\" is not an integer in [1, %lld]",
			       field, s ? s : "", max);
	*out = v;
	return 0;
}


int api_activity_list(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	struct query q;
	static const char *const known[] = { "limit", "cursor", "task_id", NULL };
	long long limit = ACTIVITY_LIMIT_DEFAULT, task_id = 0;
	struct activity_key before = { 0 };
	bool has_before = false;
	int rc = query_parse(req->query, &q, e);
	if (rc == 0)
		rc = query_check_known(&q, known, e);
	const char *v;
	if (rc == 0 && (v = query_get(&q, "limit")))
		rc = positive(v, "limit", ACTIVITY_LIMIT_MAX, &limit, e);
	/* The cursor is opaque to clients: "b<occurred µs>.<id>" of the last entry seen. */
	if (rc == 0 && (v = query_get(&q, "cursor"))) {
		has_before = activity_cursor_decode(v, &before);
		if (!has_before)
			rc = err_set(e, TODO_EINVAL, "cursor", "cursor \"%.40s\" is not one this API returned", v);
	}
	if (rc == 0 && (v = query_get(&q, "task_id")))
		rc = positive(v, "task_id", INT64_MAX, &task_id, e);
	query_release(&q);
	if (rc)
		return rc;
	struct activity_entry *a;
	size_t n;
	rc = activity_repo_list(http_param(req, "user_id"), task_id, has_before ? &before : NULL,
			   (int)limit, &a, &n, e);
	if (rc)
		return rc;
	char cursor[ACTIVITY_CURSOR_MAX];
	if (n == (size_t)limit)
		activity_cursor_encode(&a[n - 1].key, cursor);
	resp->body = activity_json_list(a, n, n == (size_t)limit ? cursor : NULL);
	activity_entries_free(a, n);
	return 0;
}
