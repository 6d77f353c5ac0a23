#include "callback/appcallback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "app.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/trace.h"
#include "consumers/consumer.h"
#include "mcp/mcp.h"
#include "realtime/hub.h"
#include "dapr/proto/common/v1/common.pb-c.h"
#include "dapr/proto/runtime/v1/appcallback.pb-c.h"
#include "http/router.h"
#include "http/status.h"
#include "jobs/reminder_jobs.h"
#include "json/probe_json.h"
#include "json/realtime_json.h"
#include "json/reminder_json.h"
#include "service/event.h"
#include "service/probe.h"
#include "service/reminder.h"

#define SVC "/dapr.proto.runtime.v1.AppCallback/"
#define SVC_ALPHA "/dapr.proto.runtime.v1.AppCallbackAlpha/"
#define SVC_HEALTH "/dapr.proto.runtime.v1.AppCallbackHealthCheck/"
#define SELFTEST_TOPIC "todod-selftest"

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void fail(struct rpc_call *call, int status, const char *fmt, const char *arg)
{
	call->status = status;
	call->status_msg = xasprintf(fmt, arg ? arg : "");
}

static void reply(struct rpc_call *call, const ProtobufCMessage *msg)
{
	call->resp_len = protobuf_c_message_get_packed_size(msg);
	call->resp = xmalloc(call->resp_len);
	protobuf_c_message_pack(msg, call->resp);
}

/* Constant-time comparison, so the token cannot be guessed byte by byte. */
static bool token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return d == 0;
}

/* APP_API_TOKEN: daprd sends it as dapr-api-token on the calls it makes for
 * clients (invoke, topic events, jobs). Returns false after failing @call. */
static bool app_token_ok(struct app *app, struct rpc_call *call)
{
	const char *want = app->cfg->app_api_token;
	if (!want)
		return true;
	const char *got = rpc_call_md(call, "dapr-api-token");
	if (got && token_equal(got, want))
		return true;
	fail(call, RPC_UNAUTHENTICATED, "missing or wrong dapr-api-token%s", NULL);
	return false;
}

static bool ready(struct app *app, struct rpc_call *call)
{
	if (atomic_load_explicit(&app->ready, memory_order_acquire))
		return true;
	fail(call, RPC_UNAVAILABLE, "todod is starting%s", NULL);
	return false;
}

/* One REST request in the metrics: by route template (never the raw path:
 * label values must stay bounded), verb and status. */
static void record_request(const char *route, const char *verb, int status, double seconds)
{
	if (!metrics_enabled())
		return;
	char labels[256];
	snprintf(labels, sizeof(labels), "route=\"%s\",method=\"%s\",status=\"%d\"", route, verb, status);
	metrics_counter_add("todod_http_requests_total", labels, 1);
	snprintf(labels, sizeof(labels), "route=\"%s\",method=\"%s\"", route, verb);
	metrics_observe("todod_http_request_duration_seconds", labels, seconds);
}

void appcallback_metrics_define(void)
{
	metrics_define("todod_http_requests_total", METRIC_COUNTER,
		       "REST requests answered by todod, by route template, verb and HTTP status.", NULL, 0);
	metrics_define("todod_http_request_duration_seconds", METRIC_HISTOGRAM,
		       "Time todod spent on a REST request, by route template and verb.",
		       METRICS_LATENCY_BUCKETS, METRICS_LATENCY_NBUCKETS);
}

