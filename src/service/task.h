/*
 * task.h - the task domain: the record, its inputs, and their validation.
 * Pure logic, no I/O.
 */
#ifndef TODOD_SERVICE_TASK_H
#define TODOD_SERVICE_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

#define TASK_TITLE_MAX 200         /* code points, after trimming */
#define TASK_DESCRIPTION_MAX 1000  /* code points */
#define USER_ID_MAX 64             /* bytes */
#define TIME_TEXT_MAX 40

struct task {
	int64_t id;
	char user_id[USER_ID_MAX + 1];
	char *title;                   /* malloc'd */
	char *description;             /* malloc'd, or NULL when none */
	bool completed;
	int64_t version;               /* 1 on create, +1 on every change */
	char created_at[TIME_TEXT_MAX]; /* RFC 3339 UTC, microseconds */
	char updated_at[TIME_TEXT_MAX];
};

/* A create (POST) or an update (PUT) as sent by a client. */
struct task_input {
	bool has_title;
	char *title;                   /* malloc'd */
	bool has_description;
	char *description;             /* malloc'd; NULL with has_description = clear it */
};

enum task_status_filter {
	TASK_FILTER_ALL = 0,
	TASK_FILTER_PENDING,
	TASK_FILTER_COMPLETED,
};

/* task_release / task_input_release - free the contents (not the struct). */
void task_release(struct task *t);
void task_input_release(struct task_input *in);

/* task_input_validate - trim the title and check both fields. A create
 * (@is_create) needs a title; an update needs at least one field. Returns 0
 * or TODO_EINVAL naming the field in @e. */
int task_input_validate(struct task_input *in, bool is_create, struct err *e);

/* user_id_validate - 1..USER_ID_MAX bytes of [A-Za-z0-9._@-]. */
int user_id_validate(const char *user_id, struct err *e);

/* task_id_parse - a positive decimal int64 task id. */
int task_id_parse(const char *s, int64_t *id, struct err *e);

/* task_version_parse - NULL (no precondition: *@out = 0) or a positive
 * decimal version for the if_version precondition. */
int task_version_parse(const char *s, int64_t *out, struct err *e);

/* task_status_parse - NULL or "all" | "pending" | "completed". */
int task_status_parse(const char *s, enum task_status_filter *out, struct err *e);

#endif
