/*
 * tools.c - the MCP tools: one table (names, descriptions, schemas,
 * annotations) and one handler per tool. Handlers parse their arguments and
 * call the same use cases and store functions as the REST handlers (same
 * validation, same events, activity, reminders and recurrence), acting as
 * actor {type "mcp", id = the token's subject}. Every call into the use-case
 * layer and the store made by the MCP server is in this file.
 */
#include "mcp/tools.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "service/event.h"
#include "changes/task_changes.h"
#include "changes/tag_changes.h"
#include "changes/reminder_changes.h"
#include "json/activity_json.h"
#include "json/reminder_json.h"
#include "json/tag_json.h"
#include "json/task_json.h"
#include "service/filter.h"
#include "service/reminder.h"
#include "service/tag.h"
#include "service/task.h"
#include "service/task_query.h"
#include "store/activity_repo.h"
#include "store/reminder_repo.h"
#include "store/tag_repo.h"
#include "store/task_repo.h"

/* ---- schema fragments (JSON Schema 2020-12, the MCP default dialect) ---- */

#define Q(s) "\"" s "\""
#define P_TASK_ID Q("task_id") ":{\"type\":\"integer\",\"minimum\":1,\"description\":\"Id of one of the user's tasks (from list_tasks or search_tasks).\"}"
#define P_IF_VERSION Q("if_version") ":{\"type\":\"integer\",\"minimum\":1,\"description\":\"Optional: only change the task if its version is still this one (optimistic concurrency).\"}"
#define P_TITLE Q("title") ":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,\"description\":\"Short title of the task.\"}"
#define P_DESCRIPTION Q("description") ":{\"type\":[\"string\",\"null\"],\"maxLength\":1000,\"description\":\"Longer notes; null clears them.\"}"
#define P_DUE Q("due_datetime") ":{\"type\":[\"string\",\"null\"],\"description\":\"Due date and time, RFC 3339 with an offset, e.g. 2026-12-24T18:00:00+01:00; null removes it.\"}"
#define P_PRIORITY Q("priority") ":{\"type\":\"string\",\"enum\":[\"High\",\"Medium\",\"Low\",\"high\",\"medium\",\"low\"],\"description\":\"Priority of the task.\"}"
#define P_TIMEZONE Q("timezone") ":{\"type\":\"string\",\"description\":\"IANA time zone of the task, e.g. Europe/Paris (default UTC); recurrence follows it.\"}"
#define P_PATTERN Q("recurrence_pattern") ":{\"type\":\"string\",\"enum\":[\"none\",\"daily\",\"weekly\",\"monthly\",\"custom\"],\"description\":\"How the task repeats; custom needs recurrence_rule. A recurring task needs a due date.\"}"
#define P_INTERVAL Q("recurrence_interval") ":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000,\"description\":\"Every N days, weeks or months (default 1).\"}"
#define P_WEEKDAYS Q("recurrence_weekdays") ":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":[\"MO\",\"TU\",\"WE\",\"TH\",\"FR\",\"SA\",\"SU\"]},\"description\":\"Weekly only: the days of the week.\"}"
#define P_RULE Q("recurrence_rule") ":{\"type\":[\"string\",\"null\"],\"maxLength\":500,\"description\":\"RFC 5545 RRULE for a custom pattern, e.g. FREQ=MONTHLY;BYDAY=-1FR.\"}"
#define P_END_DATE Q("recurrence_end_date") ":{\"type\":[\"string\",\"null\"],\"description\":\"Last day of the series (YYYY-MM-DD, inclusive, in the task's zone); null: no end.\"}"
#define P_TAGS Q("tags") ":{\"type\":\"array\",\"maxItems\":20,\"items\":{\"type\":[\"string\",\"integer\"]},\"description\":\"Tag names (created when new) or tag ids; replaces the task's tags.\"}"
#define P_TAG_REF Q("tag_id") ":{\"type\":\"integer\",\"minimum\":1,\"description\":\"Id of the tag (from list_tags); give tag_id or tag_name.\"}," \
	Q("tag_name") ":{\"type\":\"string\",\"minLength\":1,\"maxLength\":50,\"description\":\"Name of the tag; give tag_id or tag_name.\"}"
