/*
 * reminder.h - reminders of tasks: the record and the rules for input.
 * Pure logic, no I/O.
 *
 * A reminder is absolute ({"remind_at": RFC 3339}) or relative to the task's
 * due time ({"before": "15m"}: any sum of w, d, h, m, s parts such as
 * "1h30m"; at most 366 days). A relative reminder needs a due time and
 * follows it; neither may lie in the past when it is set.
 */
#ifndef TODOD_SERVICE_REMINDER_H
#define TODOD_SERVICE_REMINDER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "service/task.h"

#define REMINDER_OFFSET_MAX (366 * 86400)

/* Reminders fire through the Dapr Jobs API: job "reminder-<id>", scheduled
 * and deleted by commands on the outbox command topic "@jobs". */
#define JOBS_TOPIC "@jobs"
#define REMINDER_JOB_PREFIX "reminder-"

struct reminder {
	int64_t id;
	int64_t task_id;
	char user_id[USER_ID_MAX + 1];
	char type[10];                    /* absolute | relative */
	int offset_seconds;               /* relative only; -1 otherwise */
	char reminder_time[TIME_TEXT_MAX];
	char status[10];                  /* pending | sent | cancelled */
	bool late;
	int version;
	char created_at[TIME_TEXT_MAX];
	char sent_at[TIME_TEXT_MAX];      /* "" until sent */
};

struct reminder_input {
	char *remind_at;                  /* malloc'd RFC 3339, or NULL */
	char *before;                     /* malloc'd duration text, or NULL */
	int offset_seconds;               /* parsed @before, -1 when absolute */
};

void reminder_input_release(struct reminder_input *in);

/* reminder_parse_offset - "15m", "1h30m", "2d", "1w" -> seconds (> 0). */
int reminder_parse_offset(const char *text, int *seconds, struct err *e);

/* reminder_input_validate - exactly one of remind_at / before, each well
 * formed; fills offset_seconds. TODO_EINVAL names the field. */
int reminder_input_validate(struct reminder_input *in, struct err *e);

#endif
