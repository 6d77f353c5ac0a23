#include "base/timeutil.h"

#include <string.h>
#include <time.h>

#include "base/civil.h"

#define USEC_PER_SEC INT64_C(1000000)
/* [0001-01-01T00:00:00Z, 10000-01-01T00:00:00Z): what RFC 3339 can spell
 * and PostgreSQL accepts. In seconds. */
#define TIME_MIN_SEC INT64_C(-62135596800)
#define TIME_END_SEC INT64_C(253402300800)

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static unsigned digits_at(const char *s, size_t n)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

/* The fraction (1 to 9 digits), zone and end of a date-time from byte 19
 * on; adds the zone offset to *@sec. */
static enum time_parse_result parse_tail(const char *v, size_t n, int64_t *sec, int64_t *frac)
{
	size_t i = 19;
	*frac = 0;
	if (i < n && v[i] == '.') {
		size_t k = ++i;
		while (i < n && v[i] >= '0' && v[i] <= '9') {
			/* Digits past microseconds are cut, not rounded. */
			if (i - k < 6)
				*frac = *frac * 10 + (v[i] - '0');
			i++;
		}
		if (i == k || i - k > 9)
			return TIME_BAD_FORM;
		for (size_t j = i - k; j < 6; j++)
			*frac *= 10;
	}
	if (i < n && (v[i] == 'Z' || v[i] == 'z')) {
		i++;
	} else if (i < n && (v[i] == '+' || v[i] == '-')) {
		if (n - i != 6 || !all_digits(v + i + 1, 2) || v[i + 3] != ':' || !all_digits(v + i + 4, 2))
			return TIME_BAD_FORM;
		unsigned oh = digits_at(v + i + 1, 2), om = digits_at(v + i + 4, 2);
		if (oh > 23 || om > 59)
			return TIME_BAD_OFFSET;
		int64_t off = oh * 3600 + om * 60;
		*sec += v[i] == '+' ? -off : off;
		i += 6;
	} else {
		return TIME_BAD_FORM;
	}
	return i == n ? TIME_OK : TIME_BAD_FORM;
}

enum time_parse_result time_parse(const char *v, size_t n, int64_t *usec, bool *is_date)
{
	if (n < 10 || !all_digits(v, 4) || v[4] != '-' || !all_digits(v + 5, 2) || v[7] != '-' ||
	    !all_digits(v + 8, 2))
		return TIME_BAD_FORM;
	int64_t y = digits_at(v, 4);
	unsigned mo = digits_at(v + 5, 2), d = digits_at(v + 8, 2);
	/* T HH:MM:SS [.frac] (Z | +HH:MM | -HH:MM) */
	if (n > 10 && ((v[10] != 'T' && v[10] != 't' && v[10] != ' ') || n < 20 ||
		       !all_digits(v + 11, 2) || v[13] != ':' || !all_digits(v + 14, 2) ||
		       v[16] != ':' || !all_digits(v + 17, 2)))
		return TIME_BAD_FORM;
	if (y < 1)
		return TIME_BAD_YEAR;
	if (mo < 1 || mo > 12)
		return TIME_BAD_MONTH;
	if (d < 1 || d > (unsigned)civil_days_in_month(y, (int)mo))
		return TIME_BAD_DAY;
	int64_t sec = civil_days_from_date(y, (int)mo, (int)d) * CIVIL_SECS_PER_DAY, frac = 0;
	if (n > 10) {
		unsigned h = digits_at(v + 11, 2), mi = digits_at(v + 14, 2), s = digits_at(v + 17, 2);
		if (h > 23)
			return TIME_BAD_HOUR;
		if (mi > 59)
			return TIME_BAD_MINUTE;
		if (s > 59)
			return TIME_BAD_SECOND;
		sec += h * 3600 + mi * 60 + s;
		enum time_parse_result r = parse_tail(v, n, &sec, &frac);
		if (r != TIME_OK)
			return r;
	}
	if (sec < TIME_MIN_SEC || sec >= TIME_END_SEC)
		return TIME_OUT_OF_RANGE;
	*usec = sec * USEC_PER_SEC + frac;
	*is_date = n == 10;
	return TIME_OK;
}

const char *time_parse_reason(enum time_parse_result r)
{
	switch (r) {
	case TIME_OK:
	case TIME_BAD_FORM: return NULL;
	case TIME_BAD_YEAR: return "year out of range";
	case TIME_BAD_MONTH: return "month out of range";
	case TIME_BAD_DAY: return "day out of range";
	case TIME_BAD_HOUR: return "hour out of range";
	case TIME_BAD_MINUTE: return "minute out of range";
	case TIME_BAD_SECOND: return "second out of range";
	case TIME_BAD_OFFSET: return "offset out of range";
	case TIME_OUT_OF_RANGE: return "out of range";
	}
	return NULL;
}

int time_utc_seconds(const char *text, int64_t *out)
{
	int64_t usec;
	bool is_date;
	if (time_parse(text, strlen(text), &usec, &is_date) != TIME_OK || is_date)
		return -1;
	*out = civil_floor_div(usec, USEC_PER_SEC);
	return 0;
}

int64_t time_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
