/*
 * recurrence_helpers.h - what the unit tests of the recurrence module
 * (test_recurrence.c: the engine, test_rrule.c: validation, test_zone.c:
 * time zones) share.
 *
 * Every expected instant in those tests was computed independently of this
 * code, with Python 3.11 zoneinfo (the same system tzdata 2025b),
 * dateutil.rrule for RFC 5545 semantics, and calendar.monthrange for the
 * clamped months; the comment beside each value gives the wall time and
 * the UTC instant.
 */
#ifndef TODOD_TEST_RECURRENCE_HELPERS_H
#define TODOD_TEST_RECURRENCE_HELPERS_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "service/recurrence.h"

#define assert_has_substring(s, sub) do { \
	if (!strstr((s), (sub))) \
		fail_msg("\"%s\" does not contain \"%s\"", (s), (sub)); \
} while (0)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define EXPECT_SERIES(r, start, ...) do { \
	static const int64_t want_[] = { __VA_ARGS__ }; \
	expect_series((r), (start), want_, N_OF(want_)); \
} while (0)


const char *iso(int64_t t, char buf[32]);
void parse_ok(const struct recurrence_spec *in, struct recurrence *r);
void parse_pattern(struct recurrence *r, const char *pattern, long long interval,
			  const char *tz);
void parse_rrule(struct recurrence *r, const char *rrule, const char *tz);
int64_t next_of(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
		       int so_far);
void expect_next(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
			int so_far, int64_t want);
void expect_end(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
		       int so_far);
void expect_series(const struct recurrence *r, int64_t dtstart, const int64_t *want,
			  size_t n);
void expect_invalid(const struct recurrence_spec *in, const char *field, const char *msg);
void expect_rrule_error(const char *rrule, const char *msg);
/* recurrence_teardown - the group teardown: free the cached zones. */
int recurrence_teardown(void **state);

#endif
