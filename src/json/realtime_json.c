#include "json/realtime_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/alloc.h"
#include "json/codec_internal.h"
#include "service/reminder.h"

const char *realtime_error_code(enum realtime_error code)
{
	switch (code) {
	case REALTIME_OK: return "ok";
	case REALTIME_BAD_JSON: return "bad_json";
	case REALTIME_BAD_MESSAGE: return "bad_message";
	case REALTIME_UNKNOWN_TYPE: return "unknown_type";
	case REALTIME_BAD_FIELD: return "bad_field";
	case REALTIME_TOO_BIG: return "too_big";
	}
	return "bad_message";
}

void realtime_msg_release(struct realtime_msg *m)
{
	for (size_t i = 0; i < m->ntags; i++)
		free(m->tags[i]);
	free(m->tags);
	free(m->task_ids);
	free(m->ping_id);
	memset(m, 0, sizeof(*m));
}

static enum realtime_error bad_field(struct err *e, const char *field, const char *fmt, const char *what)
{
	err_set(e, TODO_EINVAL, field, fmt, field, what);
	return REALTIME_BAD_FIELD;
}

static enum realtime_error parse_subscribe(json_t *root, struct realtime_msg *m, struct err *e)
{
	json_t *since = json_object_get(root, "since");
	if (since && !json_is_null(since)) {
		if (!json_is_integer(since) || json_integer_value(since) < 0)
			return bad_field(e, "since", "%s must be a non-negative integer cursor%s", "");
		m->has_since = true;
		m->since = json_integer_value(since);
	}
	json_t *ids = json_object_get(root, "task_ids");
	if (ids && !json_is_null(ids)) {
		if (!json_is_array(ids))
			return bad_field(e, "task_ids", "%s must be an array of task ids%s", "");
		if (json_array_size(ids) > REALTIME_TASK_IDS_MAX)
			return bad_field(e, "task_ids", "%s has too many entries: %s", "at most 100 allowed");
		m->task_ids = xcalloc(json_array_size(ids) + 1, sizeof(*m->task_ids));
		size_t i;
		json_t *v;
		json_array_foreach(ids, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				return bad_field(e, "task_ids", "%s must hold positive integers%s", "");
			m->task_ids[m->ntask_ids++] = json_integer_value(v);
		}
	}
	json_t *tags = json_object_get(root, "tags");
	if (tags && !json_is_null(tags)) {
		if (!json_is_array(tags))
			return bad_field(e, "tags", "%s must be an array of tag names%s", "");
		if (json_array_size(tags) > REALTIME_TAGS_MAX)
			return bad_field(e, "tags", "%s has too many entries: %s", "at most 20 allowed");
		m->tags = xcalloc(json_array_size(tags) + 1, sizeof(*m->tags));
		size_t i;
		json_t *v;
		json_array_foreach(tags, i, v) {
			if (!json_is_string(v) || json_string_length(v) == 0 ||
			    json_string_length(v) > REALTIME_TAG_LEN_MAX ||
			    strlen(json_string_value(v)) != json_string_length(v))
				return bad_field(e, "tags", "%s must hold names of 1 to 100 bytes%s", "");
			m->tags[m->ntags++] = xstrdup(json_string_value(v));
		}
	}
	return REALTIME_OK;
}

enum realtime_error realtime_json_parse(const char *text, size_t len, struct realtime_msg *out,
					struct err *e)
{
	memset(out, 0, sizeof(*out));
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!root) {
		err_set(e, TODO_EINVAL, "message", "message is not JSON: %s at column %d", jerr.text,
			jerr.column);
		return REALTIME_BAD_JSON;
	}
	enum realtime_error rc = REALTIME_OK;
	json_t *type = json_object_get(root, "type");
	const char *t = json_string_value(type);
	if (!json_is_object(root)) {
		err_set(e, TODO_EINVAL, "message", "message must be a JSON object");
		rc = REALTIME_BAD_JSON;
	} else if (!type) {
		err_set(e, TODO_EINVAL, "type", "message has no \"type\"");
		rc = REALTIME_BAD_MESSAGE;
	} else if (!t) {
		err_set(e, TODO_EINVAL, "type", "type must be a string");
		rc = REALTIME_BAD_MESSAGE;
	} else if (strcmp(t, "subscribe") == 0) {
		out->type = REALTIME_SUBSCRIBE;
		rc = parse_subscribe(root, out, e);
	} else if (strcmp(t, "unsubscribe") == 0) {
		out->type = REALTIME_UNSUBSCRIBE;
	} else if (strcmp(t, "ping") == 0) {
		out->type = REALTIME_PING;
		json_t *id = json_object_get(root, "id");
		if (id)
			out->ping_id = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
	} else {
		char q[80];
		snprintf(q, sizeof(q), "%.64s", t);
		err_set(e, TODO_EINVAL, "type",
			"unknown type \"%s\": expected subscribe, unsubscribe or ping", q);
		rc = REALTIME_UNKNOWN_TYPE;
	}
	json_decref(root);
	if (rc != REALTIME_OK)
		realtime_msg_release(out);
	return rc;
}

