/*
 * Unit tests for src/service/rrule.c: validating a recurrence (RRULE parts, the canonical rule,
 * invalid patterns, intervals, weekdays, rules and end dates).
 * (helpers and the provenance of the expected instants:
 * recurrence_helpers.h).
 */
#include "recurrence_helpers.h"

/* ------------------------------------------------------------------ */
/* RRULE parts                                                        */
/* ------------------------------------------------------------------ */

static void test_rrule_parts(void **state)
{
	(void)state;
	struct recurrence r;

	parse_rrule(&r, "FREQ=DAILY;INTERVAL=10", NULL);
	assert_int_equal(r.pattern, RECURRENCE_RRULE);
	assert_int_equal(r.interval, 10);
	EXPECT_SERIES(&r, 1767420000,  /* 2026-01-03 06:00 UTC */
		1768284000, /* 2026-01-13T06:00:00Z */
		1769148000, /* 2026-01-23T06:00:00Z */
		1770012000, /* 2026-02-02T06:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=WEEKLY;BYDAY=TU,TH", NULL);
	EXPECT_SERIES(&r, 1767722400,  /* Tue 2026-01-06 18:00 UTC */
		1767895200, /* Thu 2026-01-08T18:00:00Z */
		1768327200, /* Tue 2026-01-13T18:00:00Z */
		1768500000, /* Thu 2026-01-15T18:00:00Z */
		1768932000, /* Tue 2026-01-20T18:00:00Z */
	);
	recurrence_release(&r);

	/* SU alone every other week from a Wednesday: the Sunday of DTSTART's
	 * own (Monday-based) week comes first; libical 3.0.16 skips it. */
	parse_rrule(&r, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", NULL);
	EXPECT_SERIES(&r, 1767776400,  /* Wed 2026-01-07 09:00 UTC */
		1768122000, /* Sun 2026-01-11T09:00:00Z */
		1769331600, /* Sun 2026-01-25T09:00:00Z */
		1770541200, /* Sun 2026-02-08T09:00:00Z */
	);
	recurrence_release(&r);

	/* BYMONTH limits a weekly rule: February is left out. */
	parse_rrule(&r, "FREQ=WEEKLY;BYMONTH=1,3", NULL);
	EXPECT_SERIES(&r, 1769418000,  /* Mon 2026-01-26 09:00 UTC */
		1772442000, /* Mon 2026-03-02T09:00:00Z */
		1773046800, /* Mon 2026-03-09T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=MONTHLY;BYDAY=2TU", NULL);
	EXPECT_SERIES(&r, 1768294800,  /* 2026-01-13 09:00 UTC, second Tuesday */
		1770714000, /* 2026-02-10T09:00:00Z */
		1773133200, /* 2026-03-10T09:00:00Z */
		1776157200, /* 2026-04-14T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=MONTHLY;BYDAY=-1FR", NULL);
	EXPECT_SERIES(&r, 1769763600,  /* 2026-01-30 09:00 UTC, last Friday */
		1772182800, /* 2026-02-27T09:00:00Z */
		1774602000, /* 2026-03-27T09:00:00Z */
		1777021200, /* 2026-04-24T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=MONTHLY;BYMONTHDAY=15,-1", NULL);
	EXPECT_SERIES(&r, 1768467600,  /* 2026-01-15 09:00 UTC */
		1769850000, /* 2026-01-31T09:00:00Z */
		1771146000, /* 2026-02-15T09:00:00Z */
		1772269200, /* 2026-02-28T09:00:00Z */
		1773565200, /* 2026-03-15T09:00:00Z */
		1774947600, /* 2026-03-31T09:00:00Z */
	);
	recurrence_release(&r);

	/* RFC 5545: BYMONTHDAY=31 skips the months without a 31st. */
	parse_rrule(&r, "FREQ=MONTHLY;BYMONTHDAY=31", NULL);
	assert_false(r.clamp);
	EXPECT_SERIES(&r, 1769850000,  /* 2026-01-31 09:00 UTC */
		1774947600, /* 2026-03-31T09:00:00Z */
		1780218000, /* 2026-05-31T09:00:00Z */
		1785488400, /* 2026-07-31T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", NULL);
	EXPECT_SERIES(&r, 1795694400,  /* 2026-11-26 12:00 UTC, fourth Thursday */
		1827144000, /* 2027-11-25T12:00:00Z */
		1858593600, /* 2028-11-23T12:00:00Z */
		1890043200, /* 2029-11-22T12:00:00Z */
	);
	recurrence_release(&r);

	/* RFC 5545 expands YEARLY;BYMONTHDAY to every month. */
	parse_rrule(&r, "FREQ=YEARLY;BYMONTHDAY=15", NULL);
	EXPECT_SERIES(&r, 1768467600,  /* 2026-01-15 09:00 UTC */
		1771146000, /* 2026-02-15T09:00:00Z */
		1773565200, /* 2026-03-15T09:00:00Z */
		1776243600, /* 2026-04-15T09:00:00Z */
	);
	recurrence_release(&r);

	/* BYDAY limits BYMONTHDAY: Friday the 13th. */
	parse_rrule(&r, "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", NULL);
	EXPECT_SERIES(&r, 1770973200,  /* Fri 2026-02-13 09:00 UTC */
		1773392400, /* 2026-03-13T09:00:00Z */
		1794560400, /* 2026-11-13T09:00:00Z */
		1818147600, /* 2027-08-13T09:00:00Z */
	);
	recurrence_release(&r);

	/* BYMONTH without a day keeps DTSTART's day; June has no 31st. */
	parse_rrule(&r, "FREQ=YEARLY;BYMONTH=3,6", NULL);
	assert_false(r.clamp);
	EXPECT_SERIES(&r, 1774947600,  /* 2026-03-31 09:00 UTC */
		1806483600, /* 2027-03-31T09:00:00Z */
		1838106000, /* 2028-03-31T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=YEARLY;BYDAY=20MO", NULL);
	EXPECT_SERIES(&r, 1779094800,  /* 2026-05-18 09:00 UTC, 20th Monday */
		1810544400, /* 2027-05-17T09:00:00Z */
		1841994000, /* 2028-05-15T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=DAILY;BYMONTH=2", NULL);
	EXPECT_SERIES(&r, 1772182800,  /* 2026-02-27 09:00 UTC */
		1772269200, /* 2026-02-28T09:00:00Z */
		1801472400, /* 2027-02-01T09:00:00Z */
	);
	recurrence_release(&r);

	parse_rrule(&r, "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO,3MO", NULL);
	EXPECT_SERIES(&r, 1767603600,  /* Mon 2026-01-05 09:00 UTC */
		1768813200, /* 2026-01-19T09:00:00Z */
		1772442000, /* 2026-03-02T09:00:00Z */
		1773651600, /* 2026-03-16T09:00:00Z */
		1777885200, /* 2026-05-04T09:00:00Z */
	);
	recurrence_release(&r);
}

static void test_rrule_canonical(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "rrule:freq=weekly;byday=fr,mo,MO", "FREQ=WEEKLY;BYDAY=MO,FR" },
		{ "FREQ=DAILY;INTERVAL=1", "FREQ=DAILY" },
		{ "BYMONTHDAY=-1,15,15;FREQ=MONTHLY;COUNT=3", "FREQ=MONTHLY;BYMONTHDAY=-1,15;COUNT=3" },
		{ "FREQ=YEARLY;BYMONTH=11,2;BYDAY=-1su,+2MO;until=20300101t000000z",
		  "FREQ=YEARLY;BYMONTH=2,11;BYDAY=2MO,-1SU;UNTIL=20300101T000000Z" },
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct recurrence r;
		parse_rrule(&r, cases[i].in, NULL);
		assert_string_equal(r.rrule, cases[i].out);
		recurrence_release(&r);
		assert_null(r.rrule);
		recurrence_release(&r);   /* twice is harmless */
	}
}

