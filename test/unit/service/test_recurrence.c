/*
 * Unit tests for src/service/recurrence.c: the next-occurrence engine (month ends, daily and weekly
 * series, COUNT / UNTIL / end dates, late completion, old series).
 * (helpers and the provenance of the expected instants:
 * recurrence_helpers.h).
 */
#include "recurrence_helpers.h"

/* ------------------------------------------------------------------ */
/* Month ends and years                                               */
/* ------------------------------------------------------------------ */

static void test_monthly_31st_full_year(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "monthly", 0, NULL);
	assert_int_equal(r.pattern, RECURRENCE_MONTHLY);
	assert_true(r.clamp);
	EXPECT_SERIES(&r, 1769850000,  /* 2026-01-31 09:00 UTC = 2026-01-31T09:00:00Z */
		1772269200, /* 2026-02-28T09:00:00Z */
		1774947600, /* 2026-03-31T09:00:00Z: back to the 31st, no drift */
		1777539600, /* 2026-04-30T09:00:00Z */
		1780218000, /* 2026-05-31T09:00:00Z */
		1782810000, /* 2026-06-30T09:00:00Z */
		1785488400, /* 2026-07-31T09:00:00Z */
		1788166800, /* 2026-08-31T09:00:00Z */
		1790758800, /* 2026-09-30T09:00:00Z */
		1793437200, /* 2026-10-31T09:00:00Z */
		1796029200, /* 2026-11-30T09:00:00Z */
		1798707600, /* 2026-12-31T09:00:00Z */
		1801386000, /* 2027-01-31T09:00:00Z */
	);
	/* The same through an RRULE without BY* parts. */
	recurrence_release(&r);
	parse_rrule(&r, "FREQ=MONTHLY", NULL);
	assert_true(r.clamp);
	EXPECT_SERIES(&r, 1769850000, 1772269200, 1774947600, 1777539600);
	recurrence_release(&r);
}

static void test_monthly_31st_leap_year(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "monthly", 1, NULL);
	EXPECT_SERIES(&r, 1832922000,  /* 2028-01-31 09:00 UTC = 2028-01-31T09:00:00Z */
		1835427600, /* 2028-02-29T09:00:00Z (leap) */
		1838106000, /* 2028-03-31T09:00:00Z */
		1840698000, /* 2028-04-30T09:00:00Z */
		1843376400, /* 2028-05-31T09:00:00Z */
	);
	recurrence_release(&r);
}

/* Anchors on the 30th and the 29th through February, common and leap. */
static void test_monthly_30th_29th_february(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "monthly", 0, NULL);
	EXPECT_SERIES(&r, 1801299600,  /* 2027-01-30 09:00 UTC */
		1803805200, /* 2027-02-28T09:00:00Z (common year) */
		1806397200, /* 2027-03-30T09:00:00Z */
		1809075600, /* 2027-04-30T09:00:00Z */
	);
	EXPECT_SERIES(&r, 1832835600,  /* 2028-01-30 09:00 UTC */
		1835427600, /* 2028-02-29T09:00:00Z (leap year) */
		1838019600, /* 2028-03-30T09:00:00Z */
		1840698000, /* 2028-04-30T09:00:00Z */
	);
	EXPECT_SERIES(&r, 1801213200,  /* 2027-01-29 09:00 UTC */
		1803805200, /* 2027-02-28T09:00:00Z */
		1806310800, /* 2027-03-29T09:00:00Z */
	);
	EXPECT_SERIES(&r, 1832749200,  /* 2028-01-29 09:00 UTC */
		1835427600, /* 2028-02-29T09:00:00Z */
		1837933200, /* 2028-03-29T09:00:00Z */
	);
	recurrence_release(&r);
}

static void test_monthly_interval(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "monthly", 2, NULL);
	assert_int_equal(r.interval, 2);
	EXPECT_SERIES(&r, 1769850000,  /* 2026-01-31 09:00 UTC */
		1774947600, /* 2026-03-31T09:00:00Z */
		1780218000, /* 2026-05-31T09:00:00Z */
		1785488400, /* 2026-07-31T09:00:00Z */
		1790758800, /* 2026-09-30T09:00:00Z */
		1796029200, /* 2026-11-30T09:00:00Z */
		1801386000, /* 2027-01-31T09:00:00Z */
	);
	recurrence_release(&r);
	parse_pattern(&r, "monthly", 3, NULL);
	EXPECT_SERIES(&r, 1796029200,  /* 2026-11-30 09:00 UTC */
		1803805200, /* 2027-02-28T09:00:00Z */
		1811667600, /* 2027-05-30T09:00:00Z */
		1819616400, /* 2027-08-30T09:00:00Z */
		1827565200, /* 2027-11-30T09:00:00Z */
	);
	recurrence_release(&r);
}

