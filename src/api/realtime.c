/* realtime.c - POST /api/{user_id}/realtime/tickets: trade the caller's JWT
 * for a single-use ticket to open the WebSocket (changes/ticket.h). The
 * body, if any, is ignored. */
#include "api/api.h"

#include <stdlib.h>

#include "changes/ticket.h"
#include "json/realtime_json.h"

int api_realtime_ticket(struct http_request *req, struct http_response *resp)
{
	struct app *app = req->app;
	int rc = api_no_query(req, &resp->err);
	if (rc)
		return rc;
	char ticket[TICKET_LEN + 1];
	rc = ticket_issue(app->dapr, app->cfg->state_store, http_param(req, "user_id"),
			  app->cfg->ticket_ttl_s, ticket, &resp->err);
	if (rc)
		return rc;
	resp->body = realtime_json_ticket_issued(ticket, app->cfg->realtime_url, app->cfg->ticket_ttl_s);
	return 0;
}
