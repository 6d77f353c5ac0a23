/*
 * task.h - the task domain: the record, its inputs, and their validation.
 * Pure logic, no I/O.
 */
#ifndef TODOD_SERVICE_TASK_H
#define TODOD_SERVICE_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define TASK_TITLE_MAX 200         /* code points, after trimming */
#define TASK_DESCRIPTION_MAX 1000  /* code points */
#define USER_ID_MAX 64             /* bytes */
#define TIME_TEXT_MAX 40
#define TZ_NAME_MAX 64
#define RRULE_MAX 500              /* bytes */
#define TASK_TAGS_MAX 20           /* tags on one task */
#define PRIORITY_TEXT_MAX 8
#define PATTERN_TEXT_MAX 8
#define DATE_TEXT_MAX 11           /* "YYYY-MM-DD" */

struct task {
	int64_t id;
	char user_id[USER_ID_MAX + 1];
	char *title;                   /* malloc'd */
	char *description;             /* malloc'd, or NULL when none */
	bool completed;
	int64_t version;               /* 1 on create, +1 on every change */
	char created_at[TIME_TEXT_MAX]; /* RFC 3339 UTC, microseconds */
	char updated_at[TIME_TEXT_MAX];

	char due_datetime[TIME_TEXT_MAX];        /* RFC 3339; "" when none */
	char priority[PRIORITY_TEXT_MAX];        /* High | Medium | Low */
	char timezone[TZ_NAME_MAX + 1];          /* IANA zone, default "UTC" */
	char recurrence_pattern[PATTERN_TEXT_MAX]; /* none|daily|weekly|monthly|custom */
	int recurrence_interval;                 /* every N days/weeks/months, >= 1 */
	unsigned recurrence_weekdays;            /* weekly: bit 0 Monday .. bit 6 Sunday */
	char *recurrence_rule;                   /* malloc'd RRULE when custom, else NULL */
	char recurrence_end_date[DATE_TEXT_MAX]; /* inclusive, in the task's zone; "" none */
	int64_t parent_task_id;                  /* the series' first task; 0 none */
	int occurrence_index;                    /* 1 for the first occurrence */
	char series_start[TIME_TEXT_MAX];        /* due of the series' first occurrence; "" */
	bool skipped;                            /* closed by skip-occurrence */
	char *tags_json;                         /* malloc'd [{id,name,color}], from the store */
};

/* A tag as a client names it on a task: by id, or by name (created if the
 * user has no tag of that name yet). */
struct tag_ref {
	int64_t id;                    /* > 0: by id */
	const char *name;              /* otherwise: by name */
};

/* A create (POST) or an update (PUT) as sent by a client: only the fields
 * with has_* set are given. Strings are malloc'd; a NULL string with its
 * has_* set means "clear it" where the field is nullable. */
struct task_input {
	bool has_title;
	char *title;
	bool has_description;
	char *description;
	bool has_due;
	char *due_datetime;
	bool has_priority;
	char *priority;
	bool has_timezone;
	char *timezone;
	bool has_pattern;
	char *recurrence_pattern;
	bool has_interval;
	int recurrence_interval;
	bool has_weekdays;
	unsigned recurrence_weekdays;
	bool has_rule;
	char *recurrence_rule;
	bool has_end_date;
	char *recurrence_end_date;
	bool has_parent;
	int64_t parent_task_id;
	bool has_tags;
	struct tag_ref *tags;          /* malloc'd array; names malloc'd */
	size_t ntags;
};

enum task_status_filter {
	TASK_FILTER_ALL = 0,
	TASK_FILTER_PENDING,
	TASK_FILTER_COMPLETED,
};

/* task_release / task_input_release - free the contents (not the struct). */
void task_release(struct task *t);
void task_input_release(struct task_input *in);

/* task_input_validate - check each given field on its own (and trim the
 * title, normalise priority spelling). A create (@is_create) needs a title;
 * an update needs at least one field. Returns 0 or TODO_EINVAL naming the
 * field in @e. */
int task_input_validate(struct task_input *in, bool is_create, struct err *e);

/* task_input_validate_due - only the due_datetime check (for query times). */
int task_input_validate_due(const struct task_input *in, struct err *e);

/* task_defaults - the values of a new task's optional fields. */
void task_defaults(struct task *t);

/* task_apply - @base (the current task, or task_defaults for a create) with
 * @in applied, into @out (its own copies; release with task_release), then
 * the rules that span fields: a recurring task needs a due date; weekdays
 * only for weekly; custom if and only if a recurrence_rule is given; an end
 * date only for recurring tasks. TODO_EINVAL names the field. (The end date
 * being on or after the due date in the task's zone is checked by the
 * database, which knows the zone rules.) */
int task_apply(const struct task *base, const struct task_input *in, struct task *out,
	       struct err *e);

/* task_copy - deep copy of @src into @dst. */
void task_copy(struct task *dst, const struct task *src);

/* Parsers for the new fields' text forms (pure, used by the JSON codec). */
int task_weekday_parse(const char *s, unsigned *bit, struct err *e);   /* "MO".."SU" */
bool task_is_recurring(const struct task *t);

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
