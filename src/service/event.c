#include "service/event.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

const char *event_type_name(enum event_type t)
{
	switch (t) {
	case EVENT_TASK_CREATED: return "task-created";
	case EVENT_TASK_UPDATED: return "task-updated";
	case EVENT_TASK_COMPLETED: return "task-completed";
	case EVENT_TASK_DELETED: return "task-deleted";
	case EVENT_TASK_SKIPPED: return "task-skipped";
	case EVENT_ACTIVITY_LOG_CREATED: return "activity-log-created";
	}
	return "unknown";
}

void event_new_id(char out[EVENT_ID_LEN + 1])
{
	unsigned char b[16];
	size_t got = 0;
	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
		if (n > 0)
			got += (size_t)n;
	}
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);   /* RFC 4122 variant */
	snprintf(out, EVENT_ID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}

void event_now(char out[TIME_TEXT_MAX])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, TIME_TEXT_MAX, "%.19s.%06uZ", date, (unsigned)(ts.tv_nsec / 1000) % 1000000u);
}

void event_task_init(struct task_event *ev, enum event_type type, const struct actor *actor,
		     const struct task *task, const struct task *old)
{
	memset(ev, 0, sizeof(*ev));
	event_new_id(ev->event_id);
	ev->type = type;
	event_now(ev->occurred_at);
	ev->actor = *actor;
	ev->task = task;
	ev->old = old;
}
