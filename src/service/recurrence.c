/*
 * recurrence.c - the recurrence engine: the next occurrence of a series.
 *
 * The module is four files, in reading order: base/civil.c (calendar
 * arithmetic), service/zone.c (time zones from the TZif database),
 * service/rrule.c (validating a recurrence: patterns and RRULE) and this
 * one. Daily rules and monthly / yearly rules with BY* parts are expanded
 * by libical on floating wall times; weekly series are expanded here (see
 * next_weekly), and so are the clamped monthly and yearly series, because
 * RFC 5545 (and libical) would skip the months that lack the anchor day.
 */
#include "service/recurrence.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "base/alloc.h"
#include "base/civil.h"
#include "service/recurrence_internal.h"
#include "service/zone.h"

/* "2026-03-08T07:30:00Z" into @buf (at least 32 bytes). */
const char *recurrence__fmt_utc(int64_t t, char *buf, size_t n)
{
	struct civil_time c;
	civil_from_secs(t, &c);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour,
		 c.minute, c.second);
	return buf;
}

/* A client value for an error message: printable ASCII kept, anything
 * else shown as '?', long values cut with "...". */
const char *recurrence__quote(const char *s, size_t len, char *buf, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 4 < n; i++) {
		if (i == QUOTE_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		unsigned char ch = (unsigned char)s[i];
		buf[o++] = ch >= 0x20 && ch < 0x7f && ch != '"' ? (char)ch : '?';
	}
	buf[o] = '\0';
	return buf;
}

/* ------------------------------------------------------------------ */
/* Time zones (service/zone.h) behind the public names                 */
/* ------------------------------------------------------------------ */

void recurrence_cache_release(void)
{
	zone_cache_release();
}

int recurrence_zone_offset(const char *tz, int64_t utc, int32_t *offset, struct err *e)
{
	const struct zone *z;
	int rc = zone_get(tz, &z, e);
	if (rc)
		return rc;
	*offset = zone_offset_at(z, utc);
	return 0;
}

int recurrence_zone_resolve(const char *tz, const struct civil_time *local, int64_t *utc,
			    struct err *e)
{
	if (!civil_valid(local))
		return err_set(e, TODO_EINVAL, NULL, "wall time %04d-%02d-%02d %02d:%02d:%02d is out of range",
			       local->year, local->month, local->day, local->hour, local->minute,
			       local->second);
	const struct zone *z;
	int rc = zone_get(tz, &z, e);
	if (rc)
		return rc;
	*utc = zone_resolve(z, civil_to_secs(local));
	return 0;
}

/* ------------------------------------------------------------------ */
/* 4. The engine                                                      */
/* ------------------------------------------------------------------ */

struct search {
	const struct zone *z;
	int64_t after;             /* the answer is strictly after this instant */
	int64_t until;             /* and at or before this one (0: no end) */
	struct err *e;
};

static int ended(const struct search *s)
{
	char buf[32];
	return err_set(s->e, TODO_ENOTFOUND, NULL, "the series has no occurrence after %s",
		       recurrence__fmt_utc(s->after, buf, sizeof(buf)));
}

/* Check candidate wall time @local: 1 = it is the answer (in *@next),
 * 0 = keep looking, <0 = the series has ended. */
static int candidate(const struct search *s, int64_t local, int64_t *next)
{
	int64_t utc = zone_resolve(s->z, local);
	if (s->until && utc > s->until)
		return ended(s);
	if (utc <= s->after)
		return 0;
	*next = utc;
	return 1;
}

/* Monthly / yearly with clamping: occurrence k falls in month
 * (start month + k * @step) on min(start day, the month's length). */
static int next_clamped(const struct search *s, int64_t start_local, int step, int64_t *next)
{
	struct civil_time a, t;
	civil_from_secs(start_local, &a);
	civil_from_secs(zone_local(s->z, s->after), &t);
	int64_t m0 = (int64_t)a.year * 12 + a.month - 1, mt = (int64_t)t.year * 12 + t.month - 1;
	int64_t k = mt > m0 ? (mt - m0) / step - 1 : 0;
	if (k < 0)
		k = 0;
	int64_t tod = start_local - civil_floor_div(start_local, CIVIL_SECS_PER_DAY) * CIVIL_SECS_PER_DAY;
	for (;; k++) {
		int64_t mi = m0 + k * step, y = civil_floor_div(mi, 12);
		int m = (int)(mi - y * 12) + 1;
		if (y > 9999)
			return ended(s);
		int d = a.day < civil_days_in_month(y, m) ? a.day : civil_days_in_month(y, m);
		int rc = candidate(s, civil_days_from_date(y, m, d) * CIVIL_SECS_PER_DAY + tod, next);
		if (rc)
			return rc < 0 ? rc : 0;
	}
}

