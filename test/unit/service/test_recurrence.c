/*
 * Unit tests for src/service/recurrence.c: validation of recurrences and
 * RRULEs, the next-occurrence engine, and the time zone reader.
 *
 * Every expected instant was computed independently of this code, with
 * Python 3.11 zoneinfo (the same system tzdata 2025b), dateutil.rrule for
 * RFC 5545 semantics, and calendar.monthrange for the clamped months; the
 * comment beside each value gives the wall time and the UTC instant.
 */
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

static const char *iso(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static void parse_ok(const struct recurrence_spec *in, struct recurrence *r)
{
	struct err e;
	err_clear(&e);
	int rc = recurrence_parse(in, r, &e);
	if (rc != 0)
		fail_msg("recurrence_parse: %d, field \"%s\": %s", rc, e.field, e.msg);
}

static void parse_pattern(struct recurrence *r, const char *pattern, long long interval,
			  const char *tz)
{
	struct recurrence_spec in = {
		.pattern = pattern,
		.has_interval = interval > 0,
		.interval = interval,
		.timezone = tz,
	};
	parse_ok(&in, r);
}

static void parse_rrule(struct recurrence *r, const char *rrule, const char *tz)
{
	struct recurrence_spec in = { .rrule = rrule, .timezone = tz };
	parse_ok(&in, r);
}

static int64_t next_of(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
		       int so_far)
{
	struct err e;
	int64_t next = -1;
	err_clear(&e);
	int rc = recurrence_next(r, dtstart, due, now, so_far, &next, &e);
	if (rc != 0)
		fail_msg("recurrence_next: %d: %s", rc, e.msg);
	return next;
}

static void expect_next(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
			int so_far, int64_t want)
{
	char a[32], b[32], c[32];
	int64_t got = next_of(r, dtstart, due, now, so_far);
	if (got != want)
		fail_msg("next after due %s: got %s (%lld), want %s (%lld)", iso(due, a),
			 iso(got, b), (long long)got, iso(want, c), (long long)want);
}

static void expect_end(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
		       int so_far)
{
	struct err e;
	int64_t next = -1;
	char a[32];
	err_clear(&e);
	int rc = recurrence_next(r, dtstart, due, now, so_far, &next, &e);
	if (rc != TODO_ENOTFOUND)
		fail_msg("want the series to end after %s, got %d (next %s)", iso(due, a), rc,
			 rc == 0 ? iso(next, a) : e.msg);
	assert_int_equal(e.code, TODO_ENOTFOUND);
}

/* Complete each occurrence on time: the next one follows the previous. */
static void expect_series(const struct recurrence *r, int64_t dtstart, const int64_t *want,
			  size_t n)
{
	int64_t due = dtstart;
	for (size_t i = 0; i < n; i++) {
		expect_next(r, dtstart, due, due, (int)i + 1, want[i]);
		due = want[i];
	}
}

#define EXPECT_SERIES(r, start, ...) do { \
	static const int64_t want_[] = { __VA_ARGS__ }; \
	expect_series((r), (start), want_, N_OF(want_)); \
} while (0)

static void expect_invalid(const struct recurrence_spec *in, const char *field, const char *msg)
{
	struct recurrence r;
	struct err e;
	err_clear(&e);
	int rc = recurrence_parse(in, &r, &e);
	if (rc != TODO_EINVAL)
		fail_msg("want TODO_EINVAL (%s: %s), got %d", field, msg, rc);
	assert_int_equal(e.code, TODO_EINVAL);
	assert_string_equal(e.field, field);
	assert_has_substring(e.msg, msg);
	assert_null(r.rrule);
	assert_int_equal(r.pattern, RECURRENCE_NONE);
	recurrence_release(&r);
}

static void expect_rrule_error(const char *rrule, const char *msg)
{
	struct recurrence_spec in = { .rrule = rrule };
	expect_invalid(&in, "rrule", msg);
}

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

/* ------------------------------------------------------------------ */
/* DST                                                                */
/* ------------------------------------------------------------------ */