/* Clamping keeps the wall time of the zone across DST (Mar 8 2026). */
static void test_monthly_in_zone(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "monthly", 0, "America/New_York");
	assert_string_equal(r.tz, "America/New_York");
	EXPECT_SERIES(&r, 1769868000,  /* 2026-01-31 09:00 EST = 2026-01-31T14:00:00Z */
		1772287200, /* 2026-02-28 09:00 EST = 2026-02-28T14:00:00Z */
		1774962000, /* 2026-03-31 09:00 EDT = 2026-03-31T13:00:00Z */
		1777554000, /* 2026-04-30 09:00 EDT = 2026-04-30T13:00:00Z */
		1780232400, /* 2026-05-31 09:00 EDT = 2026-05-31T13:00:00Z */
	);
	recurrence_release(&r);
}

static void test_yearly_feb29(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "yearly", 0, NULL);
	EXPECT_SERIES(&r, 1835427600,  /* 2028-02-29 09:00 UTC */
		1866963600, /* 2029-02-28T09:00:00Z */
		1898499600, /* 2030-02-28T09:00:00Z */
		1930035600, /* 2031-02-28T09:00:00Z */
		1961658000, /* 2032-02-29T09:00:00Z: leap again */
		1993194000, /* 2033-02-28T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=YEARLY", NULL);
	assert_true(r.clamp);
	EXPECT_SERIES(&r, 1835427600, 1866963600, 1898499600, 1930035600, 1961658000, 1993194000);
	recurrence_release(&r);

	parse_pattern(&r, "yearly", 4, NULL);
	EXPECT_SERIES(&r, 1835427600,
		1961658000, /* 2032-02-29T09:00:00Z */
		2087888400, /* 2036-02-29T09:00:00Z */
	);
	recurrence_release(&r);

	/* An explicit BYMONTHDAY follows RFC 5545: common years are skipped. */
	parse_rrule(&r, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", NULL);
	assert_false(r.clamp);
	EXPECT_SERIES(&r, 1835427600,
		1961658000, /* 2032-02-29T09:00:00Z */
		2087888400, /* 2036-02-29T09:00:00Z */
	);
	recurrence_release(&r);
}

/* ------------------------------------------------------------------ */
/* Daily, weekly, weekdays                                            */
/* ------------------------------------------------------------------ */

static void test_daily_and_interval(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "daily", 0, NULL);
	assert_int_equal(r.pattern, RECURRENCE_DAILY);
	assert_int_equal(r.interval, 1);
	assert_false(r.clamp);
	EXPECT_SERIES(&r, 1769760000,  /* 2026-01-30 08:00 UTC */
		1769846400, /* 2026-01-31T08:00:00Z */
		1769932800, /* 2026-02-01T08:00:00Z */
		1770019200, /* 2026-02-02T08:00:00Z */
	);
	recurrence_release(&r);
	parse_pattern(&r, "daily", 3, NULL);
	EXPECT_SERIES(&r, 1769760000,
		1770019200, /* 2026-02-02T08:00:00Z */
		1770278400, /* 2026-02-05T08:00:00Z */
		1770537600, /* 2026-02-08T08:00:00Z */
	);
	recurrence_release(&r);
}

static void test_weekly_and_interval(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "weekly", 0, NULL);
	assert_int_equal(r.weekdays, 0);
	EXPECT_SERIES(&r, 1767251700,  /* Thu 2026-01-01 07:15 UTC */
		1767856500, /* 2026-01-08T07:15:00Z */
		1768461300, /* 2026-01-15T07:15:00Z */
		1769066100, /* 2026-01-22T07:15:00Z */
	);
	recurrence_release(&r);
	parse_pattern(&r, "weekly", 2, NULL);
	EXPECT_SERIES(&r, 1767251700,
		1768461300, /* 2026-01-15T07:15:00Z */
		1769670900, /* 2026-01-29T07:15:00Z */
		1770880500, /* 2026-02-12T07:15:00Z */
	);
	recurrence_release(&r);
}