/* ------------------------------------------------------------------ */
/* Invalid input                                                      */
/* ------------------------------------------------------------------ */

static void test_invalid_pattern_interval_weekdays(void **state)
{
	(void)state;
	struct recurrence_spec in = { .pattern = "hourly" };
	expect_invalid(&in, "recurrence_pattern",
		       "recurrence_pattern \"hourly\" is not one of none, daily, weekly, monthly, yearly, custom");
	in.pattern = "custom";
	expect_invalid(&in, "recurrence_pattern", "recurrence_pattern \"custom\" needs an rrule");
	in.pattern = "Daily";
	expect_invalid(&in, "recurrence_pattern", "recurrence_pattern \"Daily\"");

	static const long long bad_intervals[] = { 0, -1, 1001, 1LL << 40 };
	for (size_t i = 0; i < N_OF(bad_intervals); i++) {
		char want[96];
		snprintf(want, sizeof(want), "recurrence_interval %lld is out of range: must be between 1 and 1000",
			 bad_intervals[i]);
		struct recurrence_spec s = { .pattern = "daily", .has_interval = true,
					     .interval = bad_intervals[i] };
		expect_invalid(&s, "recurrence_interval", want);
	}
	struct recurrence_spec ok = { .pattern = "daily", .has_interval = true, .interval = 1000 };
	struct recurrence r;
	parse_ok(&ok, &r);
	recurrence_release(&r);

	static const char *const funday[] = { "MO", "funday" };
	struct recurrence_spec w = { .pattern = "weekly", .has_weekdays = true, .weekdays = funday,
				     .n_weekdays = 2 };
	expect_invalid(&w, "recurrence_weekdays",
		       "recurrence_weekdays value \"funday\" is not a day of the week");
	static const char *const odd[] = { "M" };
	w.weekdays = odd;
	w.n_weekdays = 1;
	expect_invalid(&w, "recurrence_weekdays", "value \"M\" is not a day of the week");
	w.n_weekdays = 0;
	expect_invalid(&w, "recurrence_weekdays", "recurrence_weekdays must name at least one day");
	/* The bit-mask form. */
	w.weekdays = NULL;
	w.weekdays_mask = 0;
	expect_invalid(&w, "recurrence_weekdays", "recurrence_weekdays must name at least one day");
	w.weekdays_mask = 0x80;
	expect_invalid(&w, "recurrence_weekdays",
		       "recurrence_weekdays mask 0x80 has bits beyond Sunday (0x40)");
	static const char *const mo[] = { "MO" };
	w.pattern = "daily";
	w.weekdays = mo;
	w.n_weekdays = 1;
	expect_invalid(&w, "recurrence_weekdays", "needs recurrence_pattern \"weekly\"");

	/* Recurrence fields without a recurrence. */
	struct recurrence_spec none = { .pattern = "none", .has_interval = true, .interval = 2 };
	expect_invalid(&none, "recurrence_interval", "needs a recurrence_pattern other than none");
	struct recurrence_spec none2 = { .end_date = "2026-01-01" };
	expect_invalid(&none2, "recurrence_end_date", "needs a recurrence_pattern other than none");

	/* Pattern and rrule exclude each other. */
	struct recurrence_spec custom = { .pattern = "custom", .rrule = "FREQ=DAILY" };
	parse_ok(&custom, &r);
	assert_int_equal(r.pattern, RECURRENCE_RRULE);
	assert_string_equal(r.rrule, "FREQ=DAILY");
	recurrence_release(&r);
	struct recurrence_spec both = { .pattern = "daily", .rrule = "FREQ=DAILY" };
	expect_invalid(&both, "rrule", "rrule cannot be combined with recurrence_pattern \"daily\"");
	struct recurrence_spec both2 = { .rrule = "FREQ=DAILY", .has_interval = true, .interval = 2 };
	expect_invalid(&both2, "recurrence_interval", "cannot be combined with rrule (use INTERVAL)");

	/* No recurrence at all is valid and never has a next occurrence. */
	struct recurrence_spec empty = { .timezone = "Europe/London" };
	parse_ok(&empty, &r);
	assert_int_equal(r.pattern, RECURRENCE_NONE);
	assert_string_equal(r.tz, "Europe/London");
	expect_end(&r, 1767258000, 1767258000, 1767258000, 1);
	recurrence_release(&r);
	struct recurrence_spec none3 = { .pattern = "none" };
	parse_ok(&none3, &r);
	assert_string_equal(r.tz, "UTC");
	expect_end(&r, 1767258000, 1767258000, 1767258000, 1);
	recurrence_release(&r);
}