static void test_dst_new_york(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "daily", 0, "America/New_York");
	/* 09:00 stays 09:00 across the spring-forward of Sun Mar 8 2026. */
	EXPECT_SERIES(&r, 1772805600,  /* 2026-03-06 09:00 EST = 2026-03-06T14:00:00Z */
		1772892000, /* 2026-03-07 09:00 EST = 2026-03-07T14:00:00Z */
		1772974800, /* 2026-03-08 09:00 EDT = 2026-03-08T13:00:00Z */
		1773061200, /* 2026-03-09 09:00 EDT = 2026-03-09T13:00:00Z */
	);
	/* ... and across the fall-back of Sun Nov 1 2026. */
	EXPECT_SERIES(&r, 1793365200,  /* 2026-10-30 09:00 EDT = 2026-10-30T13:00:00Z */
		1793451600, /* 2026-10-31 09:00 EDT = 2026-10-31T13:00:00Z */
		1793541600, /* 2026-11-01 09:00 EST = 2026-11-01T14:00:00Z */
		1793628000, /* 2026-11-02 09:00 EST = 2026-11-02T14:00:00Z */
	);
	/* 02:30 does not exist on Mar 8: it moves forward by the gap to
	 * 03:30 EDT, and the series is back at 02:30 the day after. */
	EXPECT_SERIES(&r, 1772868600,  /* 2026-03-07 02:30 EST = 2026-03-07T07:30:00Z */
		1772955000, /* 2026-03-08 03:30 EDT = 2026-03-08T07:30:00Z */
		1773037800, /* 2026-03-09 02:30 EDT = 2026-03-09T06:30:00Z */
	);
	/* 01:30 happens twice on Nov 1: the first (EDT) one. */
	EXPECT_SERIES(&r, 1793424600,  /* 2026-10-31 01:30 EDT = 2026-10-31T05:30:00Z */
		1793511000, /* 2026-11-01 01:30 EDT = 2026-11-01T05:30:00Z */
		1793601000, /* 2026-11-02 01:30 EST = 2026-11-02T06:30:00Z */
	);
	recurrence_release(&r);

	parse_pattern(&r, "weekly", 0, "America/New_York");
	EXPECT_SERIES(&r, 1772350200,  /* Sun 2026-03-01 02:30 EST = 2026-03-01T07:30:00Z */
		1772955000, /* Sun 2026-03-08 03:30 EDT (gap) = 2026-03-08T07:30:00Z */
		1773556200, /* Sun 2026-03-15 02:30 EDT = 2026-03-15T06:30:00Z */
	);
	recurrence_release(&r);
}

static void test_dst_london(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "daily", 0, "Europe/London");
	EXPECT_SERIES(&r, 1774688400,  /* 2026-03-28 09:00 GMT = 2026-03-28T09:00:00Z */
		1774771200, /* 2026-03-29 09:00 BST = 2026-03-29T08:00:00Z */
		1774857600, /* 2026-03-30 09:00 BST = 2026-03-30T08:00:00Z */
	);
	/* 01:30 does not exist on Mar 29 (01:00 -> 02:00): 02:30 BST. */
	EXPECT_SERIES(&r, 1774661400,  /* 2026-03-28 01:30 GMT = 2026-03-28T01:30:00Z */
		1774747800, /* 2026-03-29 02:30 BST = 2026-03-29T01:30:00Z */
		1774830600, /* 2026-03-30 01:30 BST = 2026-03-30T00:30:00Z */
	);
	/* 01:30 is ambiguous on Oct 25: the first (BST) one. */
	EXPECT_SERIES(&r, 1792801800,  /* 2026-10-24 01:30 BST = 2026-10-24T00:30:00Z */
		1792888200, /* 2026-10-25 01:30 BST = 2026-10-25T00:30:00Z */
		1792978200, /* 2026-10-26 01:30 GMT = 2026-10-26T01:30:00Z */
	);
	recurrence_release(&r);
}