static void on_invoke(struct app *app, struct rpc_call *call)
{
	int64_t t0 = mono_us();
	Dapr__Proto__Common__V1__InvokeRequest *in =
		dapr__proto__common__v1__invoke_request__unpack(NULL, call->req_len, call->req);
	if (!in) {
		fail(call, RPC_INVALID_ARGUMENT, "could not decode InvokeRequest%s", NULL);
		return;
	}
	struct http_request req = {
		.verb = in->http_extension ? (enum http_verb)in->http_extension->verb : HTTP_NONE,
		.path = in->method ? in->method : "",
		.query = in->http_extension && in->http_extension->querystring
			 ? in->http_extension->querystring : "",
		.body = in->data ? in->data->value.data : NULL,
		.body_len = in->data ? in->data->value.len : 0,
		.authorization = rpc_call_md(call, "authorization"),
		.origin = rpc_call_md(call, "dapr-origin"),
		.mcp_protocol_version = rpc_call_md(call, "mcp-protocol-version"),
		.app = app,
	};
	struct http_response resp = { 0 };
	int rc = strcmp(req.path, MCP_PATH) == 0 ? mcp_dispatch(app, &req, &resp)
						 : api_dispatch(app, &req, &resp);
	if (rc == 0) {
		Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
		/* An empty type_url makes daprd pass the bytes through as they are. */
		any.type_url = "";
		any.value.data = (uint8_t *)resp.body;
		any.value.len = resp.body ? strlen(resp.body) : 0;
		Dapr__Proto__Common__V1__InvokeResponse out = DAPR__PROTO__COMMON__V1__INVOKE_RESPONSE__INIT;
		out.data = &any;
		out.content_type = "application/json";
		reply(call, &out.base);
	} else {
		call->status = status_rpc_code(rc);
		call->status_msg = xstrdup(resp.err.msg[0] ? resp.err.msg : err_name(rc));
	}
	record_request(req.route ? req.route->pattern : "-", http_verb_name(req.verb),
		       status_http_code(rc), (double)(mono_us() - t0) / 1e6);
	char qpath[160], qmsg[600];
	int level = rc == 0 ? LOG_INFO : (status_http_code(rc) >= 500 ? LOG_ERROR : LOG_INFO);
	if (log_enabled(level))
		log_write(level, "request", "method=%s route=%s path=%s status=%d dur_us=%lld%s%s",
			  http_verb_name(req.verb),
			  req.route ? req.route->pattern : "-",
			  log_quote(qpath, sizeof(qpath), req.path),
			  status_http_code(rc), (long long)(mono_us() - t0),
			  rc ? " error=" : "",
			  rc ? log_quote(qmsg, sizeof(qmsg), resp.err.msg) : "");
	free(resp.body);
	dapr__proto__common__v1__invoke_request__free_unpacked(in, NULL);
}

/* Our subscriptions: task-events feeds the activity log (its poison
 * messages go to task-events-dlq, which we record), plus the self-test topic
 * in diagnostics mode. Every work subscription shares the component's
 * consumer group. */
static void list_subscriptions(struct app *app, struct rpc_call *call)
{
	Dapr__Proto__Runtime__V1__ListTopicSubscriptionsResponse out =
		DAPR__PROTO__RUNTIME__V1__LIST_TOPIC_SUBSCRIPTIONS_RESPONSE__INIT;
	Dapr__Proto__Runtime__V1__TopicSubscription subs[6];
	Dapr__Proto__Runtime__V1__TopicSubscription *ptrs[6];
	static const struct {
		const char *topic;
		const char *dead_letter_topic;
		bool diagnostics_only;
	} table[] = {
		{ TOPIC_TASK_EVENTS, TOPIC_TASK_EVENTS DLQ_SUFFIX, false },
		{ TOPIC_TASK_EVENTS DLQ_SUFFIX, NULL, false },
		{ SELFTEST_TOPIC, NULL, true },
		/* Diagnostics count reminder-triggered deliveries, so tests can
		 * prove a reminder fired exactly once. */
		{ TOPIC_REMINDERS, NULL, true },
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].diagnostics_only && !app->cfg->diagnostics)
			continue;
		dapr__proto__runtime__v1__topic_subscription__init(&subs[n]);
		subs[n].pubsub_name = (char *)app->cfg->pubsub_name;
		subs[n].topic = (char *)table[i].topic;
		if (table[i].dead_letter_topic)
			subs[n].dead_letter_topic = (char *)table[i].dead_letter_topic;
		ptrs[n] = &subs[n];
		n++;
	}
	/* Real-time fan-out: every replica gets every task-updates and
	 * reminders event through the broadcast component (a consumer group
	 * per replica). When it is the work component itself (local profile,
	 * in-memory pub/sub), reminders is already listed in diagnostics mode. */
	static const char *const broadcast[] = { TOPIC_TASK_UPDATES, TOPIC_REMINDERS };
	bool same = strcmp(app->cfg->broadcast_pubsub, app->cfg->pubsub_name) == 0;
	for (size_t i = 0; i < 2; i++) {
		if (same && app->cfg->diagnostics && strcmp(broadcast[i], TOPIC_REMINDERS) == 0)
			continue;
		dapr__proto__runtime__v1__topic_subscription__init(&subs[n]);
		subs[n].pubsub_name = (char *)app->cfg->broadcast_pubsub;
		subs[n].topic = (char *)broadcast[i];
		ptrs[n] = &subs[n];
		n++;
	}
	out.n_subscriptions = n;
	out.subscriptions = ptrs;
	log_info("subscriptions listed", "count=%zu", n);
	reply(call, &out.base);
}

