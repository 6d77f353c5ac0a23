/*
 * rrule.c - validating a recurrence as a client sends it (see
 * recurrence_parse in service/recurrence.h): the simple patterns, the end
 * date, and the RFC 5545 RRULE subset, into the rule the engine expands.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/civil.h"
#include "base/timeutil.h"
#include "service/recurrence.h"
#include "service/recurrence_internal.h"
#include "service/zone.h"

/* ------------------------------------------------------------------ */
/* 3. Parsing a recurrence                                            */
/* ------------------------------------------------------------------ */

static const char *const weekday_codes[7] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
static const char *const weekday_names[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};
const char *const recurrence__freq_names[5] = { "", "DAILY", "WEEKLY", "MONTHLY", "YEARLY" };

static int weekday_parse(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++) {
		if ((len == 2 && strncasecmp(s, weekday_codes[i], 2) == 0) ||
		    (len == 3 && strncasecmp(s, weekday_names[i], 3) == 0) ||
		    (len == strlen(weekday_names[i]) && strncasecmp(s, weekday_names[i], len) == 0))
			return i;
	}
	return -1;
}

/* A decimal integer of at most 9 digits, optionally signed. */
static bool int_parse(const char *s, size_t len, bool allow_sign, long *out)
{
	long sign = 1, v = 0;
	size_t i = 0;
	if (allow_sign && len > 0 && (s[0] == '+' || s[0] == '-')) {
		sign = s[0] == '-' ? -1 : 1;
		i = 1;
	}
	if (i == len || len - i > 9)
		return false;
	for (; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = sign * v;
	return true;
}

/* Fixed-width digits: s[0..n) as a number, -1 when not all digits. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The last instant of local day @y-@m-@d in @z. */
static int64_t end_of_local_day(const struct zone *z, int64_t y, int m, int d)
{
	return zone_resolve(z, (civil_days_from_date(y, m, d) + 1) * CIVIL_SECS_PER_DAY) - 1;
}

static int end_date_parse(const char *s, const struct zone *z, int64_t *until, struct err *e)
{
	char q[QUOTE_MAX + 8];
	size_t len = strlen(s);
	int64_t usec, y;
	bool is_date = false;
	enum time_parse_result r = time_parse(s, len, &usec, &is_date);
	if (r == TIME_BAD_FORM || (r == TIME_OK && !is_date))
		return err_set(e, TODO_EINVAL, "recurrence_end_date",
			       "recurrence_end_date \"%s\" is not a date in the form YYYY-MM-DD",
			       recurrence__quote(s, len, q, sizeof(q)));
	if (r != TIME_OK || strncmp(s, "1970", 4) < 0)
		return err_set(e, TODO_EINVAL, "recurrence_end_date",
			       "recurrence_end_date \"%s\" is not a valid date", s);
	int m, d;
	civil_date_from_days(civil_floor_div(usec, CIVIL_SECS_PER_DAY * 1000000), &y, &m, &d);
	*until = end_of_local_day(z, y, m, d);
	return 0;
}

/* --- RRULE --- */

enum rr_part { RR_FREQ, RR_INTERVAL, RR_COUNT, RR_UNTIL, RR_BYDAY, RR_BYMONTHDAY, RR_BYMONTH,
	       RR_NPARTS };
static const char *const rr_part_names[RR_NPARTS] = {
	"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH"
};

struct rr_parse {
	const char *src;           /* the whole rrule as given */
	const char *val[RR_NPARTS];/* each part's value, NULL when absent */
	size_t len[RR_NPARTS];
	size_t col[RR_NPARTS];     /* 1-based column of the part's name */
	const char *field;         /* the field errors name */
	struct err *e;
};

static int rr_fail(const struct rr_parse *rp, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rr_fail(const struct rr_parse *rp, size_t col, const char *fmt, ...)
{
	char why[256], q[QUOTE_MAX + 8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return err_set(rp->e, TODO_EINVAL, rp->field, "could not parse rrule \"%s\" at column %zu: %s",
		       recurrence__quote(rp->src, strlen(rp->src), q, sizeof(q)), col, why);
}

/* Column of the value of part @p. */
static size_t rr_vcol(const struct rr_parse *rp, enum rr_part p)
{
	return (size_t)(rp->val[p] - rp->src) + 1;
}

/* Call @fn on each comma-separated item of part @p, with its column. */
typedef int (*rr_item_fn)(struct rr_parse *rp, const char *s, size_t len, size_t col,
			  struct recurrence *out);

static int rr_list(struct rr_parse *rp, enum rr_part p, rr_item_fn fn, struct recurrence *out)
{
	const char *s = rp->val[p], *end = s + rp->len[p];
	while (true) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item_end = comma ? comma : end;
		size_t col = (size_t)(s - rp->src) + 1;
		if (item_end == s)
			return rr_fail(rp, col, "empty value in the %s list", rr_part_names[p]);
		int rc = fn(rp, s, (size_t)(item_end - s), col, out);
		if (rc)
			return rc;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

static int rr_byday_item(struct rr_parse *rp, const char *s, size_t len, size_t col,
			 struct recurrence *out)
{
	char q[QUOTE_MAX + 8];
	long ord = 0;
	int wd = len >= 2 ? weekday_parse(s + len - 2, 2) : -1;
	if (wd < 0 || (len > 2 && !int_parse(s, len - 2, true, &ord)))
		return rr_fail(rp, col,
			       "BYDAY value \"%s\" is not a weekday (MO..SU) with an optional ordinal such as 2MO or -1FR",
			       recurrence__quote(s, len, q, sizeof(q)));
	if (len > 2 && (ord == 0 || ord < -53 || ord > 53))
		return rr_fail(rp, col, "BYDAY value \"%s\" has an ordinal outside -53..-1 and 1..53",
			       recurrence__quote(s, len, q, sizeof(q)));
	if (ord != 0 && (out->freq == RECURRENCE_FREQ_DAILY || out->freq == RECURRENCE_FREQ_WEEKLY))
		return rr_fail(rp, col, "BYDAY value \"%s\" has an ordinal, which needs FREQ=MONTHLY or FREQ=YEARLY",
			       recurrence__quote(s, len, q, sizeof(q)));
	if (ord != 0 && (out->freq == RECURRENCE_FREQ_MONTHLY || rp->val[RR_BYMONTH]) &&
	    (ord < -5 || ord > 5))
		return rr_fail(rp, col,
			       "BYDAY value \"%s\" has an ordinal outside -5..-1 and 1..5, the most a month can hold",
			       recurrence__quote(s, len, q, sizeof(q)));
	if (ord != 0 && rp->val[RR_BYMONTHDAY])
		return rr_fail(rp, col, "BYDAY value \"%s\" has an ordinal, which cannot be combined with BYMONTHDAY",
			       recurrence__quote(s, len, q, sizeof(q)));
	for (int i = 0; i < out->n_byday; i++)
		if (out->byday[i].ordinal == ord && out->byday[i].weekday == wd)
			return 0;
	if (out->n_byday == RECURRENCE_LIST_MAX)
		return rr_fail(rp, col, "BYDAY has more than %d values", RECURRENCE_LIST_MAX);
	out->byday[out->n_byday++] = (struct recurrence_byday){ (signed char)ord, (unsigned char)wd };
	return 0;
}

static int rr_bymonthday_item(struct rr_parse *rp, const char *s, size_t len, size_t col,
			      struct recurrence *out)
{
	char q[QUOTE_MAX + 8];
	long v;
	if (!int_parse(s, len, true, &v) || v == 0 || v < -31 || v > 31)
		return rr_fail(rp, col, "BYMONTHDAY value \"%s\" is not an integer in -31..-1 or 1..31",
			       recurrence__quote(s, len, q, sizeof(q)));
	for (int i = 0; i < out->n_bymonthday; i++)
		if (out->bymonthday[i] == v)
			return 0;
	if (out->n_bymonthday == RECURRENCE_BYMONTHDAY_MAX)
		return rr_fail(rp, col, "BYMONTHDAY has more than %d values", RECURRENCE_BYMONTHDAY_MAX);
	out->bymonthday[out->n_bymonthday++] = (signed char)v;
	return 0;
}

static int rr_bymonth_item(struct rr_parse *rp, const char *s, size_t len, size_t col,
			   struct recurrence *out)
{
	char q[QUOTE_MAX + 8];
	long v;
	if (!int_parse(s, len, false, &v) || v < 1 || v > 12)
		return rr_fail(rp, col, "BYMONTH value \"%s\" is not an integer in 1..12",
			       recurrence__quote(s, len, q, sizeof(q)));
	out->bymonth |= 1u << (v - 1);
	return 0;
}

/* INTERVAL or COUNT: 1..@max. */
static int rr_positive(struct rr_parse *rp, enum rr_part p, long max, int *out)
{
	char q[QUOTE_MAX + 8];
	long v;
	if (!int_parse(rp->val[p], rp->len[p], false, &v) || v < 1 || v > max)
		return rr_fail(rp, rr_vcol(rp, p), "%s \"%s\" is not an integer in 1..%ld",
			       rr_part_names[p], recurrence__quote(rp->val[p], rp->len[p], q, sizeof(q)), max);
	*out = (int)v;
	return 0;
}

/* UNTIL: DATE (to the end of that local day), local DATE-TIME, or UTC
 * DATE-TIME with a trailing Z. */
static int rr_until(struct rr_parse *rp, const struct zone *z, struct recurrence *out)
{
	char q[QUOTE_MAX + 8];
	const char *s = rp->val[RR_UNTIL];
	size_t len = rp->len[RR_UNTIL];
	struct civil_time c = { 0 };
	bool ok = len == 8 || ((len == 15 || (len == 16 && toupper((unsigned char)s[15]) == 'Z')) &&
			       toupper((unsigned char)s[8]) == 'T');
	if (ok) {
		c.year = digits(s, 4);
		c.month = digits(s + 4, 2);
		c.day = digits(s + 6, 2);
		if (len > 8) {
			c.hour = digits(s + 9, 2);
			c.minute = digits(s + 11, 2);
			c.second = digits(s + 13, 2);
		}
		ok = civil_valid(&c) && c.year >= 1970;
	}
	if (!ok)
		return rr_fail(rp, rr_vcol(rp, RR_UNTIL),
			       "UNTIL \"%s\" is not a valid DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS, optionally with Z)",
			       recurrence__quote(s, len, q, sizeof(q)));
	if (len == 8)
		out->until_utc = end_of_local_day(z, c.year, c.month, c.day);
	else if (len == 16)
		out->until_utc = civil_to_secs(&c);
	else
		out->until_utc = zone_resolve(z, civil_to_secs(&c));
	return 0;
}

/* Split "NAME=VALUE;..." into @rp; columns count from the start of the
 * string as the client sent it, "RRULE:" prefix included. */
static int rr_split(struct rr_parse *rp)
{
	const char *s = rp->src;
	size_t len = strlen(s), pos = 0;
	char q[QUOTE_MAX + 8];
	if (len >= 6 && strncasecmp(s, "RRULE:", 6) == 0)
		pos = 6;
	while (true) {
		const char *part = s + pos;
		const char *semi = memchr(part, ';', len - pos);
		size_t plen = semi ? (size_t)(semi - part) : len - pos;
		if (plen == 0)
			return rr_fail(rp, pos + 1, "empty rule part");
		const char *eq = memchr(part, '=', plen);
		if (!eq)
			return rr_fail(rp, pos + 1, "rule part \"%s\" is not of the form NAME=VALUE",
				       recurrence__quote(part, plen, q, sizeof(q)));
		size_t nlen = (size_t)(eq - part);
		int p = 0;
		while (p < RR_NPARTS && !(strlen(rr_part_names[p]) == nlen &&
					  strncasecmp(part, rr_part_names[p], nlen) == 0))
			p++;
		if (p == RR_NPARTS)
			return rr_fail(rp, pos + 1,
				       "rule part \"%s\" is not supported (use FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT or UNTIL)",
				       recurrence__quote(part, nlen, q, sizeof(q)));
		if (rp->val[p])
			return rr_fail(rp, pos + 1, "%s appears more than once", rr_part_names[p]);
		rp->val[p] = eq + 1;
		rp->len[p] = plen - nlen - 1;
		rp->col[p] = pos + 1;
		if (rp->len[p] == 0)
			return rr_fail(rp, pos + nlen + 2, "%s has no value", rr_part_names[p]);
		if (!semi)
			return 0;
		pos += plen + 1;
	}
}

static int cmp_byday(const void *a, const void *b)
{
	const struct recurrence_byday *x = a, *y = b;
	if (x->weekday != y->weekday)
		return x->weekday - y->weekday;
	return x->ordinal - y->ordinal;
}

static int cmp_schar(const void *a, const void *b)
{
	return *(const signed char *)a - *(const signed char *)b;
}

/* The canonical RRULE text of @r (malloc'd); @until is the UNTIL value as
 * given, upper-cased, or NULL. */
static char *rr_canonical(const struct recurrence *r, const char *until, size_t until_len)
{
	char buf[2048];
	size_t o = 0;
#define PUT(...) (o += (size_t)snprintf(buf + o, sizeof(buf) - o, __VA_ARGS__))
	PUT("FREQ=%s", recurrence__freq_names[r->freq]);
	if (r->interval > 1)
		PUT(";INTERVAL=%d", r->interval);
	if (r->bymonth) {
		PUT(";BYMONTH=");
		for (int m = 1, first = 1; m <= 12; m++)
			if (r->bymonth & (1u << (m - 1))) {
				PUT("%s%d", first ? "" : ",", m);
				first = 0;
			}
	}
	for (int i = 0; i < r->n_bymonthday; i++)
		PUT("%s%d", i ? "," : ";BYMONTHDAY=", r->bymonthday[i]);
	for (int i = 0; i < r->n_byday; i++) {
		PUT("%s", i ? "," : ";BYDAY=");
		if (r->byday[i].ordinal)
			PUT("%d", r->byday[i].ordinal);
		PUT("%s", weekday_codes[r->byday[i].weekday]);
	}
	if (r->count)
		PUT(";COUNT=%d", r->count);
	if (until) {
		PUT(";UNTIL=");
		for (size_t i = 0; i < until_len; i++)
			PUT("%c", toupper((unsigned char)until[i]));
	}
#undef PUT
	return xstrdup(buf);
}

/* The field that errors about @in->rrule name. */
static const char *rrule_field(const struct recurrence_spec *in)
{
	return in->rrule_field ? in->rrule_field : "rrule";
}

static int rrule_parse(const char *src, const char *field, const struct zone *z,
		       struct recurrence *out, struct err *e)
{
	struct rr_parse rp = { .src = src, .field = field, .e = e };
	char q[QUOTE_MAX + 8];
	size_t len = strlen(src);
	if (len == 0)
		return err_set(e, TODO_EINVAL, field, "rrule must not be empty");
	if (len > RECURRENCE_RRULE_MAX)
		return err_set(e, TODO_EINVAL, field, "rrule is too long: %zu bytes, at most %d allowed",
			       len, RECURRENCE_RRULE_MAX);
	int rc = rr_split(&rp);
	if (rc)
		return rc;
	if (!rp.val[RR_FREQ])
		return rr_fail(&rp, 1, "FREQ is required");
	for (int f = RECURRENCE_FREQ_DAILY; f <= RECURRENCE_FREQ_YEARLY; f++)
		if (strlen(recurrence__freq_names[f]) == rp.len[RR_FREQ] &&
		    strncasecmp(rp.val[RR_FREQ], recurrence__freq_names[f], rp.len[RR_FREQ]) == 0)
			out->freq = (enum recurrence_freq)f;
	if (out->freq == RECURRENCE_FREQ_NONE)
		return rr_fail(&rp, rr_vcol(&rp, RR_FREQ), "FREQ \"%s\" is not one of DAILY, WEEKLY, MONTHLY, YEARLY",
			       recurrence__quote(rp.val[RR_FREQ], rp.len[RR_FREQ], q, sizeof(q)));
	if (rp.val[RR_INTERVAL] && (rc = rr_positive(&rp, RR_INTERVAL, RECURRENCE_INTERVAL_MAX,
						     &out->interval)))
		return rc;
	if (rp.val[RR_COUNT] && rp.val[RR_UNTIL])
		return rr_fail(&rp, rp.col[RR_COUNT] > rp.col[RR_UNTIL] ? rp.col[RR_COUNT] : rp.col[RR_UNTIL],
			       "COUNT and UNTIL cannot both be given");
	if (rp.val[RR_COUNT] && (rc = rr_positive(&rp, RR_COUNT, RECURRENCE_COUNT_MAX, &out->count)))
		return rc;
	if (rp.val[RR_UNTIL] && (rc = rr_until(&rp, z, out)))
		return rc;
	if (rp.val[RR_BYMONTH] && (rc = rr_list(&rp, RR_BYMONTH, rr_bymonth_item, out)))
		return rc;
	if (rp.val[RR_BYMONTHDAY]) {
		if (out->freq == RECURRENCE_FREQ_WEEKLY)
			return rr_fail(&rp, rp.col[RR_BYMONTHDAY], "BYMONTHDAY cannot be used with FREQ=WEEKLY");
		if ((rc = rr_list(&rp, RR_BYMONTHDAY, rr_bymonthday_item, out)))
			return rc;
		/* A day no month of BYMONTH has would make an empty series. */
		bool possible = !out->bymonth;
		for (int m = 1; !possible && m <= 12; m++)
			for (int i = 0; (out->bymonth & (1u << (m - 1))) && i < out->n_bymonthday; i++)
				possible |= abs(out->bymonthday[i]) <= civil_days_in_month(2000, m);
		if (!possible)
			return rr_fail(&rp, rp.col[RR_BYMONTHDAY],
				       "no month of BYMONTH has any day of BYMONTHDAY");
	}
	if (rp.val[RR_BYDAY] && (rc = rr_list(&rp, RR_BYDAY, rr_byday_item, out)))
		return rc;
	qsort(out->byday, (size_t)out->n_byday, sizeof(out->byday[0]), cmp_byday);
	qsort(out->bymonthday, (size_t)out->n_bymonthday, 1, cmp_schar);
	out->clamp = (out->freq == RECURRENCE_FREQ_MONTHLY || out->freq == RECURRENCE_FREQ_YEARLY) &&
		     !out->n_byday && !out->n_bymonthday && !out->bymonth;
	out->pattern = RECURRENCE_RRULE;
	out->rrule = rr_canonical(out, rp.val[RR_UNTIL], rp.len[RR_UNTIL]);
	return 0;
}

static int pattern_parse(const char *s, enum recurrence_pattern *p, struct err *e)
{
	static const char *const names[] = {
		[RECURRENCE_NONE] = "none", [RECURRENCE_DAILY] = "daily",
		[RECURRENCE_WEEKLY] = "weekly", [RECURRENCE_MONTHLY] = "monthly",
		[RECURRENCE_YEARLY] = "yearly", [RECURRENCE_RRULE] = "custom",
	};
	char q[QUOTE_MAX + 8];
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(s, names[i]) == 0) {
			*p = (enum recurrence_pattern)i;
			return 0;
		}
	return err_set(e, TODO_EINVAL, "recurrence_pattern",
		       "recurrence_pattern \"%s\" is not one of none, daily, weekly, monthly, yearly, custom",
		       recurrence__quote(s, strlen(s), q, sizeof(q)));
}

/* The simple patterns: interval and weekdays into the rule of @out. */
static int simple_parse(const struct recurrence_spec *in, struct recurrence *out, struct err *e)
{
	char q[QUOTE_MAX + 8];
	if (in->has_interval) {
		if (in->interval < 1 || in->interval > RECURRENCE_INTERVAL_MAX)
			return err_set(e, TODO_EINVAL, "recurrence_interval",
				       "recurrence_interval %lld is out of range: must be between 1 and %d",
				       in->interval, RECURRENCE_INTERVAL_MAX);
		out->interval = (int)in->interval;
	}
	if (in->has_weekdays) {
		if (out->pattern != RECURRENCE_WEEKLY)
			return err_set(e, TODO_EINVAL, "recurrence_weekdays",
				       "recurrence_weekdays needs recurrence_pattern \"weekly\"");
		if (in->weekdays ? in->n_weekdays == 0 : in->weekdays_mask == 0)
			return err_set(e, TODO_EINVAL, "recurrence_weekdays",
				       "recurrence_weekdays must name at least one day");
		if (!in->weekdays && in->weekdays_mask > 0x7f)
			return err_set(e, TODO_EINVAL, "recurrence_weekdays",
				       "recurrence_weekdays mask 0x%x has bits beyond Sunday (0x40)",
				       in->weekdays_mask);
		if (!in->weekdays)
			out->weekdays = in->weekdays_mask;
		for (size_t i = 0; in->weekdays && i < in->n_weekdays; i++) {
			const char *w = in->weekdays[i] ? in->weekdays[i] : "";
			int wd = weekday_parse(w, strlen(w));
			if (wd < 0)
				return err_set(e, TODO_EINVAL, "recurrence_weekdays",
					       "recurrence_weekdays value \"%s\" is not a day of the week",
					       recurrence__quote(w, strlen(w), q, sizeof(q)));
			out->weekdays |= 1u << wd;
		}
		for (int wd = 0; wd < 7; wd++)
			if (out->weekdays & (1u << wd))
				out->byday[out->n_byday++] = (struct recurrence_byday){ 0, (unsigned char)wd };
	}
	static const enum recurrence_freq freq[] = {
		[RECURRENCE_DAILY] = RECURRENCE_FREQ_DAILY,
		[RECURRENCE_WEEKLY] = RECURRENCE_FREQ_WEEKLY,
		[RECURRENCE_MONTHLY] = RECURRENCE_FREQ_MONTHLY,
		[RECURRENCE_YEARLY] = RECURRENCE_FREQ_YEARLY,
	};
	out->freq = freq[out->pattern];
	out->clamp = out->pattern == RECURRENCE_MONTHLY || out->pattern == RECURRENCE_YEARLY;
	return 0;
}

void recurrence_release(struct recurrence *r)
{
	free(r->rrule);
	memset(r, 0, sizeof(*r));
	r->interval = 1;
	strcpy(r->tz, "UTC");
}

int recurrence_parse(const struct recurrence_spec *in, struct recurrence *out, struct err *e)
{
	char q[QUOTE_MAX + 8];
	const struct zone *z = zone_utc();
	int rc;
	memset(out, 0, sizeof(*out));
	recurrence_release(out);
	if (in->timezone) {
		if ((rc = zone_get(in->timezone, &z, e)))
			goto out_release;
		snprintf(out->tz, sizeof(out->tz), "%s", in->timezone);
	}
	if (in->pattern && (rc = pattern_parse(in->pattern, &out->pattern, e)))
		goto out_release;
	if (out->pattern == RECURRENCE_RRULE && !in->rrule) {
		rc = err_set(e, TODO_EINVAL, "recurrence_pattern",
			     "recurrence_pattern \"custom\" needs an rrule");
		goto out_release;
	}
	if (in->rrule) {
		rc = TODO_EINVAL;
		if (in->pattern && out->pattern != RECURRENCE_RRULE) {
			err_set(e, rc, rrule_field(in), "rrule cannot be combined with recurrence_pattern \"%s\"",
				recurrence__quote(in->pattern, strlen(in->pattern), q, sizeof(q)));
			goto out_release;
		}
		if (in->has_interval) {
			err_set(e, rc, "recurrence_interval",
				"recurrence_interval cannot be combined with rrule (use INTERVAL)");
			goto out_release;
		}
		if (in->has_weekdays) {
			err_set(e, rc, "recurrence_weekdays",
				"recurrence_weekdays cannot be combined with rrule (use BYDAY)");
			goto out_release;
		}
		if ((rc = rrule_parse(in->rrule, rrule_field(in), z, out, e)))
			goto out_release;
	} else if (out->pattern == RECURRENCE_NONE) {
		const char *field = in->has_interval ? "recurrence_interval" :
				    in->has_weekdays ? "recurrence_weekdays" :
				    in->end_date ? "recurrence_end_date" : NULL;
		if (field) {
			rc = err_set(e, TODO_EINVAL, field, "%s needs a recurrence_pattern other than none or an rrule",
				     field);
			goto out_release;
		}
		return 0;
	} else if ((rc = simple_parse(in, out, e))) {
		goto out_release;
	}
	if (in->end_date) {
		if (out->count || out->until_utc) {
			rc = err_set(e, TODO_EINVAL, "recurrence_end_date",
				     "recurrence_end_date cannot be combined with an rrule that has COUNT or UNTIL");
			goto out_release;
		}
		if ((rc = end_date_parse(in->end_date, z, &out->until_utc, e)))
			goto out_release;
	}
	if (in->has_dtstart && out->until_utc) {
		if (in->dtstart_utc < RECURRENCE_TIME_MIN || in->dtstart_utc > RECURRENCE_TIME_MAX) {
			rc = err_set(e, TODO_EINVAL, NULL, "series start %" PRId64 " is out of range",
				     in->dtstart_utc);
			goto out_release;
		}
		if (out->until_utc < in->dtstart_utc) {
			struct civil_time c;
			civil_from_secs(zone_local(z, in->dtstart_utc), &c);
			if (in->end_date)
				rc = err_set(e, TODO_EINVAL, "recurrence_end_date",
					     "recurrence_end_date \"%s\" is before the series start %04d-%02d-%02d",
					     in->end_date, c.year, c.month, c.day);
			else
				rc = err_set(e, TODO_EINVAL, rrule_field(in),
					     "rrule UNTIL of \"%s\" is before the series start %04d-%02d-%02dT%02d:%02d:%02d",
					     out->rrule, c.year, c.month, c.day, c.hour, c.minute, c.second);
			goto out_release;
		}
	}
	return 0;
out_release:
	recurrence_release(out);
	return rc;
}