/* Weekly series are expanded here, not by libical: libical 3.0.16 drops
 * the first Sunday when BYDAY is SU alone, INTERVAL > 1 and DTSTART is not
 * a Sunday. Weeks run Monday to Sunday (WKST=MO); every interval-th week
 * from the week of dtstart, on the BYDAY weekdays (dtstart's weekday when
 * none), limited by BYMONTH, never before dtstart. */
static int next_weekly(const struct recurrence *r, const struct search *s, int64_t start_local,
		       int64_t *next)
{
	int64_t start_day = civil_floor_div(start_local, CIVIL_SECS_PER_DAY);
	int64_t tod = start_local - start_day * CIVIL_SECS_PER_DAY;
	int start_wd = (civil_weekday_sun0(start_day) + 6) % 7;          /* 0 = Monday */
	int64_t monday0 = start_day - start_wd, step = 7 * (int64_t)r->interval;
	unsigned days = 0;
	for (int i = 0; i < r->n_byday; i++)
		days |= 1u << r->byday[i].weekday;
	if (!days)
		days = 1u << start_wd;
	/* Skip whole periods up to two days before the search point. */
	int64_t target = civil_floor_div(zone_local(s->z, s->after), CIVIL_SECS_PER_DAY) - 2;
	int64_t monday = monday0 + (target > monday0 ? (target - monday0) / step * step : 0);
	for (int i = 0; i < RECURRENCE_SEARCH_MAX; i++, monday += step) {
		for (int wd = 0; wd < 7; wd++) {
			int64_t day = monday + wd, y;
			int m, d;
			if (!(days & (1u << wd)) || day < start_day)
				continue;
			civil_date_from_days(day, &y, &m, &d);
			if (y > 9999)
				return ended(s);
			if (r->bymonth && !(r->bymonth & (1u << (m - 1))))
				continue;
			int rc = candidate(s, day * CIVIL_SECS_PER_DAY + tod, next);
			if (rc)
				return rc < 0 ? rc : 0;
		}
	}
	return ended(s);
}

static short ical_byday(const struct recurrence_byday *b)
{
	/* libical numbers weekdays Sunday = 1 .. Saturday = 7 and encodes an
	 * ordinal n as sign(n) * (|n| * 8 + weekday). */
	int wd = b->weekday == 6 ? ICAL_SUNDAY_WEEKDAY : ICAL_MONDAY_WEEKDAY + b->weekday;
	int ord = b->ordinal;
	return (short)(ord < 0 ? -(-ord * 8 + wd) : ord * 8 + wd);
}

/* Daily, and monthly / yearly with BY* parts: libical expands the rule on
 * floating wall times. */
