#include "service/task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/num.h"
#include "base/timeutil.h"
#include "base/tzfile.h"
#include "base/utf8.h"
#include "service/tag.h"

void task_release(struct task *t)
{
	free(t->title);
	free(t->description);
	free(t->recurrence_rule);
	free(t->tags_json);
	t->title = NULL;
	t->description = NULL;
	t->recurrence_rule = NULL;
	t->tags_json = NULL;
}

void task_input_release(struct task_input *in)
{
	free(in->title);
	free(in->description);
	free(in->due_datetime);
	free(in->priority);
	free(in->timezone);
	free(in->recurrence_pattern);
	free(in->recurrence_rule);
	free(in->recurrence_end_date);
	for (size_t i = 0; i < in->ntags; i++)
		free((char *)in->tags[i].name);
	free(in->tags);
	memset(in, 0, sizeof(*in));
}

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *p = malloc(n + 1);
	if (!p)
		abort();   /* out of memory: see base/alloc.h */
	memcpy(p, s, n + 1);
	return p;
}

void task_copy(struct task *dst, const struct task *src)
{
	*dst = *src;
	dst->title = dup_or_null(src->title);
	dst->description = dup_or_null(src->description);
	dst->recurrence_rule = dup_or_null(src->recurrence_rule);
	dst->tags_json = dup_or_null(src->tags_json);
}

void task_defaults(struct task *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->priority, "Medium");
	strcpy(t->timezone, "UTC");
	strcpy(t->recurrence_pattern, "none");
	t->recurrence_interval = 1;
	t->occurrence_index = 1;
}

bool task_is_recurring(const struct task *t)
{
	return strcmp(t->recurrence_pattern, "none") != 0;
}


/* ---- the advanced fields ---- */

/* A timestamp text (base/timeutil.h) of the given form, dated 1970 or
 * later. */
static bool time_ok(const char *s, bool want_date)
{
	int64_t usec;
	bool is_date;
	return time_parse(s, strlen(s), &usec, &is_date) == TIME_OK && is_date == want_date &&
	       strncmp(s, "1970", 4) >= 0;
}

/* "YYYY-MM-DD" with a real calendar date. */
static bool date_ok(const char *s)
{
	return time_ok(s, true);
}

/* RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 't'/'z' and a
 * space for 'T' are accepted as RFC 3339 allows. */
static bool rfc3339_ok(const char *s)
{
	return time_ok(s, false);
}

/* An IANA zone name known to this machine's tz database (the one
 * PostgreSQL uses too): letters, digits, '_', '-', '+', '/' and no "..". */
static bool zone_ok(const char *z)
{
	size_t n = strlen(z);
	if (n == 0 || n > TZ_NAME_MAX || z[0] == '/' || strstr(z, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = z[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '+' || c == '/'))
			return false;
	}
	if (strcmp(z, "UTC") == 0)
		return true;
	return tzfile_exists(z);
}

