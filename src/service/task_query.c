#include "service/task_query.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/utf8.h"
#include "service/filter.h"

void task_query_init(struct task_query *q)
{
	memset(q, 0, sizeof(*q));
	q->sort = TASK_SORT_CREATED_AT;
	q->desc = true;
	q->limit = TASK_QUERY_LIMIT_DEFAULT;
}

void task_query_release(struct task_query *q)
{
	for (size_t i = 0; i < q->ntags; i++)
		free(q->tags[i]);
	free(q->search);
	if (q->filter)
		filter_free(q->filter);
	memset(q, 0, sizeof(*q));
}

int task_query_set_priorities(struct task_query *q, const char *csv, struct err *e)
{
	const char *p = csv;
	q->priorities = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == 4 && strncasecmp(p, "High", 4) == 0)
			q->priorities |= PRIORITY_BIT_HIGH;
		else if (len == 6 && strncasecmp(p, "Medium", 6) == 0)
			q->priorities |= PRIORITY_BIT_MEDIUM;
		else if (len == 3 && strncasecmp(p, "Low", 3) == 0)
			q->priorities |= PRIORITY_BIT_LOW;
		else
			return err_set(e, TODO_EINVAL, "priority",
				       "priority \"%.*s\" is not one of High, Medium, Low",
				       (int)(len > 20 ? 20 : len), p);
		p += len + (p[len] == ',');
	}
	if (!q->priorities)
		return err_set(e, TODO_EINVAL, "priority", "priority must name at least one of High, Medium, Low");
	return 0;
}

int task_query_set_tags(struct task_query *q, const char *csv, struct err *e)
{
	const char *p = csv;
	while (*p) {
		size_t len = strcspn(p, ",");
		while (len && *p == ' ') {
			p++;
			len--;
		}
		size_t l = len;
		while (l && p[l - 1] == ' ')
			l--;
		if (l == 0 || l > 200)
			return err_set(e, TODO_EINVAL, "tags", "tags must be a comma list of tag names");
		if (q->ntags == TASK_QUERY_TAGS_MAX)
			return err_set(e, TODO_EINVAL, "tags", "at most %d tags per query", TASK_QUERY_TAGS_MAX);
		char *t = xstrndup(p, l);
		for (char *c = t; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		q->tags[q->ntags++] = t;
		p += len + (p[len] == ',');
	}
	if (!q->ntags)
		return err_set(e, TODO_EINVAL, "tags", "tags must name at least one tag");
	return 0;
}

int task_query_set_sort(struct task_query *q, const char *sort_by, const char *sort_order,
			struct err *e)
{
	if (sort_by) {
		if (strcmp(sort_by, "created_at") == 0) {
			q->sort = TASK_SORT_CREATED_AT;
			q->desc = true;
		} else if (strcmp(sort_by, "due_date") == 0) {
			q->sort = TASK_SORT_DUE_DATE;
			q->desc = false;
		} else if (strcmp(sort_by, "priority") == 0) {
			q->sort = TASK_SORT_PRIORITY;
			q->desc = true;
		} else if (strcmp(sort_by, "title") == 0) {
			q->sort = TASK_SORT_TITLE;
			q->desc = false;
		} else {
			return err_set(e, TODO_EINVAL, "sort_by",
				       "sort_by \"%.20s\" is not one of due_date, priority, created_at, title",
				       sort_by);
		}
	} else if (q->search) {
		q->sort = TASK_SORT_RANK;
		q->desc = true;
	}
	if (sort_order) {
		if (strcmp(sort_order, "asc") == 0)
			q->desc = false;
		else if (strcmp(sort_order, "desc") == 0)
			q->desc = true;
		else
			return err_set(e, TODO_EINVAL, "sort_order",
				       "sort_order \"%.20s\" is not one of asc, desc", sort_order);
	}
	return 0;
}

/* RFC 3339, or a plain date (the start of that day, UTC). */
int task_query_set_time(char out[TIME_TEXT_MAX], const char *field, const char *value,
			struct err *e)
{
	struct task_input probe = { .has_due = true, .due_datetime = NULL };
	char buf[TIME_TEXT_MAX];
	size_t n = strlen(value);
	if (n == 10)
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", value);
	else
		snprintf(buf, sizeof(buf), "%.*s", TIME_TEXT_MAX - 1, value);
	probe.due_datetime = buf;
	struct err ignored;
	if (n >= TIME_TEXT_MAX || task_input_validate_due(&probe, &ignored) != 0)
		return err_set(e, TODO_EINVAL, field,
			       "%s \"%.40s\" is not an RFC 3339 date-time or a date YYYY-MM-DD", field, value);
	snprintf(out, TIME_TEXT_MAX, "%s", buf);
	return 0;
}

int task_query_set_limit(struct task_query *q, const char *s, struct err *e)
{
	int64_t v;
	if (!num_parse_positive(s, TASK_QUERY_LIMIT_MAX, &v))
		return err_set(e, TODO_EINVAL, "limit", "limit \"%.20s\" is not an integer in [1, %d]",
			       s ? s : "", TASK_QUERY_LIMIT_MAX);
	q->limit = (int)v;
	return 0;
}

/* Cursor text: hex of "v1|<sort><a|d>|<n|v>|<id>|<value>". Opaque to clients,
 * checked on the way back in. */
char *task_cursor_encode(const struct task_query *q, const char *value, int64_t id)
{
	char *raw = xasprintf("v1|%d%c|%c|%" PRId64 "|%s", (int)q->sort, q->desc ? 'd' : 'a',
			      value ? 'v' : 'n', id, value ? value : "");
	size_t n = strlen(raw);
	char *hex = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)raw[i]);
	free(raw);
	return hex;
}

int task_cursor_decode(struct task_query *q, const char *text, struct err *e)
{
	size_t n = strlen(text);
	char raw[1024];
	if (n == 0 || n % 2 || n / 2 >= sizeof(raw))
		goto bad;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (!isxdigit((unsigned char)text[2 * i]) || !isxdigit((unsigned char)text[2 * i + 1]) ||
		    sscanf(text + 2 * i, "%2x", &v) != 1)
			goto bad;
		raw[i] = (char)v;
	}
	raw[n / 2] = '\0';
	int sort;
	char dir, kind;
	long long id;
	int used = 0;
	if (sscanf(raw, "v1|%d%c|%c|%lld|%n", &sort, &dir, &kind, &id, &used) != 4 || used == 0)
		goto bad;
	if (sort != (int)q->sort || dir != (q->desc ? 'd' : 'a') || (kind != 'v' && kind != 'n') || id <= 0)
		return err_set(e, TODO_EINVAL, "cursor",
			       "cursor was made for another sort_by or sort_order: start again without it");
	q->after.has = true;
	q->after.value_null = kind == 'n';
	q->after.id = id;
	snprintf(q->after.value, sizeof(q->after.value), "%s", raw + used);
	if (!utf8_valid(q->after.value, strlen(q->after.value)))
		goto bad;
	return 0;
bad:
	return err_set(e, TODO_EINVAL, "cursor", "cursor \"%.40s\" is not one this API returned", text);
}
