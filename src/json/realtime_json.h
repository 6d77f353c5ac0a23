/*
 * realtime_json.h - the WebSocket protocol of /realtime (README "Real-time
 * sync", events/asyncapi.yaml channel `realtime`): client messages in,
 * server frames out, and the fields of the broadcast notices.
 *
 * Client messages (one JSON object per text frame):
 *     {"type":"subscribe","since":N?,"task_ids":[N...]?,"tags":["..."]?}
 *     {"type":"unsubscribe"}
 *     {"type":"ping","id":<any JSON>?}
 * Unknown fields are ignored. A message that cannot be accepted gets an
 * error frame {"type":"error","code":...,"message":...}; the codes are
 * enum realtime_error below.
 *
 * Encoders return malloc'd compact JSON.
 */
#ifndef TODOD_JSON_REALTIME_JSON_H
#define TODOD_JSON_REALTIME_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/event.h"

struct reminder;

#define REALTIME_TASK_IDS_MAX 100     /* task_ids in one subscribe */
#define REALTIME_TAGS_MAX 20          /* tags in one subscribe */
#define REALTIME_TAG_LEN_MAX 100      /* bytes of one tag name */

enum realtime_error {
	REALTIME_OK = 0,
	REALTIME_BAD_JSON,        /* not JSON, or not an object */
	REALTIME_BAD_MESSAGE,     /* no string "type" */
	REALTIME_UNKNOWN_TYPE,    /* "type" names no message */
	REALTIME_BAD_FIELD,       /* a field of the wrong type or out of range */
	REALTIME_TOO_BIG,         /* the frame is over the size limit */
};

/* realtime_error_code - the wire name: "bad_json", "bad_message", ... */
const char *realtime_error_code(enum realtime_error code);

enum realtime_msg_type {
	REALTIME_SUBSCRIBE,
	REALTIME_UNSUBSCRIBE,
	REALTIME_PING,
};

/* A decoded client message; release with realtime_msg_release. */
struct realtime_msg {
	enum realtime_msg_type type;
	bool has_since;
	int64_t since;            /* >= 0 */
	int64_t *task_ids;        /* malloc'd, or NULL: no narrowing by task */
	size_t ntask_ids;
	char **tags;              /* malloc'd names, or NULL: no narrowing by tag */
	size_t ntags;
	char *ping_id;            /* malloc'd JSON text of "id", or NULL when absent */
};

/* realtime_json_parse - decode one client message of @len bytes. Returns
 * REALTIME_OK and fills @out, or an error code with @e's message naming
 * the field and the reason (@out then holds nothing to release). */
enum realtime_error realtime_json_parse(const char *text, size_t len, struct realtime_msg *out,
					struct err *e);
void realtime_msg_release(struct realtime_msg *m);

/* realtime_json_tags_match - whether the JSON array of strings @tags_json
 * holds any of @tags[0..n). Bad JSON matches nothing. */
bool realtime_json_tags_match(const char *tags_json, char *const *tags, size_t n);

/* Frames of the change feed (stored in change_feed.payload, sent as is). */

/* realtime_json_task_frame - {"type":"event","cursor","event_type":
 * "task.created"..., "task_id","task" (null for a delete),"occurred_at"}. */
char *realtime_json_task_frame(const struct task_event *ev, int64_t cursor);

/* realtime_json_reminder_frame - {"type":"reminder","cursor","reminder_id",
 * "task_id","remind_at","title","occurred_at"}. */
char *realtime_json_reminder_frame(int64_t cursor, const struct reminder *r, const char *title,
				   const char *occurred_at);

/* realtime_json_tag_names - ["name", ...] of a task's tags_json
 * ([{id,name,color}], NULL: none). */
char *realtime_json_tag_names(const char *task_tags_json);

/* Control frames. */
char *realtime_json_subscribed(int64_t cursor);
char *realtime_json_unsubscribed(void);
char *realtime_json_pong(const char *id_json);          /* id omitted when NULL */
char *realtime_json_resync(int64_t cursor);
char *realtime_json_error(enum realtime_error code, const char *message);

/* realtime_json_notice - the user id and cursor of a broadcast event (a
 * task-updates or reminders payload). Returns 0, or TODO_EINVAL when the
 * payload carries no string user_id and positive cursor. */
int realtime_json_notice(const uint8_t *data, size_t len, char *user_id, size_t user_id_size,
			 int64_t *cursor, struct err *e);

/* Tickets of the upgrade (changes/ticket.h). */

/* realtime_json_ticket - the state-store value {"user_id","expires_at"}. */
char *realtime_json_ticket(const char *user_id, int64_t expires_at);

/* realtime_json_ticket_parse - its inverse; TODO_EINVAL when @value is not
 * such an object or the user id does not fit @user_id_size. */
int realtime_json_ticket_parse(const char *value, size_t len, char *user_id, size_t user_id_size,
			       int64_t *expires_at, struct err *e);

/* realtime_json_ticket_issued - the answer of POST .../realtime/tickets:
 * {"ticket","url": @url "?ticket=" @ticket,"expires_in"}. */
char *realtime_json_ticket_issued(const char *ticket, const char *url, int expires_in);

#endif
