/* tasks.c - /api/{user_id}/tasks: parse, call the repository, encode. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"

#include "changes/task_changes.h"
#include "http/query.h"
#include "json/task_json.h"
#include "service/filter.h"
#include "service/task.h"
#include "service/task_query.h"
#include "store/task_repo.h"

int api_tasks_list(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	static const char *const known[] = { "status", "search", "priority", "due_from", "due_to",
		"overdue", "tags", "tags_mode", "sort_by", "sort_order", "limit", "cursor", "filter", NULL };
	struct query q;
	struct task_query tq;
	task_query_init(&tq);
	int rc = query_parse(req->query, &q, e);
	if (rc == 0)
		rc = query_check_known(&q, known, e);
	const char *v;
	if (rc == 0)
		rc = task_status_parse(query_get(&q, "status"), &tq.status, e);
	if (rc == 0 && (v = query_get(&q, "search"))) {
		if (!*v || strlen(v) > TASK_SEARCH_MAX)
			rc = err_set(e, TODO_EINVAL, "search", "search must be 1 to %d bytes", TASK_SEARCH_MAX);
		else
			tq.search = xstrdup(v);
	}
	if (rc == 0 && (v = query_get(&q, "priority")))
		rc = task_query_set_priorities(&tq, v, e);
	if (rc == 0 && (v = query_get(&q, "due_from")))
		rc = task_query_set_time(tq.due_from, "due_from", v, e);
	if (rc == 0 && (v = query_get(&q, "due_to")))
		rc = task_query_set_time(tq.due_to, "due_to", v, e);
	if (rc == 0 && (v = query_get(&q, "overdue"))) {
		if (strcmp(v, "true") == 0)
			tq.overdue = true;
		else if (strcmp(v, "false") != 0)
			rc = err_set(e, TODO_EINVAL, "overdue", "overdue \"%.10s\" is not true or false", v);
	}
	if (rc == 0 && (v = query_get(&q, "tags")))
		rc = task_query_set_tags(&tq, v, e);
	if (rc == 0 && (v = query_get(&q, "tags_mode"))) {
		if (strcmp(v, "all") == 0)
			tq.tags_all = true;
		else if (strcmp(v, "any") != 0)
			rc = err_set(e, TODO_EINVAL, "tags_mode", "tags_mode \"%.10s\" is not any or all", v);
	}
	if (rc == 0)
		rc = task_query_set_sort(&tq, query_get(&q, "sort_by"), query_get(&q, "sort_order"), e);
	if (rc == 0 && (v = query_get(&q, "limit")))
		rc = task_query_set_limit(&tq, v, e);
	if (rc == 0 && (v = query_get(&q, "cursor")))
		rc = task_cursor_decode(&tq, v, e);
	if (rc == 0 && (v = query_get(&q, "filter")))
		rc = filter_parse(v, strlen(v), (int64_t)time(NULL), &tq.filter, NULL, e);
	query_release(&q);
	if (rc == 0)
		rc = api_no_body(req, e);
	struct task *tasks = NULL;
	size_t n = 0;
	char *next = NULL;
	if (rc == 0)
		rc = task_repo_query(http_param(req, "user_id"), &tq, &tasks, &n, &next, e);
	task_query_release(&tq);
	if (rc)
		return rc;
	resp->body = task_json_encode_page(tasks, n, next);
	for (size_t i = 0; i < n; i++)
		task_release(&tasks[i]);
	free(tasks);
	free(next);
	return 0;
}

int api_tasks_create(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	struct task_input in;
	struct task t;
	int rc = api_no_query(req, e);
	if (rc)
		return rc;
	rc = task_json_parse_input(req->body, req->body_len, &in, e);
	if (rc == 0)
		rc = task_input_validate(&in, true, e);
	if (rc == 0)
		rc = task_change_create(http_param(req, "user_id"), API_ACTOR(req), &in, &t, e);
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
		rc = api_no_query(req, e);
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
		rc = api_no_body(req, e);
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
		rc = task_change_update(http_param(req, "user_id"), API_ACTOR(req), id, if_version, &in, &t, e);
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
		rc = api_no_body(req, e);
	if (rc == 0)
		rc = task_change_delete(http_param(req, "user_id"), API_ACTOR(req), id, if_version, e);
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
		rc = api_no_body(req, e);
	if (rc == 0)
		rc = task_change_toggle_complete(http_param(req, "user_id"), API_ACTOR(req), id, if_version, &t, e);
	if (rc)
		return rc;
	resp->body = task_json_encode(&t);
	task_release(&t);
	return 0;
}

/* POST .../skip-occurrence and .../stop-recurrence share one shape. */
static int series_action(struct http_request *req, struct http_response *resp, bool skip)
{
	struct err *e = &resp->err;
	int64_t id, if_version;
	struct task t;
	int rc = task_target(req, &id, &if_version, e);
	if (rc == 0)
		rc = api_no_body(req, e);
	if (rc == 0)
		rc = skip ? task_change_skip(http_param(req, "user_id"), API_ACTOR(req), id, if_version, &t, e)
			  : task_change_stop_recurrence(http_param(req, "user_id"), API_ACTOR(req), id,
							if_version, &t, e);
	if (rc)
		return rc;
	resp->body = task_json_encode(&t);
	task_release(&t);
	return 0;
}

int api_tasks_skip_occurrence(struct http_request *req, struct http_response *resp)
{
	return series_action(req, resp, true);
}

int api_tasks_stop_recurrence(struct http_request *req, struct http_response *resp)
{
	return series_action(req, resp, false);
}

/* GET .../occurrences: the whole series of the task, oldest first. */
int api_tasks_occurrences(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id;
	struct task t;
	int rc = task_target(req, &id, NULL, e);
	if (rc == 0)
		rc = api_no_body(req, e);
	if (rc == 0)
		rc = task_repo_get(http_param(req, "user_id"), id, &t, e);
	if (rc)
		return rc;
	int64_t root = t.parent_task_id ? t.parent_task_id : t.id;
	task_release(&t);
	struct task *tasks;
	size_t n;
	rc = task_repo_series(http_param(req, "user_id"), root, &tasks, &n, e);
	if (rc)
		return rc;
	resp->body = task_json_encode_page(tasks, n, NULL);
	for (size_t i = 0; i < n; i++)
		task_release(&tasks[i]);
	free(tasks);
	return 0;
}
