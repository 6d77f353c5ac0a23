/* reminder_json.h - JSON of reminders, of the job commands in the outbox,
 * of the data a reminder job carries, and of reminder-triggered events. */
#ifndef TODOD_JSON_REMINDER_JSON_H
#define TODOD_JSON_REMINDER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/reminder.h"

/* reminder_json_parse_input - {"remind_at": "..."} or {"before": "15m"}; strict. */
int reminder_json_parse_input(const uint8_t *body, size_t len, struct reminder_input *in,
			      struct err *e);

char *reminder_json_encode(const struct reminder *r);
char *reminder_json_encode_list(const struct reminder *r, size_t n);
/* {"task_id": id, "cancelled": n} */
char *reminder_json_encode_cancelled(int64_t task_id, int n);

/* A job command (outbox topic "@jobs"): schedule or delete job @name. */
struct job_command {
	bool schedule;                 /* false: delete */
	char name[64];
	char due_time[40];             /* schedule only */
	char *data;                    /* schedule only: the job's data (JSON), malloc'd */
};
char *job_command_encode(bool schedule, const char *name, const char *due_time, const char *data);
int job_command_parse(const char *text, struct job_command *out, struct err *e);
void job_command_release(struct job_command *c);

/* The data of a reminder job: {"reminder_id": id, "version": v}. */
char *reminder_job_data(int64_t reminder_id, int version);
int reminder_job_data_parse(const uint8_t *data, size_t len, int64_t *reminder_id, int *version);

/* The reminder-triggered event (schema_version 1); @cursor is the user's
 * change-feed cursor of the firing (left out when 0). */
char *reminder_json_triggered(const char *event_id, const char *occurred_at, int64_t cursor,
			      const struct reminder *r,
			      const char *task_title, const char *task_due);

/* reminder_triggered_id - the reminder_id of a reminder-triggered event, or 0. */
int64_t reminder_triggered_id(const uint8_t *data, size_t len);

#endif
