/* reminders.c - reminders of tasks: /api/{user_id}/tasks/{task_id}/reminder
 * and /api/{user_id}/reminders. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "changes/reminder_changes.h"
#include "http/query.h"
#include "json/reminder_json.h"
#include "service/task.h"
#include "store/reminder_repo.h"

static int no_query_or_body(struct http_request *req, bool body_allowed, struct err *e)
{
	int rc = api_no_query(req, e);
	if (rc == 0 && !body_allowed)
		rc = api_no_body(req, e);
	return rc;
}

static int set_reminder(struct http_request *req, struct http_response *resp, bool replace)
{
	struct err *e = &resp->err;
	int64_t task_id;
	struct reminder_input in = { 0 };
	struct reminder r;
	int rc = no_query_or_body(req, true, e);
	if (rc == 0)
		rc = http_param_id(req, "task_id", &task_id, e);
	if (rc == 0)
		rc = reminder_json_parse_input(req->body, req->body_len, &in, e);
	if (rc == 0)
		rc = reminder_input_validate(&in, e);
	if (rc == 0)
		rc = reminder_change_create(http_param(req, "user_id"), task_id, &in, replace, &r, e);
	reminder_input_release(&in);
	if (rc)
		return rc;
	resp->body = reminder_json_encode(&r);
	return 0;
}

int api_reminder_create(struct http_request *req, struct http_response *resp)
{
	return set_reminder(req, resp, false);
}

int api_reminder_replace(struct http_request *req, struct http_response *resp)
{
	return set_reminder(req, resp, true);
}

int api_reminder_delete_for_task(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t task_id;
	int n = 0;
	int rc = no_query_or_body(req, false, e);
	if (rc == 0)
		rc = http_param_id(req, "task_id", &task_id, e);
	if (rc == 0)
		rc = reminder_change_cancel_task(http_param(req, "user_id"), task_id, &n, e);
	if (rc)
		return rc;
	resp->body = reminder_json_encode_cancelled(task_id, n);
	return 0;
}

int api_reminders_list(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	struct query q;
	static const char *const known[] = { "status", NULL };
	int rc = query_parse(req->query, &q, e);
	if (rc == 0)
		rc = query_check_known(&q, known, e);
	const char *status = rc ? NULL : query_get(&q, "status");
	if (rc == 0 && status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 &&
	    strcmp(status, "cancelled") != 0)
		rc = err_set(e, TODO_EINVAL, "status", "status \"%.16s\" is not one of pending, sent, cancelled",
			     status);
	struct reminder *r = NULL;
	size_t n = 0;
	if (rc == 0 && req->body_len)
		rc = err_set(e, TODO_EINVAL, "body", "this route takes no request body");
	if (rc == 0)
		rc = reminder_repo_list(http_param(req, "user_id"), status, 200, &r, &n, e);
	query_release(&q);
	if (rc)
		return rc;
	resp->body = reminder_json_encode_list(r, n);
	free(r);
	return 0;
}

int api_reminder_cancel(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id;
	struct reminder r;
	int rc = no_query_or_body(req, false, e);
	if (rc == 0)
		rc = http_param_id(req, "reminder_id", &id, e);
	if (rc == 0)
		rc = reminder_change_cancel(http_param(req, "user_id"), id, &r, e);
	if (rc)
		return rc;
	resp->body = reminder_json_encode(&r);
	return 0;
}
