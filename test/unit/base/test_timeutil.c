/* Unit tests for base/timeutil.c: the one timestamp parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "base/timeutil.h"

#define USEC INT64_C(1000000)

static void test_forms(void **state)
{
	(void)state;
	const struct { const char *text; int64_t usec; bool is_date; } ok[] = {
		{ "1970-01-01", 0, true },
		{ "1970-01-01T00:00:00Z", 0, false },
		{ "2026-12-01T09:00:00Z", INT64_C(1796115600) * USEC, false },
		{ "2026-12-01t09:00:00z", INT64_C(1796115600) * USEC, false },
		{ "2026-12-01 09:00:00Z", INT64_C(1796115600) * USEC, false },
		{ "2026-12-01T10:30:00+01:30", INT64_C(1796115600) * USEC, false },
		{ "2026-12-01T05:00:00-04:00", INT64_C(1796115600) * USEC, false },
		{ "2026-12-01T09:00:00.5Z", INT64_C(1796115600) * USEC + 500000, false },
		{ "2026-12-01T09:00:00.123456Z", INT64_C(1796115600) * USEC + 123456, false },
		/* Digits past microseconds are cut, not rounded. */
		{ "2026-12-01T09:00:00.123456999Z", INT64_C(1796115600) * USEC + 123456, false },
		{ "2024-02-29", INT64_C(1709164800) * USEC, true },
		{ "1969-12-31T23:59:59Z", -USEC, false },
		{ "0001-01-01T00:00:00Z", INT64_C(-62135596800) * USEC, false },
		{ "9999-12-31T23:59:59.999999Z", INT64_C(253402300799) * USEC + 999999, false },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t usec = -1;
		bool is_date = !ok[i].is_date;
		enum time_parse_result r = time_parse(ok[i].text, strlen(ok[i].text), &usec, &is_date);
		if (r != TIME_OK || usec != ok[i].usec || is_date != ok[i].is_date)
			fail_msg("\"%s\": got %d %lld %d", ok[i].text, r, (long long)usec, is_date);
	}
}

static void test_errors(void **state)
{
	(void)state;
	const struct { const char *text; enum time_parse_result r; const char *why; } bad[] = {
		{ "", TIME_BAD_FORM, NULL },
		{ "tomorrow", TIME_BAD_FORM, NULL },
		{ "2026-1-01", TIME_BAD_FORM, NULL },
		{ "2026-12-01T09:00Z", TIME_BAD_FORM, NULL },
		{ "2026-12-01T09:00:00", TIME_BAD_FORM, NULL },
		{ "2026-12-01T09:00:00.Z", TIME_BAD_FORM, NULL },
		{ "2026-12-01T09:00:00.1234567890Z", TIME_BAD_FORM, NULL },   /* past nanoseconds */
		{ "2026-12-01T09:00:00Zjunk", TIME_BAD_FORM, NULL },
		{ "2026-12-01T09:00:00+0100", TIME_BAD_FORM, NULL },
		{ "2026-12-01X09:00:00Z", TIME_BAD_FORM, NULL },
		{ "0000-01-01", TIME_BAD_YEAR, "year out of range" },
		{ "2026-13-01", TIME_BAD_MONTH, "month out of range" },
		{ "2026-00-01", TIME_BAD_MONTH, "month out of range" },
		{ "2025-02-29", TIME_BAD_DAY, "day out of range" },
		{ "2026-04-31", TIME_BAD_DAY, "day out of range" },
		{ "2026-03-01T24:00:00Z", TIME_BAD_HOUR, "hour out of range" },
		{ "2026-03-01T23:60:00Z", TIME_BAD_MINUTE, "minute out of range" },
		{ "2026-03-01T23:59:60Z", TIME_BAD_SECOND, "second out of range" },
		{ "2026-03-01T23:00:00+24:00", TIME_BAD_OFFSET, "offset out of range" },
		{ "0001-01-01T00:00:00+00:01", TIME_OUT_OF_RANGE, "out of range" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t usec = 77;
		bool is_date = false;
		enum time_parse_result r = time_parse(bad[i].text, strlen(bad[i].text), &usec, &is_date);
		if (r != bad[i].r)
			fail_msg("\"%s\": got %d, want %d", bad[i].text, r, bad[i].r);
		assert_true(usec == 77);
		const char *why = time_parse_reason(r);
		if (bad[i].why)
			assert_string_equal(why, bad[i].why);
		else
			assert_null(why);
	}
	assert_null(time_parse_reason(TIME_OK));
}

/* The store's text: seconds, fraction dropped; a date is not a time. */
static void test_utc_seconds(void **state)
{
	(void)state;
	int64_t s;
	assert_int_equal(time_utc_seconds("2026-12-01T09:00:00.999999Z", &s), 0);
	assert_true(s == INT64_C(1796115600));
	assert_int_equal(time_utc_seconds("1969-12-31T23:59:59.500000Z", &s), 0);
	assert_true(s == -1);
	assert_int_equal(time_utc_seconds("2026-12-01", &s), -1);
	assert_int_equal(time_utc_seconds("", &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_utc_seconds),
	};
	return cmocka_run_group_tests_name("base/timeutil", tests, NULL, NULL);
}