#define P_LIMIT Q("limit") ":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200,\"description\":\"Page size (default 50).\"}"
#define P_CURSOR Q("cursor") ":{\"type\":\"string\",\"description\":\"next_cursor of the previous page.\"}"
#define P_STATUS Q("status") ":{\"type\":\"string\",\"enum\":[\"all\",\"pending\",\"completed\"],\"description\":\"Which tasks (default all).\"}"

#define TASK_FIELDS P_TITLE "," P_DESCRIPTION "," P_DUE "," P_PRIORITY "," P_TIMEZONE "," P_PATTERN "," \
	P_INTERVAL "," P_WEEKDAYS "," P_RULE "," P_END_DATE "," P_TAGS
#define OBJ(props, req) "{\"type\":\"object\",\"properties\":{" props "},\"required\":[" req "],\"additionalProperties\":false}"
#define OBJ0(props) "{\"type\":\"object\",\"properties\":{" props "},\"additionalProperties\":false}"

/* Outputs: the fields a client may rely on; more may be present. */
#define O_TASK "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"}," \
	"\"completed\":{\"type\":\"boolean\"},\"version\":{\"type\":\"integer\"},\"due_datetime\":{\"type\":[\"string\",\"null\"]}," \
	"\"priority\":{\"type\":\"string\"},\"recurrence_pattern\":{\"type\":\"string\"},\"tags\":{\"type\":\"array\"}}," \
	"\"required\":[\"id\",\"title\",\"completed\",\"version\"]}"
#define O_LIST(key, more) "{\"type\":\"object\",\"properties\":{" Q(key) ":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}," \
	"\"count\":{\"type\":\"integer\"}" more "},\"required\":[" Q(key) "]}"
#define O_NEXT ",\"next_cursor\":{\"type\":[\"string\",\"null\"]}"
#define O_DELETED "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"deleted\":{\"type\":\"boolean\"}},\"required\":[\"id\",\"deleted\"]}"
#define O_REMINDER "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"task_id\":{\"type\":\"integer\"}," \
	"\"remind_at\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"}},\"required\":[\"id\",\"task_id\",\"remind_at\",\"status\"]}"
#define O_LINK "{\"type\":\"object\",\"properties\":{\"task_id\":{\"type\":\"integer\"},\"tag_id\":{\"type\":\"integer\"}," \
	"\"attached\":{\"type\":\"boolean\"}},\"required\":[\"task_id\",\"tag_id\",\"attached\"]}"

/* ---- handlers ---- */

struct call {
	const char *user;
	const struct mcp_args *args;
	struct actor actor;
	char *out;
	struct err *e;
};

typedef int (*tool_fn)(struct call *c);

static int known(struct call *c, const char *const *names)
{
	return mcp_args_check_known(c->args, names, c->e);
}

/* task_id (required) and if_version (optional, 0 = none). */
static int target(struct call *c, int64_t *id, int64_t *if_version)
{
	int rc = mcp_args_int(c->args, "task_id", true, 1, INT64_MAX, id, NULL, c->e);
	if (rc == 0 && if_version) {
		*if_version = 0;
		rc = mcp_args_int(c->args, "if_version", false, 1, INT64_MAX, if_version, NULL, c->e);
	}
	return rc;
}

static int task_out(struct call *c, int rc, struct task *t)
{
	if (rc)
		return rc;
	c->out = task_json_encode(t);
	task_release(t);
	return 0;
}

static int add_task(struct call *c)
{
	static const char *const names[] = { "title", "description", "due_datetime", "priority", "timezone",
		"recurrence_pattern", "recurrence_interval", "recurrence_weekdays", "recurrence_rule",
		"recurrence_end_date", "tags", NULL };
	struct task_input in;
	struct task t;
	int rc = known(c, names);
	if (rc)
		return rc;
	char *body = mcp_args_body(c->args, NULL);
	rc = task_json_parse_input((const uint8_t *)body, strlen(body), &in, c->e);
	free(body);
	if (rc == 0)
		rc = task_input_validate(&in, true, c->e);
	if (rc == 0)
		rc = task_change_create(c->user, &c->actor, &in, &t, c->e);
	task_input_release(&in);
	return task_out(c, rc, &t);
}