/* Lord Howe Island shifts by 30 minutes: +11 (DST) / +10:30. */
static void test_dst_lord_howe(void **state)
{
	(void)state;
	struct recurrence r;
	parse_pattern(&r, "daily", 0, "Australia/Lord_Howe");
	EXPECT_SERIES(&r, 1775253600,  /* 2026-04-04 09:00 +11 = 2026-04-03T22:00:00Z */
		1775341800, /* 2026-04-05 09:00 +10:30 = 2026-04-04T22:30:00Z */
		1775428200, /* 2026-04-06 09:00 +10:30 = 2026-04-05T22:30:00Z */
	);
	/* Apr 5: 02:00 +11 falls back to 01:30, so 01:45 happens twice. */
	EXPECT_SERIES(&r, 1775227500,  /* 2026-04-04 01:45 +11 = 2026-04-03T14:45:00Z */
		1775313900, /* 2026-04-05 01:45 +11 (first) = 2026-04-04T14:45:00Z */
		1775402100, /* 2026-04-06 01:45 +10:30 = 2026-04-05T15:15:00Z */
	);
	EXPECT_SERIES(&r, 1790980200,  /* 2026-10-03 09:00 +10:30 = 2026-10-02T22:30:00Z */
		1791064800, /* 2026-10-04 09:00 +11 = 2026-10-03T22:00:00Z */
		1791151200, /* 2026-10-05 09:00 +11 = 2026-10-04T22:00:00Z */
	);
	/* Oct 4: 02:00 +10:30 springs to 02:30, so 02:15 does not exist and
	 * moves forward by the 30-minute gap to 02:45 +11. */
	EXPECT_SERIES(&r, 1790955900,  /* 2026-10-03 02:15 +10:30 = 2026-10-02T15:45:00Z */
		1791042300, /* 2026-10-04 02:45 +11 = 2026-10-03T15:45:00Z */
		1791126900, /* 2026-10-05 02:15 +11 = 2026-10-04T15:15:00Z */
	);
	/* After 2037 the rules come from the TZif footer (libical 3.0.16
	 * gets these wrong by almost 12 hours). */
	EXPECT_SERIES(&r, 2169585000,  /* 2038-10-02 09:00 +10:30 = 2038-10-01T22:30:00Z */
		2169669600, /* 2038-10-03 09:00 +11 = 2038-10-02T22:00:00Z */
	);
	recurrence_release(&r);
}

/* ------------------------------------------------------------------ */
/* Time zone reader                                                   */
/* ------------------------------------------------------------------ */

static void expect_offset(const char *tz, int64_t utc, int32_t want)
{
	struct err e;
	int32_t off = 12345;
	err_clear(&e);
	int rc = recurrence_zone_offset(tz, utc, &off, &e);
	if (rc != 0)
		fail_msg("%s: %d %s", tz, rc, e.msg);
	if (off != want)
		fail_msg("%s at %lld: offset %d, want %d", tz, (long long)utc, off, want);
}

static void expect_resolve(const char *tz, int y, int mo, int d, int h, int mi, int64_t want)
{
	struct civil_time c = { y, mo, d, h, mi, 0 };
	struct err e;
	int64_t got = -1;
	char a[32], b[32];
	err_clear(&e);
	int rc = recurrence_zone_resolve(tz, &c, &got, &e);
	if (rc != 0)
		fail_msg("%s: %d %s", tz, rc, e.msg);
	if (got != want)
		fail_msg("%s %04d-%02d-%02d %02d:%02d: got %s, want %s", tz, y, mo, d, h, mi,
			 iso(got, a), iso(want, b));
}

static void test_zone_offsets(void **state)
{
	(void)state;
	expect_offset("UTC", 1767225600, 0);
	expect_offset("Etc/UTC", 1767225600, 0);
	expect_offset("Asia/Kolkata", 1767225600, 19800);             /* +05:30 */
	expect_offset("Europe/Dublin", 1767225600, 0);                /* 2026-01-01 GMT */
	expect_offset("Europe/Dublin", 1784000000, 3600);             /* 2026-07-14 IST */
	expect_offset("Australia/Lord_Howe", 2169646199, 37800);      /* 2038-10-02T15:29:59Z */
	expect_offset("Australia/Lord_Howe", 2169646200, 39600);      /* 2038-10-02T15:30:00Z */
	expect_offset("America/St_Johns", 2214532800, -12600);        /* 2040-03-05 -03:30 */
	expect_offset("America/St_Johns", 2230254000, -9000);         /* 2040-09-03 -02:30 */
	expect_offset("America/New_York", 1772953199, -18000);        /* 2026-03-08T06:59:59Z */
	expect_offset("America/New_York", 1772953200, -14400);        /* 2026-03-08T07:00:00Z */

	expect_resolve("America/New_York", 2026, 3, 8, 2, 30, 1772955000);   /* gap -> 07:30Z */
	expect_resolve("America/New_York", 2026, 3, 8, 2, 0, 1772953200);    /* gap start -> 07:00Z */
	expect_resolve("America/New_York", 2026, 11, 1, 1, 30, 1793511000);  /* first 01:30 = 05:30Z */
	expect_resolve("America/New_York", 2026, 11, 1, 2, 0, 1793516400);   /* 02:00 EST = 07:00Z */
	expect_resolve("Australia/Lord_Howe", 2039, 4, 3, 1, 45, 2185368300); /* first, +11 */
	expect_resolve("Australia/Lord_Howe", 2038, 10, 3, 2, 15, 2169647100); /* gap, 02:45 +11 */
	expect_resolve("UTC", 2026, 1, 1, 0, 0, 1767225600);

	struct civil_time bad = { 2026, 2, 29, 0, 0, 0 };
	struct err e;
	int64_t t;
	assert_int_equal(recurrence_zone_resolve("UTC", &bad, &t, &e), TODO_EINVAL);
	int32_t off;
	assert_int_equal(recurrence_zone_offset("Mars/Olympus", 0, &off, &e), TODO_EINVAL);
	assert_string_equal(e.field, "timezone");
	assert_string_equal(e.msg, "unknown timezone \"Mars/Olympus\"");

	/* Reloading after the cache is dropped gives the same answers. */
	recurrence_cache_release();
	expect_offset("Australia/Lord_Howe", 2169646200, 39600);
}