static void test_invalid_rrule(void **state)
{
	(void)state;
	static const struct { const char *rule, *msg; } cases[] = {
		{ "FREQ=DAILY;INTERVAL=0",
		  "could not parse rrule \"FREQ=DAILY;INTERVAL=0\" at column 21: INTERVAL \"0\" is not an integer in 1..1000" },
		{ "FREQ=HOURLY", "at column 6: FREQ \"HOURLY\" is not one of DAILY, WEEKLY, MONTHLY, YEARLY" },
		{ "FREQ=DAILY;BYHOUR=9", "at column 12: rule part \"BYHOUR\" is not supported" },
		{ "FREQ=DAILY;;COUNT=2", "at column 12: empty rule part" },
		{ "FREQ=DAILY;", "at column 12: empty rule part" },
		{ "INTERVAL=2", "at column 1: FREQ is required" },
		{ "FREQ", "at column 1: rule part \"FREQ\" is not of the form NAME=VALUE" },
		{ "FREQ=", "at column 6: FREQ has no value" },
		{ "FREQ=DAILY;FREQ=WEEKLY", "at column 12: FREQ appears more than once" },
		{ "RRULE:FREQ=DAILY;INTERVAL=x", "at column 27: INTERVAL \"x\" is not an integer in 1..1000" },
		{ "FREQ=DAILY;INTERVAL=1001", "at column 21: INTERVAL \"1001\"" },
		{ "FREQ=DAILY;COUNT=0", "at column 18: COUNT \"0\" is not an integer in 1..10000" },
		{ "FREQ=DAILY;COUNT=-3", "at column 18: COUNT \"-3\"" },
		{ "FREQ=WEEKLY;BYDAY=MO,XX", "at column 22: BYDAY value \"XX\" is not a weekday" },
		{ "FREQ=WEEKLY;BYDAY=MO,", "at column 22: empty value in the BYDAY list" },
		{ "FREQ=DAILY;BYDAY=2MO", "at column 18: BYDAY value \"2MO\" has an ordinal, which needs FREQ=MONTHLY or FREQ=YEARLY" },
		{ "FREQ=MONTHLY;BYDAY=6MO", "at column 20: BYDAY value \"6MO\" has an ordinal outside -5..-1 and 1..5" },
		{ "FREQ=YEARLY;BYDAY=54MO", "at column 19: BYDAY value \"54MO\" has an ordinal outside -53..-1 and 1..53" },
		{ "FREQ=YEARLY;BYDAY=0MO", "BYDAY value \"0MO\" has an ordinal outside" },
		{ "FREQ=MONTHLY;BYDAY=2MO;BYMONTHDAY=1", "at column 20: BYDAY value \"2MO\" has an ordinal, which cannot be combined with BYMONTHDAY" },
		{ "FREQ=MONTHLY;BYMONTHDAY=32", "at column 25: BYMONTHDAY value \"32\" is not an integer in -31..-1 or 1..31" },
		{ "FREQ=MONTHLY;BYMONTHDAY=1,0", "at column 27: BYMONTHDAY value \"0\"" },
		{ "FREQ=WEEKLY;BYMONTHDAY=1", "at column 13: BYMONTHDAY cannot be used with FREQ=WEEKLY" },
		{ "FREQ=YEARLY;BYMONTH=13", "at column 21: BYMONTH value \"13\" is not an integer in 1..12" },
		{ "FREQ=YEARLY;BYMONTH=2,4;BYMONTHDAY=31", "at column 25: no month of BYMONTH has any day of BYMONTHDAY" },
		{ "FREQ=DAILY;COUNT=3;UNTIL=20260101", "at column 20: COUNT and UNTIL cannot both be given" },
		{ "FREQ=DAILY;UNTIL=2026-01-01", "at column 18: UNTIL \"2026-01-01\" is not a valid DATE" },
		{ "FREQ=DAILY;UNTIL=20260230", "at column 18: UNTIL \"20260230\"" },
		{ "FREQ=DAILY;UNTIL=20260101T250000Z", "UNTIL \"20260101T250000Z\"" },
		{ "", "rrule must not be empty" },
	};
	for (size_t i = 0; i < N_OF(cases); i++)
		expect_rrule_error(cases[i].rule, cases[i].msg);

	char long_rule[600];
	memset(long_rule, 'A', sizeof(long_rule) - 1);
	long_rule[sizeof(long_rule) - 1] = '\0';
	expect_rrule_error(long_rule, "rrule is too long: 599 bytes, at most 512 allowed");
}

