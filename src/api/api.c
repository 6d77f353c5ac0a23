#include "api/api.h"

#include <string.h>
#include <time.h>

#include "auth/jwt.h"
#include "base/metrics.h"
#include "base/ratelimit.h"
#include "events/relay.h"
#include "http/query.h"
#include "http/router.h"
#include "service/task.h"

/* The route table: every REST route of the service, in one place. */
static const struct route routes[] = {
	{ HTTP_GET, "api/version", api_meta_version, ROUTE_PUBLIC },
	{ HTTP_GET, "api/ops/outbox", api_ops_outbox, ROUTE_PUBLIC },
	{ HTTP_GET, "api/ops/dead-letters/{topic}/{event_id}", api_ops_dead_letter, ROUTE_DIAGNOSTICS },

	{ HTTP_GET, "api/{user_id}/tasks", api_tasks_list, ROUTE_AUTH_USER },
	{ HTTP_POST, "api/{user_id}/tasks", api_tasks_create, ROUTE_AUTH_USER },
	{ HTTP_GET, "api/{user_id}/tasks/{id}", api_tasks_get, ROUTE_AUTH_USER },
	{ HTTP_PUT, "api/{user_id}/tasks/{id}", api_tasks_update, ROUTE_AUTH_USER },
	{ HTTP_DELETE, "api/{user_id}/tasks/{id}", api_tasks_delete, ROUTE_AUTH_USER },
	{ HTTP_PATCH, "api/{user_id}/tasks/{id}/complete", api_tasks_toggle_complete, ROUTE_AUTH_USER },
	{ HTTP_POST, "api/{user_id}/tasks/{id}/skip-occurrence", api_tasks_skip_occurrence, ROUTE_AUTH_USER },
	{ HTTP_POST, "api/{user_id}/tasks/{id}/stop-recurrence", api_tasks_stop_recurrence, ROUTE_AUTH_USER },
	{ HTTP_GET, "api/{user_id}/tasks/{id}/occurrences", api_tasks_occurrences, ROUTE_AUTH_USER },

	{ HTTP_GET, "api/{user_id}/tags", api_tags_list, ROUTE_AUTH_USER },
	{ HTTP_POST, "api/{user_id}/tags", api_tags_create, ROUTE_AUTH_USER },
	{ HTTP_PUT, "api/{user_id}/tags/{tag_id}", api_tags_update, ROUTE_AUTH_USER },
	{ HTTP_DELETE, "api/{user_id}/tags/{tag_id}", api_tags_delete, ROUTE_AUTH_USER },
	{ HTTP_POST, "api/{user_id}/tasks/{task_id}/tags/{tag_id}", api_tags_attach, ROUTE_AUTH_USER },
	{ HTTP_DELETE, "api/{user_id}/tasks/{task_id}/tags/{tag_id}", api_tags_detach, ROUTE_AUTH_USER },

	{ HTTP_POST, "api/{user_id}/tasks/{task_id}/reminder", api_reminder_create, ROUTE_AUTH_USER },
	{ HTTP_PUT, "api/{user_id}/tasks/{task_id}/reminder", api_reminder_replace, ROUTE_AUTH_USER },
	{ HTTP_DELETE, "api/{user_id}/tasks/{task_id}/reminder", api_reminder_delete_for_task, ROUTE_AUTH_USER },
	{ HTTP_GET, "api/{user_id}/reminders", api_reminders_list, ROUTE_AUTH_USER },
	{ HTTP_DELETE, "api/{user_id}/reminders/{reminder_id}", api_reminder_cancel, ROUTE_AUTH_USER },

	{ HTTP_GET, "api/{user_id}/activity-logs", api_activity_list, ROUTE_AUTH_USER },

	{ HTTP_POST, "api/{user_id}/realtime/tickets", api_realtime_ticket, ROUTE_AUTH_USER },

	{ HTTP_POST, "api/{user_id}/selftest/pubsub", api_selftest_pubsub, ROUTE_AUTH_USER | ROUTE_DIAGNOSTICS },
	{ HTTP_POST, "api/{user_id}/selftest/job", api_selftest_job, ROUTE_AUTH_USER | ROUTE_DIAGNOSTICS },
	{ HTTP_GET, "api/{user_id}/selftest/{probe_id}", api_selftest_status, ROUTE_AUTH_USER | ROUTE_DIAGNOSTICS },
};

