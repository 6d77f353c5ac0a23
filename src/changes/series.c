#include "changes/series.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/timeutil.h"
#include "changes/commit.h"
#include "changes/reminder_changes.h"
#include "service/recurrence.h"
#include "store/task_repo.h"

int series_create_next(const char *user_id, const struct actor *actor, const struct task *done,
		       int64_t *next_id, struct err *e)
{
	*next_id = 0;
	char due[TIME_TEXT_MAX];
	int rc = series_next_due(done, (int64_t)time(NULL), due, e);
	if (rc == TODO_ENOTFOUND)
		return 0;      /* the series has ended */
	if (rc)
		return rc;
	struct task next;
	task_copy(&next, done);
	next.completed = false;
	next.skipped = false;
	snprintf(next.due_datetime, sizeof(next.due_datetime), "%s", due);
	next.parent_task_id = done->parent_task_id ? done->parent_task_id : done->id;
	next.occurrence_index = done->occurrence_index + 1;
	int64_t id = 0;
	rc = task_repo_insert(user_id, &next, &id, e);
	task_release(&next);
	if (rc == 0)
		rc = task_repo_copy_tags(done->id, id, e);
	if (rc == 0)
		rc = reminders_copy_to_next(done->id, id, due, e);
	struct task created = { 0 };
	if (rc == 0)
		rc = task_repo_get(user_id, id, &created, e);
	if (rc == 0) {
		struct task_event ev;
		event_task_init(&ev, EVENT_TASK_CREATED, actor, &created, NULL);
		rc = change_record_task(&ev, e);
		task_release(&created);
	}
	if (rc == 0)
		*next_id = id;
	return rc;
}

int series_recurrence(const struct task *t, struct recurrence *r, struct err *e)
{
	static const char *const days[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
	const char *names[7];
	size_t n = 0;
	for (unsigned i = 0; i < 7; i++)
		if (t->recurrence_weekdays & (1u << i))
			names[n++] = days[i];
	bool custom = strcmp(t->recurrence_pattern, "custom") == 0;
	int64_t start = 0;
	bool has_start = t->series_start[0] && time_utc_seconds(t->series_start, &start) == 0;
	struct recurrence_spec spec = {
		.pattern = custom ? NULL : t->recurrence_pattern,
		.has_interval = !custom,
		.interval = t->recurrence_interval,
		.has_weekdays = n > 0,
		.weekdays = names,
		.n_weekdays = n,
		.rrule = custom ? t->recurrence_rule : NULL,
		.rrule_field = "recurrence_rule",
		.timezone = t->timezone,
		.end_date = t->recurrence_end_date[0] ? t->recurrence_end_date : NULL,
		.has_dtstart = has_start,
		.dtstart_utc = start,
	};
	return recurrence_parse(&spec, r, e);
}

int series_next_due(const struct task *t, int64_t now, char out[TIME_TEXT_MAX], struct err *e)
{
	int64_t due, start;
	if (time_utc_seconds(t->due_datetime, &due) != 0)
		return err_set(e, TODO_EINTERNAL, "due_datetime", "stored due_datetime \"%s\" unreadable",
			       t->due_datetime);
	if (!t->series_start[0] || time_utc_seconds(t->series_start, &start) != 0)
		start = due;
	struct recurrence r;
	int rc = series_recurrence(t, &r, e);
	if (rc)
		return rc;
	int64_t next;
	rc = recurrence_next(&r, start, due, now, t->occurrence_index, &next, e);
	recurrence_release(&r);
	if (rc)
		return rc;
	time_t tt = (time_t)next;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, TIME_TEXT_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}
