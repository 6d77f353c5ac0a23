/* Unit tests for base/civil.c: calendar arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/civil.h"

static void test_days_in_month(void **state)
{
	(void)state;
	static const int common[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	for (int m = 1; m <= 12; m++)
		assert_int_equal(civil_days_in_month(2026, m), common[m - 1]);
	assert_int_equal(civil_days_in_month(2024, 2), 29);
	assert_int_equal(civil_days_in_month(2000, 2), 29);
	assert_int_equal(civil_days_in_month(1900, 2), 28);
}

/* Every day of 1600..2400 converts to its date and back. */
static void test_day_numbers_round_trip(void **state)
{
	(void)state;
	int64_t first = civil_days_from_date(1600, 1, 1), last = civil_days_from_date(2400, 12, 31);
	assert_true(civil_days_from_date(1970, 1, 1) == 0);
	assert_int_equal(civil_weekday_sun0(0), 4);      /* 1970-01-01 was a Thursday */
	int64_t y;
	int m, d;
	for (int64_t z = first; z <= last; z++) {
		civil_date_from_days(z, &y, &m, &d);
		if (civil_days_from_date(y, m, d) != z || d > civil_days_in_month(y, m))
			fail_msg("day %lld -> %lld-%d-%d", (long long)z, (long long)y, m, d);
	}
}

static void test_seconds(void **state)
{
	(void)state;
	struct civil_time c = { 2026, 3, 8, 7, 30, 0 };
	int64_t s = civil_to_secs(&c);
	assert_true(s == INT64_C(1772955000));
	struct civil_time back;
	civil_from_secs(s, &back);
	assert_memory_equal(&back, &c, sizeof(c));
	civil_from_secs(-1, &back);
	assert_int_equal(back.year, 1969);
	assert_int_equal(back.second, 59);
	assert_true(civil_valid(&c));
	c.day = 32;
	assert_false(civil_valid(&c));
	assert_true(civil_floor_div(-1, 86400) == -1);
	assert_true(civil_floor_div(86399, 86400) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_in_month),
		cmocka_unit_test(test_day_numbers_round_trip),
		cmocka_unit_test(test_seconds),
	};
	return cmocka_run_group_tests_name("base/civil", tests, NULL, NULL);
}
