/*
 * ops.c - operational views: the outbox backlog (public: counts only) and,
 * with diagnostics on, whether a message reached a dead-letter topic.
 */
#include "api/api.h"

#include <string.h>

#include "events/relay.h"
#include "json/activity_json.h"
#include "store/dead_letter_repo.h"
#include "store/outbox_repo.h"

int api_ops_outbox(struct http_request *req, struct http_response *resp)
{
	(void)req;
	int64_t backlog, age;
	int rc = outbox_repo_backlog(&backlog, &age, &resp->err);
	if (rc)
		return rc;
	struct relay_stats st;
	relay_get_stats(&st);
	resp->body = activity_json_outbox(backlog, age, st.published, st.failed);
	return 0;
}

int api_ops_dead_letter(struct http_request *req, struct http_response *resp)
{
	const char *topic = http_param(req, "topic");
	const char *id = http_param(req, "event_id");
	bool seen = false;
	int rc = dead_letter_repo_exists(topic, id, &seen, &resp->err);
	if (rc)
		return rc;
	resp->body = activity_json_dead_letter(topic, id, seen);
	return 0;
}