/* An update of the task named by task_id with the fields in @fields (the
 * arguments other than task_id / if_version), through the REST codec. */
static int update_fields(struct call *c, const char *const *fields)
{
	static const char *const drop[] = { "task_id", "if_version", NULL };
	struct task_input in;
	struct task t;
	int64_t id, if_version;
	int rc = known(c, fields);
	if (rc == 0)
		rc = target(c, &id, &if_version);
	if (rc)
		return rc;
	char *body = mcp_args_body(c->args, drop);
	rc = task_json_parse_input((const uint8_t *)body, strlen(body), &in, c->e);
	free(body);
	if (rc == 0)
		rc = task_input_validate(&in, false, c->e);
	if (rc == 0)
		rc = task_change_update(c->user, &c->actor, id, if_version, &in, &t, c->e);
	task_input_release(&in);
	return task_out(c, rc, &t);
}

static int update_task(struct call *c)
{
	static const char *const names[] = { "task_id", "if_version", "title", "description",
		"due_datetime", "priority", "timezone", "recurrence_pattern", "recurrence_interval",
		"recurrence_weekdays", "recurrence_rule", "recurrence_end_date", "tags", NULL };
	return update_fields(c, names);
}

static int set_task_recurrence(struct call *c)
{
	static const char *const names[] = { "task_id", "if_version", "recurrence_pattern",
		"recurrence_interval", "recurrence_weekdays", "recurrence_rule", "recurrence_end_date",
		"due_datetime", "timezone", NULL };
	const char *pattern;
	int rc = mcp_args_str(c->args, "recurrence_pattern", true, &pattern, c->e);
	return rc ? rc : update_fields(c, names);
}

static int set_task_due_date(struct call *c)
{
	static const char *const names[] = { "task_id", "if_version", "due_datetime", "timezone", NULL };
	if (!mcp_args_has(c->args, "due_datetime"))
		return err_set(c->e, TODO_EINVAL, "due_datetime", "argument due_datetime is required (null removes it)");
	return update_fields(c, names);
}

static int set_task_priority(struct call *c)
{
	static const char *const names[] = { "task_id", "if_version", "priority", NULL };
	const char *p;
	int rc = mcp_args_str(c->args, "priority", true, &p, c->e);
	return rc ? rc : update_fields(c, names);
}

static int complete_task(struct call *c)
{
	static const char *const names[] = { "task_id", "if_version", "completed", NULL };
	int64_t id, if_version;
	bool want = true;
	struct task t;
	int rc = known(c, names);
	if (rc == 0)
		rc = target(c, &id, &if_version);
	if (rc == 0)
		rc = mcp_args_bool(c->args, "completed", &want, NULL, c->e);
	if (rc == 0)
		rc = task_repo_get(c->user, id, &t, c->e);
	if (rc)
		return rc;
	if (if_version && t.version != if_version) {
		task_release(&t);
		return err_set(c->e, TODO_ECONFLICT, "if_version",
			       "task %" PRId64 " is at version %" PRId64 ", not %" PRId64, id, t.version, if_version);
	}
	if (t.completed == want)   /* already so: nothing to change */
		return task_out(c, 0, &t);
	int64_t version = t.version;
	task_release(&t);
	/* The toggle is guarded by the version read, so a concurrent change is a
	 * conflict rather than the opposite of what was asked. */
	rc = task_change_toggle_complete(c->user, &c->actor, id, version, &t, c->e);
	return task_out(c, rc, &t);
}

static int delete_task(struct call *c)
{
	static const char *const names[] = { "task_id", "if_version", NULL };
	int64_t id, if_version;
	int rc = known(c, names);
	if (rc == 0)
		rc = target(c, &id, &if_version);
	if (rc == 0)
		rc = task_change_delete(c->user, &c->actor, id, if_version, c->e);
	if (rc)
		return rc;
	c->out = task_json_encode_deleted(id);
	return 0;
}