/* The probe id under which a reminder-triggered delivery is counted: the
 * reminder id as 32 hex digits. */
static bool reminder_probe_id(const uint8_t *data, size_t len, char id[PROBE_ID_LEN + 1])
{
	int64_t rid = reminder_triggered_id(data, len);
	if (rid <= 0)
		return false;
	snprintf(id, PROBE_ID_LEN + 1, "%032llx", (unsigned long long)rid);
	return true;
}

/* The trace context a CloudEvent names in its extension attributes:
 * traceparent (and tracestate), or the older traceid, which daprd sets to
 * the same value. Used when the call's metadata carries none. */
static void trace_from_cloudevent(const ProtobufCBinaryData *ext)
{
	if (!ext->len)
		return;
	Dapr__Proto__Runtime__V1__CloudEventExtensions *x =
		dapr__proto__runtime__v1__cloud_event_extensions__unpack(NULL, ext->len, ext->data);
	if (!x)
		return;
	const char *parent = NULL, *traceid = NULL, *state = NULL;
	for (size_t i = 0; i < x->n_fields; i++) {
		const char *k = x->fields[i]->key;
		const char *v = x->fields[i]->value ? x->fields[i]->value->string_value : NULL;
		if (strcmp(k, "traceparent") == 0)
			parent = v;
		else if (strcmp(k, "traceid") == 0)
			traceid = v;
		else if (strcmp(k, "tracestate") == 0)
			state = v;
	}
	trace_set(trace_parent_valid(parent) ? parent : traceid, state);
	dapr__proto__runtime__v1__cloud_event_extensions__free_unpacked(x, NULL);
}

