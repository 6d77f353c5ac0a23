/*
 * selftest.c - diagnostics routes (TODOD_DIAGNOSTICS=1 only): the app sends
 * a probe to itself through daprd - a pub/sub message or a Dapr job - and
 * a later GET reports whether and how it came back. The end-to-end tests
 * prove the Kafka and Scheduler round-trips with them.
 */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dapr/dapr_client.h"
#include "http/query.h"
#include "json/probe_json.h"
#include "service/probe.h"

#define SELFTEST_TOPIC "todod-selftest"

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int api_selftest_pubsub(struct http_request *req, struct http_response *resp)
{
	struct app *app = req->app;
	char id[PROBE_ID_LEN + 1];
	probe_new_id(id);
	int64_t t = now_us();
	char *msg = probe_json_message(id, t);
	const struct dapr_kv md[] = { { "partitionKey", id } };
	int rc = dapr_publish(app->dapr, app->cfg->pubsub_name, SELFTEST_TOPIC, msg, strlen(msg),
			      "application/json", md, 1, &resp->err);
	free(msg);
	if (rc)
		return rc;
	resp->body = probe_json_message(id, t);
	return 0;
}

int api_selftest_job(struct http_request *req, struct http_response *resp)
{
	struct app *app = req->app;
	struct err *e = &resp->err;
	struct query q;
	static const char *const known[] = { "callback", "due", NULL };
	int rc = query_parse(req->query, &q, e);
	if (rc == 0)
		rc = query_check_known(&q, known, e);
	const char *cb = rc ? NULL : query_get(&q, "callback");
	const char *due = rc ? NULL : query_get(&q, "due");
	bool alpha1 = false;
	if (rc == 0 && cb && strcmp(cb, "alpha1") == 0)
		alpha1 = true;
	else if (rc == 0 && cb && strcmp(cb, "stable") != 0)
		rc = err_set(e, TODO_EINVAL, "callback", "callback \"%.16s\" is not one of stable, alpha1", cb);
	if (rc == 0 && due && (strlen(due) > 8 || strspn(due, "0123456789") != strlen(due) || !*due))
		rc = err_set(e, TODO_EINVAL, "due", "due \"%.16s\" is not a whole number of seconds", due);
	char due_time[16];
	snprintf(due_time, sizeof(due_time), "%ss", due ? due : "1");
	query_release(&q);
	if (rc)
		return rc;

	char id[PROBE_ID_LEN + 1];
	probe_new_id(id);
	/* The job callback answers UNIMPLEMENTED on OnJobEvent for "-alpha1"
	 * jobs, which makes daprd fall back to OnJobEventAlpha1 as it would for
	 * an app built before Dapr 1.18. */
	char name[80];
	snprintf(name, sizeof(name), "selftest%s-%s", alpha1 ? "-alpha1" : "", id);
	int64_t t = now_us();
	char *msg = probe_json_message(id, t);
	rc = dapr_schedule_job(app->dapr, name, due_time, "", msg, strlen(msg), true, e);
	free(msg);
	if (rc)
		return rc;
	resp->body = probe_json_message(id, t);
	return 0;
}

int api_selftest_status(struct http_request *req, struct http_response *resp)
{
	struct app *app = req->app;
	const char *id = http_param(req, "probe_id");
	if (!probe_id_valid(id))
		return err_set(&resp->err, TODO_EINVAL, "probe_id",
			       "probe_id \"%.40s\" is not %d hex characters", id, PROBE_ID_LEN);
	struct probe_receipt r;
	bool found = probe_log_find(app->probes, id, &r);
	resp->body = probe_json_status(id, found ? &r : NULL);
	return 0;
}
