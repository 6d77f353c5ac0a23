/* tags.c - /api/{user_id}/tags and the tags of one task
 * (/api/{user_id}/tasks/{task_id}/tags/{tag_id}): parse, call the use case
 * (changes/tag_changes.h) or, to list, the repository, encode. */
#include "api/api.h"

#include "changes/tag_changes.h"
#include "http/query.h"
#include "json/tag_json.h"
#include "service/tag.h"
#include "store/tag_repo.h"

/* Common start of the routes without a body: no query, no body, and the
 * ids of the path (@task_id NULL: the route has no {task_id}). */
static int bodiless_target(struct http_request *req, int64_t *task_id, int64_t *tag_id,
			   struct err *e)
{
	int rc = api_no_query(req, e);
	if (rc == 0)
		rc = api_no_body(req, e);
	if (rc == 0 && task_id)
		rc = http_param_id(req, "task_id", task_id, e);
	if (rc == 0)
		rc = http_param_id(req, "tag_id", tag_id, e);
	return rc;
}

int api_tags_list(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int rc = api_no_query(req, e);
	if (rc == 0)
		rc = api_no_body(req, e);
	if (rc)
		return rc;
	struct tag *tags;
	size_t n;
	rc = tag_repo_list(http_param(req, "user_id"), &tags, &n, e);
	if (rc)
		return rc;
	resp->body = tag_json_encode_list(tags, n);
	tags_free(tags, n);
	return 0;
}

int api_tags_create(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	struct tag_input in;
	struct tag t;
	int rc = api_no_query(req, e);
	if (rc)
		return rc;
	rc = tag_json_parse_input(req->body, req->body_len, &in, e);
	if (rc == 0)
		rc = tag_input_validate(&in, true, e);
	if (rc == 0)
		rc = tag_change_create(http_param(req, "user_id"), in.name, in.color, &t, e);
	tag_input_release(&in);
	if (rc)
		return rc;
	resp->body = tag_json_encode(&t);
	tag_release(&t);
	return 0;
}

int api_tags_update(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id;
	struct tag_input in;
	struct tag t;
	int rc = api_no_query(req, e);
	if (rc == 0)
		rc = http_param_id(req, "tag_id", &id, e);
	if (rc)
		return rc;
	rc = tag_json_parse_input(req->body, req->body_len, &in, e);
	if (rc == 0)
		rc = tag_input_validate(&in, false, e);
	/* The repository keeps a field given as NULL and clears the color on "". */
	const char *name = in.has_name ? in.name : NULL;
	const char *color = !in.has_color ? NULL : in.color ? in.color : "";
	if (rc == 0)
		rc = tag_change_update(http_param(req, "user_id"), API_ACTOR(req), id, name, color, &t, e);
	tag_input_release(&in);
	if (rc)
		return rc;
	resp->body = tag_json_encode(&t);
	tag_release(&t);
	return 0;
}

int api_tags_delete(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t id;
	int rc = bodiless_target(req, NULL, &id, e);
	if (rc == 0)
		rc = tag_change_delete(http_param(req, "user_id"), API_ACTOR(req), id, e);
	if (rc)
		return rc;
	resp->body = tag_json_encode_deleted(id);
	return 0;
}

int api_tags_attach(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t task_id, tag_id;
	int rc = bodiless_target(req, &task_id, &tag_id, e);
	if (rc == 0)
		rc = tag_change_attach(http_param(req, "user_id"), API_ACTOR(req), task_id, tag_id, e);
	if (rc)
		return rc;
	resp->body = tag_json_encode_link(task_id, tag_id, true);
	return 0;
}

int api_tags_detach(struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int64_t task_id, tag_id;
	int rc = bodiless_target(req, &task_id, &tag_id, e);
	if (rc == 0)
		rc = tag_change_detach(http_param(req, "user_id"), API_ACTOR(req), task_id, tag_id, e);
	if (rc)
		return rc;
	resp->body = tag_json_encode_link(task_id, tag_id, false);
	return 0;
}