static int skip_task_occurrence(struct call *c)
{
	static const char *const names[] = { "task_id", "if_version", NULL };
	int64_t id, if_version;
	struct task t;
	int rc = known(c, names);
	if (rc == 0)
		rc = target(c, &id, &if_version);
	if (rc)
		return rc;
	rc = task_change_skip(c->user, &c->actor, id, if_version, &t, c->e);
	return task_out(c, rc, &t);
}

/* list_tasks and search_tasks: the query of GET /api/{user_id}/tasks. */
static int query_tasks(struct call *c, bool search)
{
	static const char *const list_names[] = { "status", "limit", "cursor", NULL };
	static const char *const search_names[] = { "search", "status", "priority", "due_from", "due_to",
		"overdue", "tags", "tags_mode", "sort_by", "sort_order", "limit", "cursor", "filter", NULL };
	struct task_query tq;
	const char *v, *order = NULL, *sort = NULL;
	int64_t limit;
	bool present, b;
	task_query_init(&tq);
	int rc = known(c, search ? search_names : list_names);
	if (rc == 0)
		rc = mcp_args_str(c->args, "status", false, &v, c->e);
	if (rc == 0)
		rc = task_status_parse(v, &tq.status, c->e);
	if (rc == 0)
		rc = mcp_args_int(c->args, "limit", false, 1, TASK_QUERY_LIMIT_MAX, &limit, &present, c->e);
	if (rc == 0 && present)
		tq.limit = (int)limit;
	if (rc == 0 && search) {
		if ((rc = mcp_args_str(c->args, "search", false, &v, c->e)) == 0 && v) {
			if (!*v || strlen(v) > TASK_SEARCH_MAX)
				rc = err_set(c->e, TODO_EINVAL, "search", "search must be 1 to %d bytes", TASK_SEARCH_MAX);
			else
				tq.search = xstrdup(v);
		}
		if (rc == 0 && (rc = mcp_args_str(c->args, "priority", false, &v, c->e)) == 0 && v)
			rc = task_query_set_priorities(&tq, v, c->e);
		if (rc == 0 && (rc = mcp_args_str(c->args, "due_from", false, &v, c->e)) == 0 && v)
			rc = task_query_set_time(tq.due_from, "due_from", v, c->e);
		if (rc == 0 && (rc = mcp_args_str(c->args, "due_to", false, &v, c->e)) == 0 && v)
			rc = task_query_set_time(tq.due_to, "due_to", v, c->e);
		if (rc == 0 && (rc = mcp_args_bool(c->args, "overdue", &b, &present, c->e)) == 0 && present)
			tq.overdue = b;
		if (rc == 0 && (rc = mcp_args_str(c->args, "tags", false, &v, c->e)) == 0 && v)
			rc = task_query_set_tags(&tq, v, c->e);
		if (rc == 0 && (rc = mcp_args_str(c->args, "tags_mode", false, &v, c->e)) == 0 && v) {
			if (strcmp(v, "all") == 0)
				tq.tags_all = true;
			else if (strcmp(v, "any") != 0)
				rc = err_set(c->e, TODO_EINVAL, "tags_mode", "tags_mode \"%.10s\" is not any or all", v);
		}
		if (rc == 0)
			rc = mcp_args_str(c->args, "sort_by", false, &sort, c->e);
		if (rc == 0)
			rc = mcp_args_str(c->args, "sort_order", false, &order, c->e);
		if (rc == 0)
			rc = task_query_set_sort(&tq, sort, order, c->e);
		if (rc == 0 && (rc = mcp_args_str(c->args, "filter", false, &v, c->e)) == 0 && v) {
			rc = filter_parse(v, strlen(v), (int64_t)time(NULL), &tq.filter, NULL, c->e);
			if (rc && !strstr(c->e->msg, "filter")) {
				char msg[ERR_MSG_MAX];
				snprintf(msg, sizeof(msg), "%s", c->e->msg);
				err_set(c->e, rc, "filter", "invalid filter: %s", msg);
			}
		}
	}
	if (rc == 0 && (rc = mcp_args_str(c->args, "cursor", false, &v, c->e)) == 0 && v)
		rc = task_cursor_decode(&tq, v, c->e);
	struct task *tasks = NULL;
	size_t n = 0;
	char *next = NULL;
	if (rc == 0)
		rc = task_repo_query(c->user, &tq, &tasks, &n, &next, c->e);
	task_query_release(&tq);
	if (rc)
		return rc;
	c->out = task_json_encode_page(tasks, n, next);
	for (size_t i = 0; i < n; i++)
		task_release(&tasks[i]);
	free(tasks);
	free(next);
	return 0;
}

