/*
 * api.h - the REST API: one route table, authentication, and dispatch to
 * the handlers of each resource (one file per resource).
 */
#ifndef TODOD_API_API_H
#define TODOD_API_API_H

#include "app.h"
#include "http/http.h"
#include "service/event.h"

/* API_ACTOR - who makes the change of an authenticated request: the user
 * of its token. */
#define API_ACTOR(req) (&(struct actor){ .type = "user", .id = (req)->subject })

/* api_dispatch - route @req, authenticate it if the route needs it, and run
 * the handler. Returns 0 (resp->body set) or a TODO_E* code (resp->err
 * set). @req->app must point at @app. */
int api_dispatch(struct app *app, struct http_request *req, struct http_response *resp);

/* api_metrics_define - declare the admission metrics (rate limit, paused writes). */
void api_metrics_define(void);

/* Checks shared by handlers: the route takes no query parameter / no body.
 * TODO_EINVAL naming the parameter or "body". */
int api_no_query(struct http_request *req, struct err *e);
int api_no_body(struct http_request *req, struct err *e);

/* Handlers, grouped by resource file. */
int api_tasks_list(struct http_request *req, struct http_response *resp);
int api_tasks_create(struct http_request *req, struct http_response *resp);
int api_tasks_get(struct http_request *req, struct http_response *resp);
int api_tasks_update(struct http_request *req, struct http_response *resp);
int api_tasks_delete(struct http_request *req, struct http_response *resp);
int api_tasks_toggle_complete(struct http_request *req, struct http_response *resp);
int api_tasks_skip_occurrence(struct http_request *req, struct http_response *resp);
int api_tasks_stop_recurrence(struct http_request *req, struct http_response *resp);
int api_tasks_occurrences(struct http_request *req, struct http_response *resp);

int api_tags_list(struct http_request *req, struct http_response *resp);
int api_tags_create(struct http_request *req, struct http_response *resp);
int api_tags_update(struct http_request *req, struct http_response *resp);
int api_tags_delete(struct http_request *req, struct http_response *resp);
int api_tags_attach(struct http_request *req, struct http_response *resp);
int api_tags_detach(struct http_request *req, struct http_response *resp);

int api_meta_version(struct http_request *req, struct http_response *resp);

int api_activity_list(struct http_request *req, struct http_response *resp);

int api_reminder_create(struct http_request *req, struct http_response *resp);
int api_reminder_replace(struct http_request *req, struct http_response *resp);
int api_reminder_delete_for_task(struct http_request *req, struct http_response *resp);
int api_reminders_list(struct http_request *req, struct http_response *resp);
int api_reminder_cancel(struct http_request *req, struct http_response *resp);

int api_ops_outbox(struct http_request *req, struct http_response *resp);
int api_ops_dead_letter(struct http_request *req, struct http_response *resp);

int api_realtime_ticket(struct http_request *req, struct http_response *resp);

int api_selftest_pubsub(struct http_request *req, struct http_response *resp);
int api_selftest_job(struct http_request *req, struct http_response *resp);
int api_selftest_status(struct http_request *req, struct http_response *resp);

#endif
