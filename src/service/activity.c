#include "service/activity.h"

#include <stdio.h>

#include <inttypes.h>

#include <errno.h>

#include <stdlib.h>

void activity_entries_free(struct activity_entry *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].changes_json);
	free(a);
}

bool activity_cursor_decode(const char *v, struct activity_key *out)
{
	if (v[0] != 'b' || !(v[1] >= '0' && v[1] <= '9'))
		return false;
	char *end = NULL;
	errno = 0;
	long long us = strtoll(v + 1, &end, 10);
	if (errno || *end != '.' || !(end[1] >= '0' && end[1] <= '9'))
		return false;
	long long id = strtoll(end + 1, &end, 10);
	if (errno || *end || id <= 0)
		return false;
	out->occurred_us = us;
	out->id = id;
	return true;
}

void activity_cursor_encode(const struct activity_key *k, char out[ACTIVITY_CURSOR_MAX])
{
	snprintf(out, ACTIVITY_CURSOR_MAX, "b%" PRId64 ".%" PRId64, k->occurred_us, k->id);
}