static int list_tasks(struct call *c)
{
	return query_tasks(c, false);
}

static int search_tasks(struct call *c)
{
	return query_tasks(c, true);
}

static int create_reminder(struct call *c)
{
	static const char *const names[] = { "task_id", "remind_at", "before", "replace", NULL };
	static const char *const drop[] = { "task_id", "replace", NULL };
	int64_t task_id;
	bool replace = false;
	struct reminder_input in = { 0 };
	struct reminder r;
	int rc = known(c, names);
	if (rc == 0)
		rc = target(c, &task_id, NULL);
	if (rc == 0)
		rc = mcp_args_bool(c->args, "replace", &replace, NULL, c->e);
	if (rc)
		return rc;
	char *body = mcp_args_body(c->args, drop);
	rc = reminder_json_parse_input((const uint8_t *)body, strlen(body), &in, c->e);
	free(body);
	if (rc == 0)
		rc = reminder_input_validate(&in, c->e);
	if (rc == 0)
		rc = reminder_change_create(c->user, task_id, &in, replace, &r, c->e);
	reminder_input_release(&in);
	if (rc)
		return rc;
	c->out = reminder_json_encode(&r);
	return 0;
}

static int list_reminders(struct call *c)
{
	static const char *const names[] = { "status", NULL };
	const char *status;
	int rc = known(c, names);
	if (rc == 0)
		rc = mcp_args_str(c->args, "status", false, &status, c->e);
	if (rc == 0 && status && strcmp(status, "pending") != 0 && strcmp(status, "sent") != 0 &&
	    strcmp(status, "cancelled") != 0)
		rc = err_set(c->e, TODO_EINVAL, "status", "status \"%.16s\" is not one of pending, sent, cancelled",
			     status);
	struct reminder *r = NULL;
	size_t n = 0;
	if (rc == 0)
		rc = reminder_repo_list(c->user, status, 200, &r, &n, c->e);
	if (rc)
		return rc;
	c->out = reminder_json_encode_list(r, n);
	free(r);
	return 0;
}

static int list_tags(struct call *c)
{
	static const char *const names[] = { NULL };
	struct tag *tags;
	size_t n;
	int rc = known(c, names);
	if (rc == 0)
		rc = tag_repo_list(c->user, &tags, &n, c->e);
	if (rc)
		return rc;
	c->out = tag_json_encode_list(tags, n);
	tags_free(tags, n);
	return 0;
}

/* The tag named by tag_id or tag_name; with @create, a new name makes a
 * new tag (as naming a tag on a task does in REST). */
static int tag_ref(struct call *c, bool create, int64_t *tag_id)
{
	const char *name;
	bool has_id;
	int rc = mcp_args_int(c->args, "tag_id", false, 1, INT64_MAX, tag_id, &has_id, c->e);
	if (rc == 0)
		rc = mcp_args_str(c->args, "tag_name", false, &name, c->e);
	if (rc)
		return rc;
	if (has_id == (name != NULL))
		return err_set(c->e, TODO_EINVAL, "tag_id", "give exactly one of tag_id and tag_name");
	if (has_id)
		return 0;
	char *norm = xstrdup(name);
	rc = tag_name_validate(norm, c->e);
	struct tag *tags = NULL;
	size_t n = 0;
	if (rc == 0)
		rc = tag_repo_list(c->user, &tags, &n, c->e);
	bool found = false;
	for (size_t i = 0; rc == 0 && i < n && !found; i++)
		if (strcmp(tags[i].name, norm) == 0) {
			*tag_id = tags[i].id;
			found = true;
		}
	tags_free(tags, n);
	if (rc == 0 && !found) {
		if (!create) {
			rc = err_set(c->e, TODO_ENOTFOUND, "tag_name", "no tag named \"%.50s\"", norm);
		} else {
			struct tag t;
			rc = tag_change_create(c->user, norm, NULL, &t, c->e);
			if (rc == 0) {
				*tag_id = t.id;
				tag_release(&t);
			}
		}
	}
	free(norm);
	return rc;
}