static void on_topic_event(struct app *app, struct rpc_call *call)
{
	Dapr__Proto__Runtime__V1__TopicEventRequest *in =
		dapr__proto__runtime__v1__topic_event_request__unpack(NULL, call->req_len, call->req);
	if (!in) {
		fail(call, RPC_INVALID_ARGUMENT, "could not decode TopicEventRequest%s", NULL);
		return;
	}
	/* daprd's metadata names its delivery span (a child of the CloudEvent's
	 * trace); without it (tracing off in daprd) the CloudEvent still tells
	 * the trace of the request that caused the event. */
	if (!trace_parent())
		trace_from_cloudevent(&in->extensions);
	enum consume_result res;
	char id[PROBE_ID_LEN + 1];
	char qt[128], qi[128];
	size_t tlen = strlen(in->topic), dlen = strlen(DLQ_SUFFIX);
	bool realtime = strcmp(in->pubsub_name ? in->pubsub_name : "", app->cfg->broadcast_pubsub) == 0 &&
		(strcmp(in->topic, TOPIC_TASK_UPDATES) == 0 || strcmp(in->topic, TOPIC_REMINDERS) == 0);
	if (realtime) {
		/* A notice for this replica's sockets; never retried (the feed is the truth). */
		char user[128];
		int64_t cursor = 0;
		struct err ne = { 0 };
		if (realtime_json_notice(in->data.data, in->data.len, user, sizeof(user), &cursor, &ne) == 0)
			hub_notify(app->realtime, user, cursor);
		/* The diagnostics count once per firing: here only when the
		 * broadcast component is the work one (local profile); otherwise
		 * the work component's own reminders subscription counts it. */
		if (app->cfg->diagnostics && strcmp(in->topic, TOPIC_REMINDERS) == 0 &&
		    strcmp(app->cfg->broadcast_pubsub, app->cfg->pubsub_name) == 0 &&
		    reminder_probe_id(in->data.data, in->data.len, id))
			probe_log_record(app->probes, id, "reminders");
		res = CONSUME_SUCCESS;
	} else if (strcmp(in->topic, TOPIC_TASK_EVENTS) == 0) {
		res = consumer_task_event(in->id, in->data.data, in->data.len);
	} else if (tlen > dlen && strcmp(in->topic + tlen - dlen, DLQ_SUFFIX) == 0) {
		res = consumer_dead_letter(in->topic, in->id, in->data.data, in->data.len);
	} else if (app->cfg->diagnostics && strcmp(in->topic, TOPIC_REMINDERS) == 0 &&
		   reminder_probe_id(in->data.data, in->data.len, id)) {
		probe_log_record(app->probes, id, "reminders");
		res = CONSUME_SUCCESS;
	} else if (app->cfg->diagnostics && strcmp(in->topic, SELFTEST_TOPIC) == 0 &&
		   probe_json_parse_message(in->data.data, in->data.len, id)) {
		probe_log_record(app->probes, id, "OnTopicEvent");
		log_info("topic event", "topic=%s id=%s probe=%s", in->topic,
			 log_quote(qi, sizeof(qi), in->id), id);
		res = CONSUME_SUCCESS;
	} else {
		/* Not a message we understand: retrying cannot help. */
		log_warn("topic event dropped", "topic=%s id=%s reason=\"unknown topic or payload\"",
			 log_quote(qt, sizeof(qt), in->topic), log_quote(qi, sizeof(qi), in->id));
		res = CONSUME_DROP;
	}
	Dapr__Proto__Runtime__V1__TopicEventResponse out = DAPR__PROTO__RUNTIME__V1__TOPIC_EVENT_RESPONSE__INIT;
	out.status = res == CONSUME_SUCCESS
		? DAPR__PROTO__RUNTIME__V1__TOPIC_EVENT_RESPONSE__TOPIC_EVENT_RESPONSE_STATUS__SUCCESS
		: res == CONSUME_RETRY
		? DAPR__PROTO__RUNTIME__V1__TOPIC_EVENT_RESPONSE__TOPIC_EVENT_RESPONSE_STATUS__RETRY
		: DAPR__PROTO__RUNTIME__V1__TOPIC_EVENT_RESPONSE__TOPIC_EVENT_RESPONSE_STATUS__DROP;
	reply(call, &out.base);
	dapr__proto__runtime__v1__topic_event_request__free_unpacked(in, NULL);
}

static void on_job_event(struct app *app, struct rpc_call *call, bool alpha1)
{
	Dapr__Proto__Runtime__V1__JobEventRequest *in =
		dapr__proto__runtime__v1__job_event_request__unpack(NULL, call->req_len, call->req);
	if (!in) {
		fail(call, RPC_INVALID_ARGUMENT, "could not decode JobEventRequest%s", NULL);
		return;
	}
	const char *via = alpha1 ? "OnJobEventAlpha1" : "OnJobEvent";
	char id[PROBE_ID_LEN + 1];
	char qn[160];
	bool selftest = app->cfg->diagnostics && strncmp(in->name, "selftest-", 9) == 0;
	if (strncmp(in->name, REMINDER_JOB_PREFIX, strlen(REMINDER_JOB_PREFIX)) == 0) {
		struct err e = { 0 };
		int rc = reminder_job_event(in->data ? in->data->value.data : NULL,
					    in->data ? in->data->value.len : 0, &e);
		if (rc) {
			/* The scheduler retries a failed job per its failure policy. */
			fail(call, RPC_UNAVAILABLE, "reminder not fired: %s", e.msg);
		} else {
			Dapr__Proto__Runtime__V1__JobEventResponse out = DAPR__PROTO__RUNTIME__V1__JOB_EVENT_RESPONSE__INIT;
			reply(call, &out.base);
		}
	} else if (selftest && !alpha1 && strncmp(in->name, "selftest-alpha1-", 16) == 0) {
		/* Behave like an app built before Dapr 1.18 for this job. */
		fail(call, RPC_UNIMPLEMENTED, "OnJobEvent not implemented for %s", in->name);
	} else if (selftest && in->data &&
		   probe_json_parse_message(in->data->value.data, in->data->value.len, id)) {
		probe_log_record(app->probes, id, via);
		log_info("job event", "via=%s name=%s", via, log_quote(qn, sizeof(qn), in->name));
		Dapr__Proto__Runtime__V1__JobEventResponse out = DAPR__PROTO__RUNTIME__V1__JOB_EVENT_RESPONSE__INIT;
		reply(call, &out.base);
	} else {
		/* A job we do not know: acknowledge, so the scheduler does not retry it. */
		log_warn("job event ignored", "via=%s name=%s", via, log_quote(qn, sizeof(qn), in->name));
		Dapr__Proto__Runtime__V1__JobEventResponse out = DAPR__PROTO__RUNTIME__V1__JOB_EVENT_RESPONSE__INIT;
		reply(call, &out.base);
	}
	dapr__proto__runtime__v1__job_event_request__free_unpacked(in, NULL);
}