bool realtime_json_tags_match(const char *tags_json, char *const *tags, size_t n)
{
	json_t *arr = json_loads(tags_json ? tags_json : "[]", 0, NULL);
	bool hit = false;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		for (size_t k = 0; s && k < n && !hit; k++)
			hit = strcmp(s, tags[k]) == 0;
		if (hit)
			break;
	}
	json_decref(arr);
	return hit;
}

/* "task-created" -> "task.created" */
static json_t *dotted(const char *name)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", name);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '.';
	return json_string(buf);
}

char *realtime_json_task_frame(const struct task_event *ev, int64_t cursor)
{
	json_t *j = json_pack("{ss sI so sI ss}", "type", "event", "cursor", (json_int_t)cursor,
			      "event_type", dotted(event_type_name(ev->type)),
			      "task_id", (json_int_t)ev->task->id, "occurred_at", ev->occurred_at);
	json_object_set_new(j, "task", ev->type == EVENT_TASK_DELETED ? json_null()
					: task_json__object(ev->task));
	return codec__dump_new(j);
}

char *realtime_json_reminder_frame(int64_t cursor, const struct reminder *r, const char *title,
				   const char *occurred_at)
{
	return codec__dump_new(json_pack("{ss sI sI sI ss ss ss}", "type", "reminder",
					 "cursor", (json_int_t)cursor, "reminder_id", (json_int_t)r->id,
					 "task_id", (json_int_t)r->task_id, "remind_at", r->reminder_time,
					 "title", title ? title : "", "occurred_at", occurred_at));
}

char *realtime_json_tag_names(const char *task_tags_json)
{
	json_t *out = json_array();
	json_t *arr = task_tags_json ? json_loads(task_tags_json, 0, NULL) : NULL;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		json_t *name = json_object_get(v, "name");
		if (json_is_string(name))
			json_array_append(out, name);
	}
	json_decref(arr);
	return codec__dump_new(out);
}

char *realtime_json_subscribed(int64_t cursor)
{
	return codec__dump_new(json_pack("{ss sI}", "type", "subscribed", "cursor", (json_int_t)cursor));
}

char *realtime_json_unsubscribed(void)
{
	return codec__dump_new(json_pack("{ss}", "type", "unsubscribed"));
}

char *realtime_json_pong(const char *id_json)
{
	json_t *j = json_pack("{ss}", "type", "pong");
	json_t *id = id_json ? json_loads(id_json, JSON_DECODE_ANY, NULL) : NULL;
	if (id)
		json_object_set_new(j, "id", id);
	return codec__dump_new(j);
}

char *realtime_json_resync(int64_t cursor)
{
	return codec__dump_new(json_pack("{ss sI ss}", "type", "resync", "cursor", (json_int_t)cursor,
					 "reason", "cursor older than retention"));
}

char *realtime_json_error(enum realtime_error code, const char *message)
{
	return codec__dump_new(json_pack("{ss ss ss}", "type", "error", "code", realtime_error_code(code),
					 "message", message ? message : ""));
}

int realtime_json_notice(const uint8_t *data, size_t len, char *user_id, size_t user_id_size,
			 int64_t *cursor, struct err *e)
{
	json_t *root = json_loadb((const char *)data, len, 0, NULL);
	const char *uid = NULL;
	json_int_t c = 0;
	int rc = 0;
	if (!root || json_unpack(root, "{s:s s:I}", "user_id", &uid, "cursor", &c) != 0 || c <= 0 ||
	    strlen(uid) == 0 || strlen(uid) >= user_id_size)
		rc = err_set(e, TODO_EINVAL, "data", "not a real-time notice: no user_id and cursor");
	else {
		snprintf(user_id, user_id_size, "%s", uid);
		*cursor = c;
	}
	json_decref(root);
	return rc;
}

char *realtime_json_ticket(const char *user_id, int64_t expires_at)
{
	return codec__dump_new(json_pack("{ss sI}", "user_id", user_id, "expires_at",
					 (json_int_t)expires_at));
}

int realtime_json_ticket_parse(const char *value, size_t len, char *user_id, size_t user_id_size,
			       int64_t *expires_at, struct err *e)
{
	json_t *root = json_loadb(value, len, 0, NULL);
	const char *uid = NULL;
	json_int_t at = 0;
	int rc = 0;
	if (!root || json_unpack(root, "{s:s s:I}", "user_id", &uid, "expires_at", &at) != 0 ||
	    !*uid || strlen(uid) >= user_id_size)
		rc = err_set(e, TODO_EINVAL, "ticket", "ticket state is not {user_id, expires_at}");
	else {
		snprintf(user_id, user_id_size, "%s", uid);
		*expires_at = at;
	}
	json_decref(root);
	return rc;
}

char *realtime_json_ticket_issued(const char *ticket, const char *url, int expires_in)
{
	size_t n = strlen(url) + strlen(ticket) + 16;
	char *full = xmalloc(n);
	snprintf(full, n, "%s%sticket=%s", url, strchr(url, '?') ? "&" : "?", ticket);
	json_t *j = json_pack("{ss ss si}", "ticket", ticket, "url", full, "expires_in", expires_in);
	free(full);
	return codec__dump_new(j);
}