int task_weekday_parse(const char *s, unsigned *bit, struct err *e)
{
	static const char *const days[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
	for (unsigned i = 0; i < 7; i++) {
		if (strcasecmp(s, days[i]) == 0) {
			*bit = 1u << i;
			return 0;
		}
	}
	return err_set(e, TODO_EINVAL, "recurrence_weekdays",
		       "recurrence_weekdays value \"%.16s\" is not one of MO, TU, WE, TH, FR, SA, SU", s);
}

/* RRULE text: KEY=VALUE parts separated by ';'; this checks the shape and
 * the keys the service supports, the recurrence engine checks the values. */
static int rrule_ok(const char *r, struct err *e)
{
	static const char *const keys[] = { "FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT",
					    "UNTIL", "WKST", NULL };
	size_t n = strlen(r);
	if (n == 0 || n > RRULE_MAX)
		return err_set(e, TODO_EINVAL, "recurrence_rule",
			       "recurrence_rule must be 1 to %d characters", RRULE_MAX);
	const char *p = r;
	if (strncasecmp(p, "RRULE:", 6) == 0)
		p += 6;
	bool freq = false;
	while (*p) {
		size_t len = strcspn(p, ";");
		const char *eq = memchr(p, '=', len);
		if (!eq || eq == p || eq == p + len - 1)
			return err_set(e, TODO_EINVAL, "recurrence_rule",
				       "recurrence_rule part \"%.*s\" at column %d is not KEY=VALUE",
				       (int)(len > 40 ? 40 : len), p, (int)(p - r) + 1);
		size_t klen = (size_t)(eq - p);
		bool known = false;
		for (const char *const *k = keys; *k; k++)
			if (strlen(*k) == klen && strncasecmp(*k, p, klen) == 0)
				known = true;
		if (!known)
			return err_set(e, TODO_EINVAL, "recurrence_rule",
				       "recurrence_rule key \"%.*s\" at column %d is not supported "
				       "(FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL, WKST)",
				       (int)(klen > 20 ? 20 : klen), p, (int)(p - r) + 1);
		if (klen == 4 && strncasecmp(p, "FREQ", 4) == 0)
			freq = true;
		for (const char *c = eq + 1; c < p + len; c++)
			if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			      (*c >= '0' && *c <= '9') || *c == ',' || *c == '-' || *c == '+'))
				return err_set(e, TODO_EINVAL, "recurrence_rule",
					       "recurrence_rule has an unexpected character at column %d",
					       (int)(c - r) + 1);
		p += len + (p[len] == ';');
	}
	if (!freq)
		return err_set(e, TODO_EINVAL, "recurrence_rule", "recurrence_rule needs a FREQ part");
	return 0;
}

int task_input_validate_due(const struct task_input *in, struct err *e)
{
	if (in->has_due && in->due_datetime && !rfc3339_ok(in->due_datetime))
		return err_set(e, TODO_EINVAL, "due_datetime",
			       "due_datetime \"%.40s\" is not an RFC 3339 date-time such as "
			       "2026-12-01T09:00:00Z", in->due_datetime);
	return 0;
}

static int validate_details(struct task_input *in, struct err *e)
{
	if (in->has_due && in->due_datetime && !rfc3339_ok(in->due_datetime))
		return err_set(e, TODO_EINVAL, "due_datetime",
			       "due_datetime \"%.40s\" is not an RFC 3339 date-time such as "
			       "2026-12-01T09:00:00Z", in->due_datetime);
	if (in->has_priority) {
		static const char *const names[] = { "High", "Medium", "Low" };
		bool ok = false;
		for (int i = 0; in->priority && i < 3; i++)
			if (strcasecmp(in->priority, names[i]) == 0) {
				strcpy(in->priority, names[i]);   /* same length: normalise case */
				ok = true;
			}
		if (!ok)
			return err_set(e, TODO_EINVAL, "priority",
				       "priority \"%.16s\" is not one of High, Medium, Low",
				       in->priority ? in->priority : "null");
	}
	if (in->has_timezone && (!in->timezone || !zone_ok(in->timezone)))
		return err_set(e, TODO_EINVAL, "timezone",
			       "timezone \"%.64s\" is not a known IANA time zone name",
			       in->timezone ? in->timezone : "null");
	if (in->has_pattern) {
		static const char *const pats[] = { "none", "daily", "weekly", "monthly", "custom" };
		bool ok = false;
		for (int i = 0; in->recurrence_pattern && i < 5; i++)
			if (strcmp(in->recurrence_pattern, pats[i]) == 0)
				ok = true;
		if (!ok)
			return err_set(e, TODO_EINVAL, "recurrence_pattern",
				       "recurrence_pattern \"%.16s\" is not one of none, daily, weekly, "
				       "monthly, custom", in->recurrence_pattern ? in->recurrence_pattern : "null");
	}
	if (in->has_interval && (in->recurrence_interval < 1 || in->recurrence_interval > 1000))
		return err_set(e, TODO_EINVAL, "recurrence_interval",
			       "recurrence_interval %d is not in [1, 1000]", in->recurrence_interval);
	if (in->has_rule && in->recurrence_rule && rrule_ok(in->recurrence_rule, e))
		return TODO_EINVAL;
	if (in->has_end_date && in->recurrence_end_date && !date_ok(in->recurrence_end_date))
		return err_set(e, TODO_EINVAL, "recurrence_end_date",
			       "recurrence_end_date \"%.20s\" is not a date YYYY-MM-DD",
			       in->recurrence_end_date);
	if (in->has_end_date && in->recurrence_end_date && strlen(in->recurrence_end_date) != 10)
		return err_set(e, TODO_EINVAL, "recurrence_end_date",
			       "recurrence_end_date \"%.20s\" is not a date YYYY-MM-DD",
			       in->recurrence_end_date);
	if (in->has_parent && in->parent_task_id < 0)
		return err_set(e, TODO_EINVAL, "parent_task_id", "parent_task_id must be a positive id");
	if (in->has_tags && in->ntags > TASK_TAGS_MAX)
		return err_set(e, TODO_EINVAL, "tags", "a task may have at most %d tags, got %zu",
			       TASK_TAGS_MAX, in->ntags);
	for (size_t i = 0; in->has_tags && i < in->ntags; i++) {
		if (in->tags[i].id > 0)
			continue;
		if (!in->tags[i].name || tag_name_validate((char *)in->tags[i].name, e) != 0) {
			char msg[ERR_MSG_MAX];
			snprintf(msg, sizeof(msg), "%s", e && e->code ? e->msg : "missing name");
			return err_set(e, TODO_EINVAL, "tags", "tags[%zu]: %s", i, msg);
		}
	}
	return 0;
}