static void test_invalid_end_date(void **state)
{
	(void)state;
	static const struct { const char *date, *msg; } cases[] = {
		{ "2026-02-30", "recurrence_end_date \"2026-02-30\" is not a valid date" },
		{ "2027-02-29", "recurrence_end_date \"2027-02-29\" is not a valid date" },
		{ "2026-13-01", "is not a valid date" },
		{ "2026/01/01", "recurrence_end_date \"2026/01/01\" is not a date in the form YYYY-MM-DD" },
		{ "2026-01-01T00:00:00Z", "is not a date in the form YYYY-MM-DD" },
		{ "", "is not a date in the form YYYY-MM-DD" },
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct recurrence_spec in = { .pattern = "daily", .end_date = cases[i].date };
		expect_invalid(&in, "recurrence_end_date", cases[i].msg);
	}
	struct recurrence_spec leap = { .pattern = "daily", .end_date = "2028-02-29" };
	struct recurrence r;
	parse_ok(&leap, &r);
	assert_int_equal(r.until_utc, 1835481599);  /* 2028-02-29T23:59:59Z */
	recurrence_release(&r);

	/* Before the series start, judged on the zone's dates. */
	struct recurrence_spec before = {
		.pattern = "daily", .timezone = "America/New_York", .end_date = "2026-02-28",
		.has_dtstart = true, .dtstart_utc = 1772373600,  /* 2026-03-01 09:00 EST */
	};
	expect_invalid(&before, "recurrence_end_date",
		       "recurrence_end_date \"2026-02-28\" is before the series start 2026-03-01");
	/* 2026-03-01 02:00 UTC is still Feb 28 in New York: allowed. */
	before.dtstart_utc = 1772330400;
	parse_ok(&before, &r);
	recurrence_release(&r);

	struct recurrence_spec until_before = {
		.rrule = "FREQ=DAILY;UNTIL=20260101", .has_dtstart = true, .dtstart_utc = 1772373600,
	};
	expect_invalid(&until_before, "rrule", "is before the series start 2026-03-01T14:00:00");

	struct recurrence_spec with_count = { .rrule = "FREQ=DAILY;COUNT=5", .end_date = "2026-05-01" };
	expect_invalid(&with_count, "recurrence_end_date",
		       "recurrence_end_date cannot be combined with an rrule that has COUNT or UNTIL");
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrule_parts),
		cmocka_unit_test(test_rrule_canonical),
		cmocka_unit_test(test_invalid_pattern_interval_weekdays),
		cmocka_unit_test(test_invalid_rrule),
		cmocka_unit_test(test_invalid_end_date),
	};
	return cmocka_run_group_tests_name("service/rrule", tests, NULL, recurrence_teardown);
}
