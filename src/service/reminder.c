#include "service/reminder.h"

#include <stdlib.h>
#include <string.h>

void reminder_input_release(struct reminder_input *in)
{
	free(in->remind_at);
	free(in->before);
	in->remind_at = NULL;
	in->before = NULL;
}

int reminder_parse_offset(const char *text, int *seconds, struct err *e)
{
	long long total = 0;
	const char *p = text;
	if (!*p)
		goto bad;
	while (*p) {
		if (*p < '0' || *p > '9')
			goto bad;
		long long n = 0;
		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (*p++ - '0');
			if (n > REMINDER_OFFSET_MAX)
				goto bad;
		}
		long long unit;
		switch (*p++) {
		case 'w': unit = 7 * 86400; break;
		case 'd': unit = 86400; break;
		case 'h': unit = 3600; break;
		case 'm': unit = 60; break;
		case 's': unit = 1; break;
		default: goto bad;
		}
		total += n * unit;
		if (total > REMINDER_OFFSET_MAX)
			goto bad;
	}
	if (total <= 0)
		goto bad;
	*seconds = (int)total;
	return 0;
bad:
	return err_set(e, TODO_EINVAL, "before",
		       "before \"%.32s\" is not a duration such as 15m, 1h30m, 1d or 1w (at most 366 days)",
		       text);
}

int reminder_input_validate(struct reminder_input *in, struct err *e)
{
	in->offset_seconds = -1;
	if (in->remind_at && in->before)
		return err_set(e, TODO_EINVAL, "before", "give remind_at or before, not both");
	if (!in->remind_at && !in->before)
		return err_set(e, TODO_EINVAL, "remind_at",
			       "a reminder needs remind_at (a time) or before (an offset from the due time)");
	if (in->remind_at) {
		struct task_input probe = { .has_due = true, .due_datetime = in->remind_at };
		struct err ignored;
		if (task_input_validate_due(&probe, &ignored) != 0)
			return err_set(e, TODO_EINVAL, "remind_at",
				       "remind_at \"%.40s\" is not an RFC 3339 date-time", in->remind_at);
		return 0;
	}
	return reminder_parse_offset(in->before, &in->offset_seconds, e);
}