int task_apply(const struct task *base, const struct task_input *in, struct task *out,
	       struct err *e)
{
	task_copy(out, base);
#define SET_STR(field, has, val) do { if (in->has) { free(out->field); out->field = dup_or_null(in->val); } } while (0)
#define SET_BUF(field, has, val) do { if (in->has) snprintf(out->field, sizeof(out->field), "%s", in->val ? in->val : ""); } while (0)
	SET_STR(title, has_title, title);
	SET_STR(description, has_description, description);
	SET_BUF(due_datetime, has_due, due_datetime);
	SET_BUF(priority, has_priority, priority);
	SET_BUF(timezone, has_timezone, timezone);
	SET_BUF(recurrence_pattern, has_pattern, recurrence_pattern);
	SET_STR(recurrence_rule, has_rule, recurrence_rule);
	SET_BUF(recurrence_end_date, has_end_date, recurrence_end_date);
#undef SET_STR
#undef SET_BUF
	if (in->has_interval)
		out->recurrence_interval = in->recurrence_interval;
	if (in->has_weekdays)
		out->recurrence_weekdays = in->recurrence_weekdays;
	if (in->has_parent)
		out->parent_task_id = in->parent_task_id;
	/* Giving a rule implies the custom pattern; leaving custom drops it. */
	if (in->has_rule && out->recurrence_rule && !in->has_pattern)
		strcpy(out->recurrence_pattern, "custom");
	if (in->has_pattern && strcmp(out->recurrence_pattern, "custom") != 0 && !in->has_rule) {
		free(out->recurrence_rule);
		out->recurrence_rule = NULL;
	}
	if (strcmp(out->recurrence_pattern, "weekly") != 0 && in->has_pattern && !in->has_weekdays)
		out->recurrence_weekdays = 0;

	/* The series is anchored at the due date it starts from; moving the due
	 * date of an occurrence re-anchors it. */
	if (!task_is_recurring(out))
		out->series_start[0] = '\0';
	else if (in->has_due || !out->series_start[0])
		snprintf(out->series_start, sizeof(out->series_start), "%s", out->due_datetime);

