/* mcp.c - the MCP endpoint: transport checks, the JSON-RPC envelope and the
 * method dispatch (see mcp.h). The tools themselves are in tools.c. */
#include "mcp/mcp.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/jwt.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/ratelimit.h"
#include "events/relay.h"
#include "json/mcp_json.h"
#include "mcp/tools.h"
#include "service/task.h"
#include "todod_build.h"

/* Protocol versions we answer in (initialize echoes the client's if listed). */
static const char *const versions[] = { MCP_PROTOCOL_VERSION, "2025-06-18", "2025-03-26", NULL };

static const char instructions[] =
	"Manage the signed-in user's tasks: create, list, search, update, complete, delete, "
	"recurrence, due dates, priorities, tags, reminders and the activity log. The user is "
	"the one the bearer token names; tools never take a user id.";

static bool version_known(const char *v)
{
	for (size_t i = 0; versions[i]; i++)
		if (strcmp(versions[i], v) == 0)
			return true;
	return false;
}

/* Origin (MCP transports: servers MUST validate it, 403 when invalid): absent
 * (not a browser), or a loopback origin, or one listed in
 * TODOD_MCP_ALLOWED_ORIGINS (comma-separated, exact match). */
static bool origin_allowed(const char *origin)
{
	if (!origin || !*origin)
		return true;
	static const char *const loopback[] = { "http://localhost", "http://127.0.0.1", "http://[::1]",
		"https://localhost", "https://127.0.0.1", "https://[::1]", NULL };
	for (size_t i = 0; loopback[i]; i++) {
		size_t n = strlen(loopback[i]);
		if (strncmp(origin, loopback[i], n) == 0 && (origin[n] == '\0' || origin[n] == ':'))
			return true;
	}
	const char *list = getenv("TODOD_MCP_ALLOWED_ORIGINS");
	size_t olen = strlen(origin);
	while (list && *list) {
		const char *end = strchr(list, ',');
		size_t n = end ? (size_t)(end - list) : strlen(list);
		if (n == olen && strncmp(list, origin, n) == 0)
			return true;
		list = end ? end + 1 : NULL;
	}
	return false;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* tools/call: a business failure is a result with isError (the model reads
 * the message and corrects itself); a failure of the service is a transport
 * error (503/504/429, the client may retry) or -32603. */
static int tools_call(struct app *app, const struct mcp_message *m, const char *user,
		      struct http_response *resp)
{
	struct err *e = &resp->err;
	const char *name;
	const struct mcp_args *args;
	struct err pe = { 0 };
	if (mcp_json_call_params(m, &name, &args, &pe)) {
		resp->body = mcp_json_error(m->id, MCP_INVALID_PARAMS, pe.msg);
		return 0;
	}
	const struct mcp_tool_desc *tool = mcp__tool_find(name);
	if (!tool) {
		char *msg = xasprintf("Unknown tool: %.128s", name);
		resp->body = mcp_json_error(m->id, MCP_INVALID_PARAMS, msg);
		free(msg);
		return 0;
	}
	/* Writes pause while the event pipeline lags, as for REST. */
	int limit = app->cfg->max_event_lag_ms;
	if (!tool->read_only && limit > 0) {
		int64_t lag = relay_lag_ms();
		if (lag > limit)
			return err_set(e, TODO_EBUSY, NULL,
				       "writes are paused: the oldest unpublished event is %lld ms old, "
				       "more than the limit of %d ms; retry later", (long long)lag, limit);
	}
	char *out = NULL;
	int rc = mcp__tool_call(name, args, user, &out, e);
	char *result;
	switch (rc) {
	case 0:
		result = mcp_json_tool_result(out, false);
		free(out);
		break;
	case TODO_EINVAL:
	case TODO_ENOTFOUND:
	case TODO_ECONFLICT:
	case TODO_EFORBIDDEN:
	case TODO_ETOOBIG:
	case TODO_EMETHOD:
		result = mcp_json_tool_result(e->msg[0] ? e->msg : err_name(rc), true);
		err_clear(e);
		break;
	case TODO_EUNAVAIL:
	case TODO_ETIMEOUT:
	case TODO_EBUSY:
		return rc;
	default:
		log_error("mcp tool failed", "tool=%s error=%s", name, e->msg);
		resp->body = mcp_json_error(m->id, MCP_INTERNAL_ERROR, "internal error");
		err_clear(e);
		return 0;
	}
	resp->body = mcp_json_result(m->id, result);
	free(result);
	return 0;
}

int mcp_dispatch(struct app *app, struct http_request *req, struct http_response *resp)
{
	struct err *e = &resp->err;
	if (req->verb != HTTP_POST)
		return err_set(e, TODO_EMETHOD, NULL,
			       "MCP endpoint takes POST only, not %s: this server is stateless and "
			       "offers no event stream", http_verb_name(req->verb));
	if (!origin_allowed(req->origin))
		return err_set(e, TODO_EFORBIDDEN, "origin", "origin \"%.128s\" is not allowed", req->origin);
	int rc = auth_verify_bearer(req->authorization, app->jwt_key, app->jwt_key_len, time(NULL),
				    req->subject, sizeof(req->subject), e);
	if (rc)
		return rc;
	const char *user = req->subject;
	rc = user_id_validate(user, e);
	if (rc)
		return rc == TODO_EINVAL ? err_set(e, TODO_EUNAUTH, NULL, "token subject is not a valid user id")
					 : rc;
	int64_t retry_ms;
	if (app->limiter && !ratelimit_take(app->limiter, user, mono_us(), &retry_ms))
		return err_set(e, TODO_EBUSY, NULL,
			       "rate limit exceeded: at most %d requests per second per user "
			       "(bursts of %d); retry in %lld ms", app->cfg->rate_limit_rps,
			       app->cfg->rate_limit_burst, (long long)retry_ms);
	if (req->body_len > app->cfg->max_body_bytes) {
		char *msg = xasprintf("request body is %zu bytes, more than the limit of %zu",
				      req->body_len, app->cfg->max_body_bytes);
		resp->body = mcp_json_error(NULL, MCP_INVALID_REQUEST, msg);
		free(msg);
		return 0;
	}
	struct mcp_message m;
	struct err pe = { 0 };
	int code = mcp_json_parse(req->body, req->body_len, &m, &pe);
	if (code) {
		resp->body = mcp_json_error(m.id, code, pe.msg);
		goto out;
	}
	/* Clients probing for the 2026 revision send server/discover with that
	 * version: answer -32601 so they fall back to initialize. */
	bool discover = m.method && strcmp(m.method, "server/discover") == 0;
	if (req->mcp_protocol_version && !discover && !version_known(req->mcp_protocol_version)) {
		rc = err_set(e, TODO_EINVAL, "mcp-protocol-version",
			     "MCP-Protocol-Version \"%.32s\" is not supported: use %s, %s or %s",
			     req->mcp_protocol_version, versions[0], versions[1], versions[2]);
		goto out;
	}
	if (!m.method || !m.id)
		goto out;   /* a notification or a client's response: 200, empty body */
	if (strcmp(m.method, "initialize") == 0) {
		const char *want = mcp_json_param_str(&m, "protocolVersion");
		char *result = mcp_json_initialize(want && version_known(want) ? want : MCP_PROTOCOL_VERSION,
						   "todod", TODOD_VERSION, instructions);
		resp->body = mcp_json_result(m.id, result);
		free(result);
	} else if (strcmp(m.method, "ping") == 0) {
		resp->body = mcp_json_result(m.id, "{}");
	} else if (strcmp(m.method, "tools/list") == 0) {
		char *result = mcp__tools_list();
		resp->body = result ? mcp_json_result(m.id, result)
				    : mcp_json_error(m.id, MCP_INTERNAL_ERROR, "tool table is invalid");
		free(result);
	} else if (strcmp(m.method, "tools/call") == 0) {
		rc = tools_call(app, &m, user, resp);
	} else {
		char *msg = xasprintf("Method not found: %.128s", m.method);
		resp->body = mcp_json_error(m.id, MCP_METHOD_NOT_FOUND, msg);
		free(msg);
	}
out:
	mcp_message_release(&m);
	return rc;
}
