/* recurrence_helpers.c - see recurrence_helpers.h. */
#include "recurrence_helpers.h"

const char *iso(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

void parse_ok(const struct recurrence_spec *in, struct recurrence *r)
{
	struct err e;
	err_clear(&e);
	int rc = recurrence_parse(in, r, &e);
	if (rc != 0)
		fail_msg("recurrence_parse: %d, field \"%s\": %s", rc, e.field, e.msg);
}

void parse_pattern(struct recurrence *r, const char *pattern, long long interval,
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

void parse_rrule(struct recurrence *r, const char *rrule, const char *tz)
{
	struct recurrence_spec in = { .rrule = rrule, .timezone = tz };
	parse_ok(&in, r);
}

int64_t next_of(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
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

void expect_next(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
			int so_far, int64_t want)
{
	char a[32], b[32], c[32];
	int64_t got = next_of(r, dtstart, due, now, so_far);
	if (got != want)
		fail_msg("next after due %s: got %s (%lld), want %s (%lld)", iso(due, a),
			 iso(got, b), (long long)got, iso(want, c), (long long)want);
}

void expect_end(const struct recurrence *r, int64_t dtstart, int64_t due, int64_t now,
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
void expect_series(const struct recurrence *r, int64_t dtstart, const int64_t *want,
			  size_t n)
{
	int64_t due = dtstart;
	for (size_t i = 0; i < n; i++) {
		expect_next(r, dtstart, due, due, (int)i + 1, want[i]);
		due = want[i];
	}
}


void expect_invalid(const struct recurrence_spec *in, const char *field, const char *msg)
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

void expect_rrule_error(const char *rrule, const char *msg)
{
	struct recurrence_spec in = { .rrule = rrule };
	expect_invalid(&in, "rrule", msg);
}


int recurrence_teardown(void **state)
{
	(void)state;
	recurrence_cache_release();
	return 0;
}