	int rc = 0;
	bool recurring = task_is_recurring(out);
	bool custom = strcmp(out->recurrence_pattern, "custom") == 0;
	if (custom != (out->recurrence_rule != NULL))
		rc = err_set(e, TODO_EINVAL, custom ? "recurrence_rule" : "recurrence_pattern",
			     custom ? "recurrence_pattern custom needs a recurrence_rule"
				    : "a recurrence_rule needs recurrence_pattern custom");
	else if (out->recurrence_weekdays && strcmp(out->recurrence_pattern, "weekly") != 0)
		rc = err_set(e, TODO_EINVAL, "recurrence_weekdays",
			     "recurrence_weekdays apply only to recurrence_pattern weekly");
	else if (recurring && !out->due_datetime[0])
		rc = err_set(e, TODO_EINVAL, "due_datetime",
			     "a recurring task needs a due_datetime to anchor its series");
	else if (!recurring && out->recurrence_end_date[0])
		rc = err_set(e, TODO_EINVAL, "recurrence_end_date",
			     "recurrence_end_date needs a recurrence_pattern other than none");
	if (rc)
		task_release(out);
	return rc;
}

int task_input_validate(struct task_input *in, bool is_create, struct err *e)
{
	if (is_create && !in->has_title)
		return err_set(e, TODO_EINVAL, "title", "title is required");
	if (!is_create && !in->has_title && !in->has_description && !in->has_due &&
	    !in->has_priority && !in->has_timezone && !in->has_pattern && !in->has_interval &&
	    !in->has_weekdays && !in->has_rule && !in->has_end_date && !in->has_parent && !in->has_tags)
		return err_set(e, TODO_EINVAL, NULL,
			       "nothing to update: give at least one field such as \"title\"");
	if (in->has_title) {
		if (!in->title)
			return err_set(e, TODO_EINVAL, "title", "title must not be null");
		utf8_trim_space(in->title);
		size_t len = strlen(in->title);
		if (!utf8_valid(in->title, len))
			return err_set(e, TODO_EINVAL, "title", "title is not valid UTF-8");
		size_t n = utf8_count(in->title, len);
		if (n == 0)
			return err_set(e, TODO_EINVAL, "title", "title must not be empty after trimming");
		if (n > TASK_TITLE_MAX)
			return err_set(e, TODO_EINVAL, "title",
				       "title is too long: %zu characters, at most %d allowed",
				       n, TASK_TITLE_MAX);
	}
	if (in->has_description && in->description) {
		size_t len = strlen(in->description);
		if (!utf8_valid(in->description, len))
			return err_set(e, TODO_EINVAL, "description", "description is not valid UTF-8");
		size_t n = utf8_count(in->description, len);
		if (n > TASK_DESCRIPTION_MAX)
			return err_set(e, TODO_EINVAL, "description",
				       "description is too long: %zu characters, at most %d allowed",
				       n, TASK_DESCRIPTION_MAX);
	}
	return validate_details(in, e);
}

int user_id_validate(const char *user_id, struct err *e)
{
	size_t len = strlen(user_id);
	if (len == 0 || len > USER_ID_MAX)
		return err_set(e, TODO_EINVAL, "user_id",
			       "user_id must be 1 to %d characters", USER_ID_MAX);
	for (size_t i = 0; i < len; i++) {
		char c = user_id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-'))
			return err_set(e, TODO_EINVAL, "user_id",
				       "user_id may contain only letters, digits and . _ @ -");
	}
	return 0;
}

int task_id_parse(const char *s, int64_t *id, struct err *e)
{
	if (!num_parse_positive(s, INT64_MAX, id))
		return err_set(e, TODO_EINVAL, "id", "task id \"%.32s\" is not a positive integer",
			       s ? s : "");
	return 0;
}

int task_version_parse(const char *s, int64_t *out, struct err *e)
{
	*out = 0;
	if (s && !num_parse_positive(s, INT64_MAX, out))
		return err_set(e, TODO_EINVAL, "if_version",
			       "if_version \"%.32s\" is not a positive integer", s);
	return 0;
}

int task_status_parse(const char *s, enum task_status_filter *out, struct err *e)
{
	if (!s || strcmp(s, "all") == 0)
		*out = TASK_FILTER_ALL;
	else if (strcmp(s, "pending") == 0)
		*out = TASK_FILTER_PENDING;
	else if (strcmp(s, "completed") == 0)
		*out = TASK_FILTER_COMPLETED;
	else
		return err_set(e, TODO_EINVAL, "status",
			       "status \"%.32s\" is not one of all, pending, completed", s);
	return 0;
}
