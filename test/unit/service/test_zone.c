/*
 * Unit tests for src/service/zone.c: time zones (DST through the engine, offsets and wall-time
 * resolution, many threads, invalid names).
 * (helpers and the provenance of the expected instants:
 * recurrence_helpers.h).
 */
#include "recurrence_helpers.h"

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


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dst_new_york),
		cmocka_unit_test(test_dst_london),
		cmocka_unit_test(test_dst_lord_howe),
		cmocka_unit_test(test_zone_offsets),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_invalid_timezone),
	};
	return cmocka_run_group_tests_name("service/zone", tests, NULL, recurrence_teardown);
}