struct worker {
	int64_t got[3];
	int rc;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct recurrence r;
	struct recurrence_spec in = { .pattern = "daily", .timezone = "America/New_York" };
	struct err e;
	w->rc = recurrence_parse(&in, &r, &e);
	int64_t due = 1772805600;
	for (int i = 0; w->rc == 0 && i < 3; i++)
		if ((w->rc = recurrence_next(&r, 1772805600, due, due, i + 1, &w->got[i], &e)) == 0)
			due = w->got[i];
	recurrence_release(&r);
	return NULL;
}

/* Many threads loading and using the same zone at once. */
static void test_threads(void **state)
{
	(void)state;
	recurrence_cache_release();
	pthread_t th[8];
	struct worker w[8];
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].rc, 0);
		assert_int_equal(w[i].got[0], 1772892000);  /* 2026-03-07T14:00:00Z */
		assert_int_equal(w[i].got[1], 1772974800);  /* 2026-03-08T13:00:00Z */
		assert_int_equal(w[i].got[2], 1773061200);  /* 2026-03-09T13:00:00Z */
	}
}

/* ------------------------------------------------------------------ */
/* Invalid input                                                      */
/* ------------------------------------------------------------------ */

static void test_invalid_timezone(void **state)
{
	(void)state;
	static const struct { const char *tz, *msg; } cases[] = {
		{ "Mars/Olympus", "unknown timezone \"Mars/Olympus\"" },
		{ "America/Gotham", "unknown timezone \"America/Gotham\"" },
		{ "zone.tab", "unknown timezone \"zone.tab\"" },   /* a file, not a zone */
		{ "America", "unknown timezone \"America\"" },     /* a directory */
		{ "", "timezone must not be empty" },
		{ "../etc/passwd", "timezone \"../etc/passwd\" is not a valid IANA time zone name" },
		{ "/etc/localtime", "timezone \"/etc/localtime\" is not a valid IANA time zone name" },
		{ "America//New_York", "is not a valid IANA time zone name" },
		{ "America/New York", "is not a valid IANA time zone name" },
		{ "America/", "is not a valid IANA time zone name" },
		{ "localtime", "is not a valid IANA time zone name" },
		{ "right/UTC", "is not a valid IANA time zone name" },
		{ "Europe/\xC3\xA9", "timezone \"Europe/??\" is not a valid IANA time zone name" },
		{ "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "timezone is too long: 64 bytes, at most 63 allowed" },
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct recurrence_spec in = { .pattern = "daily", .timezone = cases[i].tz };
		expect_invalid(&in, "timezone", cases[i].msg);
	}
}

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

static int teardown(void **state)
{
	(void)state;
	recurrence_cache_release();
	return 0;
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
		cmocka_unit_test(test_rrule_parts),
		cmocka_unit_test(test_rrule_canonical),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_until),
		cmocka_unit_test(test_end_date),
		cmocka_unit_test(test_late_completion),
		cmocka_unit_test(test_old_series),
		cmocka_unit_test(test_dst_new_york),
		cmocka_unit_test(test_dst_london),
		cmocka_unit_test(test_dst_lord_howe),
		cmocka_unit_test(test_zone_offsets),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_invalid_timezone),
		cmocka_unit_test(test_invalid_pattern_interval_weekdays),
		cmocka_unit_test(test_invalid_rrule),
		cmocka_unit_test(test_invalid_end_date),
		cmocka_unit_test(test_next_errors),
	};
	return cmocka_run_group_tests_name("service/recurrence", tests, NULL, teardown);
}