static int next_ical(const struct recurrence *r, const struct search *s, int64_t start_local,
		     int64_t *next)
{
	struct icalrecurrencetype rule;
	icalrecurrencetype_clear(&rule);
	static const icalrecurrencetype_frequency freq[] = {
		[RECURRENCE_FREQ_DAILY] = ICAL_DAILY_RECURRENCE,
		[RECURRENCE_FREQ_WEEKLY] = ICAL_WEEKLY_RECURRENCE,   /* unused, see next_weekly */
		[RECURRENCE_FREQ_MONTHLY] = ICAL_MONTHLY_RECURRENCE,
		[RECURRENCE_FREQ_YEARLY] = ICAL_YEARLY_RECURRENCE,
	};
	rule.freq = freq[r->freq];
	rule.interval = (short)r->interval;
	rule.week_start = ICAL_MONDAY_WEEKDAY;
	int n = 0;
	for (int i = 0; i < r->n_byday; i++)
		rule.by_day[n++] = ical_byday(&r->byday[i]);
	rule.by_day[n] = ICAL_RECURRENCE_ARRAY_MAX;
	for (int i = 0; i < r->n_bymonthday; i++)
		rule.by_month_day[i] = r->bymonthday[i];
	rule.by_month_day[r->n_bymonthday] = ICAL_RECURRENCE_ARRAY_MAX;
	/* RFC 5545 expands YEARLY;BYMONTHDAY to every month; libical 3.0
	 * keeps only DTSTART's month unless BYMONTH names them all. */
	unsigned months = r->bymonth;
	if (!months && r->freq == RECURRENCE_FREQ_YEARLY && r->n_bymonthday)
		months = 0xfff;
	n = 0;
	for (int m = 1; m <= 12; m++)
		if (months & (1u << (m - 1)))
			rule.by_month[n++] = (short)m;
	rule.by_month[n] = ICAL_RECURRENCE_ARRAY_MAX;

	/* A daily period has a fixed length, so the expansion may start a
	 * whole number of periods after dtstart, at least two days before the
	 * search point: every candidate it drops is before the answer (a
	 * 50-year-old daily series would otherwise take 18000 steps). */
	if (r->freq == RECURRENCE_FREQ_DAILY) {
		int64_t period = (int64_t)r->interval * CIVIL_SECS_PER_DAY;
		int64_t target = zone_local(s->z, s->after) - 2 * CIVIL_SECS_PER_DAY;
		if (target > start_local)
			start_local += (target - start_local) / period * period;
	}
	struct civil_time c;
	civil_from_secs(start_local, &c);
	struct icaltimetype dt = icaltime_null_time();
	dt.year = c.year;
	dt.month = c.month;
	dt.day = c.day;
	dt.hour = c.hour;
	dt.minute = c.minute;
	dt.second = c.second;
	dt.is_date = 0;
	dt.zone = NULL;   /* floating: the wall clock, zone rules applied by us */
	icalrecur_iterator *it = icalrecur_iterator_new(rule, dt);
	if (!it)
		return err_set(s->e, TODO_EINTERNAL, NULL, "libical could not expand rule %s: %s",
			       r->rrule ? r->rrule : recurrence__freq_names[r->freq],
			       icalerror_strerror(icalerrno));
	int rc = 0;
	for (int i = 0; rc == 0; i++) {
		struct icaltimetype o = icalrecur_iterator_next(it);
		if (i == RECURRENCE_SEARCH_MAX || icaltime_is_null_time(o)) {
			rc = ended(s);
			break;
		}
		c = (struct civil_time){ o.year, o.month, o.day, o.hour, o.minute, o.second };
		rc = candidate(s, civil_to_secs(&c), next);
	}
	icalrecur_iterator_free(it);
	return rc < 0 ? rc : 0;
}

int recurrence_next(const struct recurrence *r, int64_t dtstart_utc, int64_t current_due_utc,
		    int64_t now_utc, int occurrences_so_far, int64_t *next_utc, struct err *e)
{
	const int64_t times[3] = { dtstart_utc, current_due_utc, now_utc };
	static const char *const names[3] = { "series start", "current due time", "current time" };
	for (int i = 0; i < 3; i++)
		if (times[i] < RECURRENCE_TIME_MIN || times[i] > RECURRENCE_TIME_MAX)
			return err_set(e, TODO_EINVAL, NULL, "%s %" PRId64 " is out of range", names[i],
				       times[i]);
	if (occurrences_so_far < 0)
		return err_set(e, TODO_EINVAL, NULL, "occurrence count %d is negative", occurrences_so_far);
	if (r->pattern == RECURRENCE_NONE || r->freq == RECURRENCE_FREQ_NONE)
		return err_set(e, TODO_ENOTFOUND, NULL, "the task does not recur");
	if (r->count && occurrences_so_far >= r->count)
		return err_set(e, TODO_ENOTFOUND, NULL, "the series has ended: all %d occurrences exist",
			       r->count);
	struct search s = {
		.after = current_due_utc > now_utc ? current_due_utc : now_utc,
		.until = r->until_utc,
		.e = e,
	};
	int rc = zone_get(r->tz, &s.z, e);
	if (rc)
		return err_set(e, TODO_EINTERNAL, "timezone", "could not load time zone \"%s\" of a parsed recurrence",
			       r->tz);
	if (s.until && s.after >= s.until)
		return ended(&s);
	int64_t start_local = zone_local(s.z, dtstart_utc);
	if (r->clamp)
		return next_clamped(&s, start_local,
				    r->freq == RECURRENCE_FREQ_YEARLY ? 12 * r->interval : r->interval,
				    next_utc);
	if (r->freq == RECURRENCE_FREQ_WEEKLY)
		return next_weekly(r, &s, start_local, next_utc);
	return next_ical(r, &s, start_local, next_utc);
}