static void test_weekdays_mon_wed_fri(void **state)
{
	(void)state;
	static const char *const days[] = { "MO", "wednesday", "Fri" };
	struct recurrence_spec in = {
		.pattern = "weekly",
		.has_weekdays = true,
		.weekdays = days,
		.n_weekdays = N_OF(days),
	};
	struct recurrence r;
	parse_ok(&in, &r);
	assert_int_equal(r.weekdays, RECURRENCE_MO | RECURRENCE_WE | RECURRENCE_FR);
	EXPECT_SERIES(&r, 1767607200,  /* Mon 2026-01-05 10:00 UTC */
		1767780000, /* Wed 2026-01-07T10:00:00Z */
		1767952800, /* Fri 2026-01-09T10:00:00Z */
		1768212000, /* Mon 2026-01-12T10:00:00Z */
		1768384800, /* Wed 2026-01-14T10:00:00Z */
		1768557600, /* Fri 2026-01-16T10:00:00Z */
		1768816800, /* Mon 2026-01-19T10:00:00Z */
	);
	/* Starting on a Saturday: the next chosen weekday. */
	EXPECT_SERIES(&r, 1768039200,  /* Sat 2026-01-10 10:00 UTC */
		1768212000, /* Mon 2026-01-12T10:00:00Z */
		1768384800, /* Wed 2026-01-14T10:00:00Z */
	);
	recurrence_release(&r);

	/* The same days as a bit mask. */
	struct recurrence_spec masked = {
		.pattern = "weekly",
		.has_weekdays = true,
		.weekdays_mask = RECURRENCE_MO | RECURRENCE_WE | RECURRENCE_FR,
	};
	parse_ok(&masked, &r);
	assert_int_equal(r.weekdays, RECURRENCE_MO | RECURRENCE_WE | RECURRENCE_FR);
	EXPECT_SERIES(&r, 1767607200, 1767780000, 1767952800, 1768212000);
	recurrence_release(&r);

	in.has_interval = true;
	in.interval = 2;
	parse_ok(&in, &r);
	EXPECT_SERIES(&r, 1767607200,
		1767780000, /* Wed 2026-01-07T10:00:00Z */
		1767952800, /* Fri 2026-01-09T10:00:00Z */
		1768816800, /* Mon 2026-01-19T10:00:00Z: every other week */
		1768989600, /* Wed 2026-01-21T10:00:00Z */
		1769162400, /* Fri 2026-01-23T10:00:00Z */
		1770026400, /* Mon 2026-02-02T10:00:00Z */
	);
	recurrence_release(&r);
}

/* ------------------------------------------------------------------ */
/* Ends: COUNT, UNTIL, recurrence_end_date                             */
/* ------------------------------------------------------------------ */

static void test_count(void **state)
{
	(void)state;
	struct recurrence r;
	parse_rrule(&r, "FREQ=DAILY;COUNT=3", NULL);
	assert_int_equal(r.count, 3);
	/* dtstart 2026-01-01 09:00 UTC is occurrence 1. */
	expect_next(&r, 1767258000, 1767258000, 1767258000, 1,
		    1767344400);  /* 2026-01-02T09:00:00Z */
	expect_next(&r, 1767258000, 1767344400, 1767344400, 2,
		    1767430800);  /* 2026-01-03T09:00:00Z */
	expect_end(&r, 1767258000, 1767430800, 1767430800, 3);
	expect_end(&r, 1767258000, 1767430800, 1767430800, 4);
	/* Late completion does not use up the count: the missed days never
	 * existed. */
	expect_next(&r, 1767258000, 1767344400, 1768046400 /* 2026-01-10T12:00:00Z */, 2,
		    1768122000);  /* 2026-01-11T09:00:00Z */
	recurrence_release(&r);
}