static int tag_link(struct call *c, bool attach)
{
	static const char *const names[] = { "task_id", "tag_id", "tag_name", NULL };
	int64_t task_id, tag_id;
	int rc = known(c, names);
	if (rc == 0)
		rc = target(c, &task_id, NULL);
	/* Check the task first, so a tag is not created for a task that is not
	 * the user's. */
	struct task t;
	if (rc == 0 && (rc = task_repo_get(c->user, task_id, &t, c->e)) == 0)
		task_release(&t);
	if (rc == 0)
		rc = tag_ref(c, attach, &tag_id);
	if (rc == 0)
		rc = attach ? tag_change_attach(c->user, &c->actor, task_id, tag_id, c->e)
			    : tag_change_detach(c->user, &c->actor, task_id, tag_id, c->e);
	if (rc)
		return rc;
	c->out = tag_json_encode_link(task_id, tag_id, attach);
	return 0;
}

static int add_tag_to_task(struct call *c)
{
	return tag_link(c, true);
}

static int remove_tag_from_task(struct call *c)
{
	return tag_link(c, false);
}


static int get_activity_logs(struct call *c)
{
	static const char *const names[] = { "task_id", "limit", "cursor", NULL };
	int64_t task_id = 0, limit = 50;
	struct activity_key before = { 0 };
	bool has_before = false;
	const char *v;
	int rc = known(c, names);
	if (rc == 0)
		rc = mcp_args_int(c->args, "task_id", false, 1, INT64_MAX, &task_id, NULL, c->e);
	if (rc == 0)
		rc = mcp_args_int(c->args, "limit", false, 1, 200, &limit, NULL, c->e);
	if (rc == 0 && (rc = mcp_args_str(c->args, "cursor", false, &v, c->e)) == 0 && v) {
		has_before = activity_cursor_decode(v, &before);
		if (!has_before)
			rc = err_set(c->e, TODO_EINVAL, "cursor", "cursor \"%.40s\" is not one this API returned", v);
	}
	if (rc)
		return rc;
	struct activity_entry *a;
	size_t n;
	rc = activity_repo_list(c->user, task_id, has_before ? &before : NULL, (int)limit, &a, &n, c->e);
	if (rc)
		return rc;
	char cursor[ACTIVITY_CURSOR_MAX];
	if (n == (size_t)limit)
		activity_cursor_encode(&a[n - 1].key, cursor);
	c->out = activity_json_list(a, n, n == (size_t)limit ? cursor : NULL);
	activity_entries_free(a, n);
	return 0;
}

/* ---- the table ---- */

#define RO true, false, true      /* read-only, not destructive, idempotent */
#define W(idem) false, false, idem
#define DEL false, true, true

