/* tasks.c - /api/{user_id}/tasks: parse, call the repository, encode. */
#include "api/api.h"

#include <stdlib.h>

#include "events/task_changes.h"
#include "http/query.h"
#include "json/task_json.h"
#include "service/task.h"
#include "store/task_repo.h"

/* REST callers act as the user their token names. */
#define ACTOR(req) (&(struct actor){ .type = "user", .id = (req)->subject })

static int no_query(struct http_request *req, struct err *e)
{
	struct query q;
	int rc = query_parse(req->query, &q, e);
	if (rc == 0) {
		static const char *const known[] = { NULL };
		rc = query_check_known(&q, known, e);
	}
	query_release(&q);
	return rc;
}

static int no_body(struct http_request *req, struct err *e)
{
	if (req->body_len)
		return err_set(e, TODO_EINVAL, "body", "this route takes no request body");
	return 0;
}

int api_tasks_list(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	struct query q;
	enum task_status_filter filter;
	static const char *const known[] = { "status", NULL };
	int rc = query_parse(req->query, &q, e);
	if (rc == 0)
		rc = query_check_known(&q, known, e);
	if (rc == 0)
		rc = task_status_parse(query_get(&q, "status"), &filter, e);
	query_release(&q);
	if (rc == 0)
		rc = no_body(req, e);
	if (rc)
		return rc;
	struct task *tasks;
	size_t n;
	rc = task_repo_list(http_param(req, "user_id"), filter, &tasks, &n, e);
	if (rc)
		return rc;
	resp->body = task_json_encode_list(tasks, n);
	for (size_t i = 0; i < n; i++)
		task_release(&tasks[i]);
	free(tasks);
	return 0;
}

int api_tasks_create(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	struct task_input in;
	struct task t;
	int rc = no_query(req, e);
	if (rc)
		return rc;
	rc = task_json_parse_input(req->body, req->body_len, &in, e);
	if (rc == 0)
		rc = task_input_validate(&in, true, e);
	if (rc == 0)
		rc = task_change_create(http_param(req, "user_id"), ACTOR(req), &in, &t, e);
	task_input_release(&in);
	if (rc)
		return rc;
	resp->body = task_json_encode(&t);
	task_release(&t);
	return 0;
}

/* Common start of the routes on one task: a valid id and, for writes, an
 * optional ?if_version=N precondition (@if_version NULL: no query at all). */
static int task_target(struct http_request *req, int64_t *id, int64_t *if_version, struct err *e)
{
	int rc;
	if (if_version) {
		struct query q;
		static const char *const known[] = { "if_version", NULL };
		rc = query_parse(req->query, &q, e);
		if (rc == 0)
			rc = query_check_known(&q, known, e);
		if (rc == 0)
			rc = task_version_parse(query_get(&q, "if_version"), if_version, e);
		query_release(&q);
	} else {
		rc = no_query(req, e);
	}
	if (rc == 0)
		rc = task_id_parse(http_param(req, "id"), id, e);
	return rc;
}

int api_tasks_get(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id;
	struct task t;
	int rc = task_target(req, &id, NULL, e);
	if (rc == 0)
		rc = no_body(req, e);
	if (rc == 0)
		rc = task_repo_get(http_param(req, "user_id"), id, &t, e);
	if (rc)
		return rc;
	resp->body = task_json_encode(&t);
	task_release(&t);
	return 0;
}

int api_tasks_update(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id, if_version;
	struct task_input in;
	struct task t;
	int rc = task_target(req, &id, &if_version, e);
	if (rc)
		return rc;
	rc = task_json_parse_input(req->body, req->body_len, &in, e);
	if (rc == 0)
		rc = task_input_validate(&in, false, e);
	if (rc == 0)
		rc = task_change_update(http_param(req, "user_id"), ACTOR(req), id, if_version, &in, &t, e);
	task_input_release(&in);
	if (rc)
		return rc;
	resp->body = task_json_encode(&t);
	task_release(&t);
	return 0;
}

int api_tasks_delete(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id, if_version;
	int rc = task_target(req, &id, &if_version, e);
	if (rc == 0)
		rc = no_body(req, e);
	if (rc == 0)
		rc = task_change_delete(http_param(req, "user_id"), ACTOR(req), id, if_version, e);
	if (rc)
		return rc;
	resp->body = task_json_encode_deleted(id);
	return 0;
}

int api_tasks_toggle_complete(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id, if_version;
	struct task t;
	int rc = task_target(req, &id, &if_version, e);
	if (rc == 0)
		rc = no_body(req, e);
	if (rc == 0)
		rc = task_change_toggle_complete(http_param(req, "user_id"), ACTOR(req), id, if_version, &t, e);
	if (rc)
		return rc;
	resp->body = task_json_encode(&t);
	task_release(&t);
	return 0;
}