/* Answered on the gRPC poller thread (see APPCALLBACK_INLINE_METHODS): it
 * must not block, so it reads the health checker's last result instead of
 * querying the database, and never waits behind request work. */
static void health_check(struct app *app, struct rpc_call *call)
{
	if (!ready(app, call))
		return;
	int64_t ok_ms = atomic_load_explicit(&app->db_ok_ms, memory_order_acquire);
	if (ok_ms == 0 || mono_us() / 1000 - ok_ms > app->db_stale_ms) {
		fail(call, RPC_UNAVAILABLE, "database unavailable%s", NULL);
		return;
	}
	Dapr__Proto__Runtime__V1__HealthCheckResponse out = DAPR__PROTO__RUNTIME__V1__HEALTH_CHECK_RESPONSE__INIT;
	reply(call, &out.base);
}

const char *const appcallback_inline_methods[] = { SVC_HEALTH "HealthCheck", NULL };

static void dispatch(struct app *app, struct rpc_call *call);

/* The call's W3C trace context (daprd sends it as metadata on every call
 * when tracing is on) becomes the worker's for the length of the call: its
 * log lines, its outbound Dapr calls and the outbox rows it writes carry it. */
void appcallback_handle(void *ctx, struct rpc_call *call)
{
	trace_set(rpc_call_md(call, "traceparent"), rpc_call_md(call, "tracestate"));
	dispatch(ctx, call);
	trace_clear();
}

static void dispatch(struct app *app, struct rpc_call *call)
{
	const char *m = call->method;
	if (strcmp(m, SVC "OnInvoke") == 0) {
		if (app_token_ok(app, call) && ready(app, call))
			on_invoke(app, call);
	} else if (strcmp(m, SVC "ListTopicSubscriptions") == 0) {
		list_subscriptions(app, call);
		if (call->status == RPC_OK)
			atomic_store_explicit(&app->subscribed, true, memory_order_release);
	} else if (strcmp(m, SVC "OnTopicEvent") == 0) {
		/* A delivery proves daprd holds our subscriptions: after a restart of
		 * todod alone, daprd delivers without asking for them again. */
		if (app_token_ok(app, call)) {
			atomic_store_explicit(&app->subscribed, true, memory_order_release);
			if (ready(app, call))
				on_topic_event(app, call);
		}
	} else if (strcmp(m, SVC "OnJobEvent") == 0) {
		if (app_token_ok(app, call) && ready(app, call))
			on_job_event(app, call, false);
	} else if (strcmp(m, SVC_ALPHA "OnJobEventAlpha1") == 0) {
		if (app_token_ok(app, call) && ready(app, call))
			on_job_event(app, call, true);
	} else if (strcmp(m, SVC_HEALTH "HealthCheck") == 0) {
		health_check(app, call);
	} else {
		char q[160];
		log_debug("unimplemented method", "method=%s", log_quote(q, sizeof(q), m));
		fail(call, RPC_UNIMPLEMENTED, "method %s is not implemented", m);
	}
}