static const struct {
	struct mcp_tool_desc d;
	tool_fn fn;
} table[] = {
	{ { "add_task", "Add a task",
	    "Create a task for the user. Only title is required. Give due_datetime (RFC 3339 with an offset) "
	    "for a deadline, priority High/Medium/Low, tags by name, and recurrence fields to make it repeat "
	    "(a repeating task needs a due date). Returns the created task with its id.",
	    OBJ(TASK_FIELDS, Q("title")), O_TASK, W(false) }, add_task },
	{ { "list_tasks", "List tasks",
	    "List the user's tasks, newest first, optionally only pending or completed ones. Use search_tasks "
	    "for text search, filters and sorting. Returns tasks, count and next_cursor for the next page.",
	    OBJ0(P_STATUS "," P_LIMIT "," P_CURSOR), O_LIST("tasks", O_NEXT), RO }, list_tasks },
	{ { "complete_task", "Complete a task",
	    "Mark a task as completed (or, with completed=false, as not completed). Completing an occurrence "
	    "of a recurring task creates the next occurrence. Calling it again changes nothing.",
	    OBJ(P_TASK_ID "," P_IF_VERSION ",\"completed\":{\"type\":\"boolean\",\"description\":\"true (default) to complete, false to reopen.\"}",
		Q("task_id")), O_TASK, W(true) }, complete_task },
	{ { "delete_task", "Delete a task",
	    "Delete a task and its pending reminders for good. This cannot be undone; confirm with the user first.",
	    OBJ(P_TASK_ID "," P_IF_VERSION, Q("task_id")), O_DELETED, DEL }, delete_task },
	{ { "update_task", "Update a task",
	    "Change some fields of a task; fields not given stay as they are, null clears a nullable field. "
	    "tags replaces the task's tags.",
	    OBJ(P_TASK_ID "," P_IF_VERSION "," TASK_FIELDS, Q("task_id")), O_TASK, W(true) }, update_task },
	{ { "set_task_recurrence", "Set how a task repeats",
	    "Make a task repeat (daily, weekly on some weekdays, monthly, every N units, or a custom RRULE), "
	    "or stop it repeating with recurrence_pattern none. The task needs a due date: give due_datetime "
	    "here if it has none.",
	    OBJ(P_TASK_ID "," P_IF_VERSION "," P_PATTERN "," P_INTERVAL "," P_WEEKDAYS "," P_RULE "," P_END_DATE
		"," P_DUE "," P_TIMEZONE, Q("task_id") "," Q("recurrence_pattern")), O_TASK, W(true) },
	  set_task_recurrence },
	{ { "skip_task_occurrence", "Skip one occurrence",
	    "Skip the current occurrence of a recurring task: it is closed as skipped and the next occurrence "
	    "is created. Fails for a task that does not repeat.",
	    OBJ(P_TASK_ID "," P_IF_VERSION, Q("task_id")), O_TASK, W(false) }, skip_task_occurrence },
	{ { "set_task_due_date", "Set a task's due date",
	    "Set or move the due date and time of a task (RFC 3339 with an offset, e.g. 2026-12-24T18:00:00+01:00), "
	    "or remove it with null. Reminders relative to the due date move with it.",
	    OBJ(P_TASK_ID "," P_IF_VERSION "," P_DUE "," P_TIMEZONE, Q("task_id") "," Q("due_datetime")),
	    O_TASK, W(true) }, set_task_due_date },
	{ { "create_reminder", "Create a reminder",
	    "Remind the user about a task, either at a time (remind_at, RFC 3339, in the future) or some time "
	    "before its due date (before, e.g. \"30m\", \"1h\", \"2d\"; the task needs a due date). "
	    "With replace=true the task's pending reminders are cancelled first.",
	    OBJ(P_TASK_ID ",\"remind_at\":{\"type\":\"string\",\"description\":\"When to remind, RFC 3339.\"},"
		"\"before\":{\"type\":\"string\",\"description\":\"How long before the due date: a sum of w, d, h, m, s parts, e.g. 1h30m.\"},"
		"\"replace\":{\"type\":\"boolean\",\"description\":\"Cancel the task's pending reminders first (default false).\"}",
		Q("task_id")), O_REMINDER, W(false) }, create_reminder },
	{ { "list_reminders", "List reminders",
	    "List the user's reminders (at most 200), optionally only pending, sent or cancelled ones.",
	    OBJ0("\"status\":{\"type\":\"string\",\"enum\":[\"pending\",\"sent\",\"cancelled\"]}"),
	    O_LIST("reminders", ""), RO }, list_reminders },
	{ { "set_task_priority", "Set a task's priority",
	    "Set the priority of a task to High, Medium or Low.",
	    OBJ(P_TASK_ID "," P_IF_VERSION "," P_PRIORITY, Q("task_id") "," Q("priority")), O_TASK, W(true) },
	  set_task_priority },
	{ { "add_tag_to_task", "Tag a task",
	    "Put a tag on a task, by tag_id or by tag_name (a new name creates the tag). Tagging twice changes nothing.",
	    OBJ(P_TASK_ID "," P_TAG_REF, Q("task_id")), O_LINK, W(true) }, add_tag_to_task },
	{ { "remove_tag_from_task", "Untag a task",
	    "Take a tag off a task, by tag_id or tag_name. The tag itself stays.",
	    OBJ(P_TASK_ID "," P_TAG_REF, Q("task_id")), O_LINK, W(false) }, remove_tag_from_task },
	{ { "list_tags", "List tags",
	    "List the user's tags with their ids, names and colors.",
	    "{\"type\":\"object\",\"additionalProperties\":false}", O_LIST("tags", ""), RO }, list_tags },
	{ { "search_tasks", "Search tasks",
	    "Find tasks: full-text search in title and description, filters (status, priority as a comma list "
	    "such as \"High,Medium\", due_from/due_to RFC 3339, overdue, tags as a comma list of names with "
	    "tags_mode any/all), sorting, and the filter language (e.g. priority = High and due < now+7d). "
	    "Returns a page of tasks and next_cursor.",
	    OBJ0("\"search\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
		 P_STATUS ",\"priority\":{\"type\":\"string\",\"description\":\"Comma list of High, Medium, Low.\"},"
		 "\"due_from\":{\"type\":\"string\"},\"due_to\":{\"type\":\"string\"},\"overdue\":{\"type\":\"boolean\"},"
		 "\"tags\":{\"type\":\"string\",\"description\":\"Comma list of tag names.\"},"
		 "\"tags_mode\":{\"type\":\"string\",\"enum\":[\"any\",\"all\"]},"
		 "\"sort_by\":{\"type\":\"string\",\"enum\":[\"created_at\",\"due_date\",\"priority\",\"title\"]},"
		 "\"sort_order\":{\"type\":\"string\",\"enum\":[\"asc\",\"desc\"]},"
		 "\"filter\":{\"type\":\"string\",\"description\":\"Filter language expression (README: Filter language).\"},"
		 P_LIMIT "," P_CURSOR), O_LIST("tasks", O_NEXT), RO }, search_tasks },
	{ { "get_activity_logs", "Get the activity log",
	    "What changed, newest first: each entry names the action (created, updated, completed, deleted, "
	    "skipped), the task, who did it (user or mcp) and the changed fields. Optionally for one task.",
	    OBJ0("\"task_id\":{\"type\":\"integer\",\"minimum\":1}," P_LIMIT "," P_CURSOR),
	    O_LIST("entries", O_NEXT), RO }, get_activity_logs },
};

#define NTOOLS (sizeof(table) / sizeof(table[0]))

char *mcp__tools_list(void)
{
	struct mcp_tool_desc d[NTOOLS];
	for (size_t i = 0; i < NTOOLS; i++)
		d[i] = table[i].d;
	return mcp_json_tools_list(d, NTOOLS);
}

const struct mcp_tool_desc *mcp__tool_find(const char *name)
{
	for (size_t i = 0; i < NTOOLS; i++)
		if (strcmp(table[i].d.name, name) == 0)
			return &table[i].d;
	return NULL;
}

int mcp__tool_call(const char *name, const struct mcp_args *args, const char *user, char **out,
		   struct err *e)
{
	for (size_t i = 0; i < NTOOLS; i++) {
		if (strcmp(table[i].d.name, name) != 0)
			continue;
		struct call c = { .user = user, .args = args, .actor = { .type = "mcp", .id = user }, .e = e };
		int rc = table[i].fn(&c);
		if (rc) {
			free(c.out);
			return rc;
		}
		*out = c.out;
		return 0;
	}
	return err_set(e, TODO_EINVAL, "name", "unknown tool \"%.128s\"", name);
}