static void test_until(void **state)
{
	(void)state;
	struct recurrence r;
	const int64_t start = 1767621600;  /* 2026-01-05 09:00 EST = 2026-01-05T14:00:00Z */

	/* A DATE runs to the end of that day in the task's zone. */
	parse_rrule(&r, "FREQ=DAILY;UNTIL=20260110", "America/New_York");
	assert_int_equal(r.until_utc, 1768107599);  /* 2026-01-11 00:00 EST - 1 s = 2026-01-11T04:59:59Z */
	expect_next(&r, start, 1767967200, 1767967200, 5,
		    1768053600);  /* 2026-01-10 09:00 EST = 2026-01-10T14:00:00Z, the last */
	expect_end(&r, start, 1768053600, 1768053600, 6);
	recurrence_release(&r);

	/* A UTC DATE-TIME is inclusive to the second. */
	parse_rrule(&r, "FREQ=DAILY;UNTIL=20260108T140000Z", "America/New_York");
	assert_int_equal(r.until_utc, 1767880800);
	expect_next(&r, start, 1767794400 /* 2026-01-07T14:00:00Z */, 1767794400, 3,
		    1767880800);  /* 2026-01-08T14:00:00Z == UNTIL */
	expect_end(&r, start, 1767880800, 1767880800, 4);
	recurrence_release(&r);

	/* A floating DATE-TIME is a wall time of the zone. */
	parse_rrule(&r, "FREQ=DAILY;UNTIL=20260108T085959", "America/New_York");
	assert_int_equal(r.until_utc, 1767880799);  /* 2026-01-08 08:59:59 EST */
	expect_next(&r, start, 1767621600, 1767621600, 1,
		    1767708000);  /* 2026-01-06T14:00:00Z */
	expect_end(&r, start, 1767794400 /* 2026-01-07T14:00:00Z */, 1767794400, 3);
	recurrence_release(&r);
}

static void test_end_date(void **state)
{
	(void)state;
	struct recurrence_spec in = {
		.pattern = "daily",
		.timezone = "America/New_York",
		.end_date = "2026-03-10",
		.has_dtstart = true,
		.dtstart_utc = 1773027000,  /* 2026-03-08 23:30 EDT = 2026-03-09T03:30:00Z */
	};
	struct recurrence r;
	parse_ok(&in, &r);
	assert_int_equal(r.until_utc, 1773201599);  /* 2026-03-11 00:00 EDT - 1 s = 2026-03-11T03:59:59Z */
	expect_next(&r, 1773027000, 1773027000, 1773027000, 1,
		    1773113400);  /* 2026-03-09 23:30 EDT = 2026-03-10T03:30:00Z */
	/* The end date is a local date: 23:30 on the 10th is in, though it is
	 * the 11th in UTC. */
	expect_next(&r, 1773027000, 1773113400, 1773113400, 2,
		    1773199800);  /* 2026-03-10 23:30 EDT = 2026-03-11T03:30:00Z */
	expect_end(&r, 1773027000, 1773199800, 1773199800, 3);
	/* Completing after the end: nothing more. */
	expect_end(&r, 1773027000, 1773113400, 1773300000, 2);
	recurrence_release(&r);

	/* An end date on the start date is allowed (one occurrence). */
	in.end_date = "2026-03-08";
	parse_ok(&in, &r);
	expect_end(&r, 1773027000, 1773027000, 1773027000, 1);
	recurrence_release(&r);

	/* With an RRULE that has no end of its own. */
	struct recurrence_spec in2 = {
		.rrule = "FREQ=WEEKLY;BYDAY=MO",
		.end_date = "2026-01-12",
	};
	parse_ok(&in2, &r);
	expect_next(&r, 1767603600, 1767603600, 1767603600, 1,
		    1768208400);  /* Mon 2026-01-12T09:00:00Z */
	expect_end(&r, 1767603600, 1768208400, 1768208400, 2);
	recurrence_release(&r);
}

/* ------------------------------------------------------------------ */
/* Late (and early) completion                                        */
/* ------------------------------------------------------------------ */

