/* timeutil.h - the UTC timestamp text the store returns ("2026-12-01T09:00:00[.ffffff]Z"). */
#ifndef TODOD_BASE_TIMEUTIL_H
#define TODOD_BASE_TIMEUTIL_H

#include <stdint.h>

/* time_utc_seconds - Unix seconds of @text (fractions ignored); -1 if it
 * does not start with YYYY-MM-DDTHH:MM:SS. */
int time_utc_seconds(const char *text, int64_t *out);

#endif