void api_metrics_define(void)
{
	metrics_define("todod_rate_limited_total", METRIC_COUNTER,
		       "Requests refused by the per-user rate limit (HTTP 429).", NULL, 0);
	metrics_define("todod_writes_paused_total", METRIC_COUNTER,
		       "Writes refused because the oldest unpublished event was older than "
		       "TODOD_MAX_EVENT_LAG_MS (HTTP 429).", NULL, 0);
	metrics_counter_add("todod_rate_limited_total", NULL, 0);
	metrics_counter_add("todod_writes_paused_total", NULL, 0);
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Admission of an authenticated request: the user's rate limit, and for a
 * write, the event pipeline's lag. Both refusals are TODO_EBUSY (429):
 * nothing was changed and the client should retry later. */
static int admit(struct app *app, const struct http_request *req, const char *user, struct err *e)
{
	int64_t retry_ms;
	if (app->limiter && !ratelimit_take(app->limiter, user, mono_us(), &retry_ms)) {
		metrics_counter_add("todod_rate_limited_total", NULL, 1);
		return err_set(e, TODO_EBUSY, NULL,
			       "rate limit exceeded: at most %d requests per second per user "
			       "(bursts of %d); retry in %lld ms", app->cfg->rate_limit_rps,
			       app->cfg->rate_limit_burst, (long long)retry_ms);
	}
	int limit = app->cfg->max_event_lag_ms;
	if (limit > 0 && req->verb != HTTP_GET && req->verb != HTTP_HEAD) {
		int64_t lag = relay_lag_ms();
		if (lag > limit) {
			metrics_counter_add("todod_writes_paused_total", NULL, 1);
			return err_set(e, TODO_EBUSY, NULL,
				       "writes are paused: the oldest unpublished event is %lld ms old, "
				       "more than the limit of %d ms; retry later",
				       (long long)lag, limit);
		}
	}
	return 0;
}

int api_dispatch(struct app *app, struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	int rc = router_match(routes, sizeof(routes) / sizeof(routes[0]), req, e);
	if (rc)
		return rc;
	unsigned flags = req->route->flags;
	if ((flags & ROUTE_DIAGNOSTICS) && !app->cfg->diagnostics)
		return err_set(e, TODO_ENOTFOUND, NULL, "no route for %s \"/%s\"",
			       http_verb_name(req->verb), req->path);
	if (flags & ROUTE_AUTH_USER) {
		rc = auth_verify_bearer(req->authorization, app->jwt_key, app->jwt_key_len,
					time(NULL), req->subject, sizeof(req->subject), e);
		if (rc)
			return rc;
		const char *user = http_param(req, "user_id");
		if (!user || strcmp(user, req->subject) != 0)
			return err_set(e, TODO_EFORBIDDEN, "user_id",
				       "token subject may not access the resources of user \"%.64s\"",
				       user ? user : "");
		rc = user_id_validate(user, e);
		if (rc)
			return rc;
		rc = admit(app, req, user, e);
		if (rc)
			return rc;
	}
	if (req->body_len > app->cfg->max_body_bytes)
		return err_set(e, TODO_ETOOBIG, "body",
			       "request body is %zu bytes, more than the limit of %zu",
			       req->body_len, app->cfg->max_body_bytes);
	return req->route->handler(req, resp);
}

int api_no_query(struct http_request *req, struct err *e)
{
	struct query q;
	static const char *const known[] = { NULL };
	int rc = query_parse(req->query, &q, e);
	if (rc == 0)
		rc = query_check_known(&q, known, e);
	query_release(&q);
	return rc;
}

int api_no_body(struct http_request *req, struct err *e)
{
	if (req->body_len)
		return err_set(e, TODO_EINVAL, "body", "this route takes no request body");
	return 0;
}