static void test_late_completion(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "daily", 0, NULL);
	/* Due Jan 2, completed Jan 10 12:00: one next occurrence, after now. */
	expect_next(&r, 1767258000, 1767344400, 1768046400, 2,
		    1768122000);  /* 2026-01-11T09:00:00Z */
	/* Completed exactly at an occurrence: strictly after it. */
	expect_next(&r, 1767258000, 1767344400, 1767603600 /* 2026-01-05T09:00:00Z */, 2,
		    1767690000);  /* 2026-01-06T09:00:00Z */
	/* Completed early (now before the due time): after the due time. */
	expect_next(&r, 1767258000, 1767603600, 1767258000, 5,
		    1767690000);  /* 2026-01-06T09:00:00Z */
	recurrence_release(&r);

	/* Monthly, due Feb 28, completed May 15: May 31, anchored on Jan 31. */
	parse_pattern(&r, "monthly", 0, NULL);
	expect_next(&r, 1769850000, 1772269200, 1778846400 /* 2026-05-15T12:00:00Z */, 2,
		    1780218000);  /* 2026-05-31T09:00:00Z */
	recurrence_release(&r);

	/* Weekdays, completed on Thu Jan 15 12:00: Fri Jan 16. */
	static const char *const days[] = { "mo", "we", "fr" };
	struct recurrence_spec in = {
		.pattern = "weekly", .has_weekdays = true, .weekdays = days, .n_weekdays = 3,
	};
	parse_ok(&in, &r);
	expect_next(&r, 1767607200, 1767780000, 1768478400 /* 2026-01-15T12:00:00Z */, 2,
		    1768557600);  /* 2026-01-16T10:00:00Z */
	recurrence_release(&r);

	/* RRULE with UNTIL: completing late past UNTIL ends the series. */
	parse_rrule(&r, "FREQ=DAILY;UNTIL=20260110T090000Z", NULL);
	expect_next(&r, 1767258000, 1767344400, 1768000000 /* 2026-01-09T23:06:40Z */, 2,
		    1768035600);  /* 2026-01-10T09:00:00Z == UNTIL */
	expect_end(&r, 1767258000, 1767344400, 1768046400, 2);
	recurrence_release(&r);
}

/* Series started decades ago (the expansion must not walk every day). */
static void test_old_series(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "daily", 0, NULL);
	expect_next(&r, 32400 /* 1970-01-01T09:00:00Z */, 1767258000, 1767258000, 20000,
		    1767344400);  /* 2026-01-02T09:00:00Z */
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR", "America/New_York");
	expect_next(&r, 136800 /* Fri 1970-01-02 09:00 EST */, 136800,
		    1767268800 /* 2026-01-01T12:00:00Z */, 2,
		    1767362400);  /* Fri 2026-01-02 09:00 EST = 2026-01-02T14:00:00Z */
	recurrence_release(&r);

	parse_pattern(&r, "daily", 7, "America/New_York");
	expect_next(&r, 50400 /* Thu 1970-01-01 09:00 EST */, 50400,
		    1772841600 /* 2026-03-07T00:00:00Z */, 2,
		    1773320400);  /* Thu 2026-03-12 09:00 EDT = 2026-03-12T13:00:00Z */
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=DAILY;BYDAY=SA;BYMONTH=3", "America/New_York");
	expect_next(&r, 50400, 50400, 1772841600, 2,
		    1772892000);  /* Sat 2026-03-07 09:00 EST = 2026-03-07T14:00:00Z */
	recurrence_release(&r);
}

static void test_next_errors(void **state)
{
	(void)state;
	struct recurrence r;
	struct err e;
	int64_t next;
	parse_pattern(&r, "daily", 0, NULL);
	assert_int_equal(recurrence_next(&r, -1, 1767258000, 1767258000, 1, &next, &e), TODO_EINVAL);
	assert_has_substring(e.msg, "series start -1 is out of range");
	assert_int_equal(recurrence_next(&r, 1767258000, RECURRENCE_TIME_MAX + 1, 1767258000, 1, &next, &e),
			 TODO_EINVAL);
	assert_int_equal(recurrence_next(&r, 1767258000, 1767258000, 1767258000, -1, &next, &e),
			 TODO_EINVAL);
	/* A series that runs past year 9999 ends. */
	recurrence_release(&r);
	parse_pattern(&r, "yearly", 0, NULL);
	expect_end(&r, 1767258000, RECURRENCE_TIME_MAX, RECURRENCE_TIME_MAX, 1);
	recurrence_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monthly_31st_full_year),
		cmocka_unit_test(test_monthly_31st_leap_year),
		cmocka_unit_test(test_monthly_30th_29th_february),
		cmocka_unit_test(test_monthly_interval),
		cmocka_unit_test(test_monthly_in_zone),
		cmocka_unit_test(test_yearly_feb29),
		cmocka_unit_test(test_daily_and_interval),
		cmocka_unit_test(test_weekly_and_interval),
		cmocka_unit_test(test_weekdays_mon_wed_fri),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_until),
		cmocka_unit_test(test_end_date),
		cmocka_unit_test(test_late_completion),
		cmocka_unit_test(test_old_series),
		cmocka_unit_test(test_next_errors),
	};
	return cmocka_run_group_tests_name("service/recurrence", tests, NULL, recurrence_teardown);
}
