#include "base/timeutil.h"

#include <stdio.h>
#include <time.h>

int time_utc_seconds(const char *text, int64_t *out)
{
	struct tm tm = { 0 };
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return 0;
}
