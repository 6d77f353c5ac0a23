/*
 * recurrence.c - validation and expansion of recurring-task series.
 *
 * Three parts, in reading order:
 *   1. civil (proleptic Gregorian) date arithmetic on int64 seconds;
 *   2. time zones: a reader of the system TZif files (RFC 8536, with the
 *      POSIX TZ footer for instants past the last stored transition) and
 *      the wall-time -> UTC resolution with the gap and overlap rules;
 *   3. the spec parser (patterns, RRULE);
 *   4. the engine. Daily rules and monthly / yearly rules with BY* parts
 *      are expanded by libical on floating wall times; weekly series are
 *      expanded here (see next_weekly), and so are the clamped monthly and
 *      yearly series, because RFC 5545 (and libical) would skip the months
 *      that lack the anchor day.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libical/ical.h>

#include "base/alloc.h"
#include "service/recurrence.h"

#define SECS_PER_DAY INT64_C(86400)
#define TZIF_MAX_BYTES (1 << 20)
#define UTOFF_LIMIT (26 * 3600)
#define QUOTE_MAX 120

/* ------------------------------------------------------------------ */
/* 1. Civil date arithmetic                                           */
/* ------------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * algorithm, exact over the whole int64 range we use). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Sunday .. 6 = Saturday. */
static int weekday_sun0(int64_t days)
{
	return (int)(((days % 7) + 11) % 7);
}

static int64_t civil_to_secs(const struct recurrence_civil *c)
{
	return days_from_civil(c->year, c->month, c->day) * SECS_PER_DAY +
	       c->hour * 3600 + c->minute * 60 + c->second;
}

static void secs_to_civil(int64_t s, struct recurrence_civil *c)
{
	int64_t days = floor_div(s, SECS_PER_DAY), rem = s - days * SECS_PER_DAY, y;
	civil_from_days(days, &y, &c->month, &c->day);
	c->year = (int)y;
	c->hour = (int)(rem / 3600);
	c->minute = (int)(rem / 60 % 60);
	c->second = (int)(rem % 60);
}

static bool civil_valid(const struct recurrence_civil *c)
{
	return c->year >= 1 && c->year <= 9999 && c->month >= 1 && c->month <= 12 &&
	       c->day >= 1 && c->day <= days_in_month(c->year, c->month) &&
	       c->hour >= 0 && c->hour <= 23 && c->minute >= 0 && c->minute <= 59 &&
	       c->second >= 0 && c->second <= 59;
}

/* "2026-03-08T07:30:00Z" into @buf (at least 32 bytes). */
static const char *fmt_utc(int64_t t, char *buf, size_t n)
{
	struct recurrence_civil c;
	secs_to_civil(t, &c);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour,
		 c.minute, c.second);
	return buf;
}

/* A client value for an error message: printable ASCII kept, anything
 * else shown as '?', long values cut with "...". */
static const char *quote(const char *s, size_t len, char *buf, size_t n)
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
/* 2. Time zones                                                      */
/* ------------------------------------------------------------------ */

/* A POSIX TZ rule date: Jn (1..365, Feb 29 never counted), n (0..365) or
 * Mm.w.d, and the local time of day of the change in seconds. */
struct tz_rule {
	char kind;                 /* 'J', 'N' or 'M' */
	int n, m, w, d;
	int32_t secs;
};

struct zone {
	struct zone *next;         /* the cache list */
	char name[RECURRENCE_TZ_MAX];
	size_t timecnt;
	int64_t *trans;            /* transition instants, ascending */
	uint8_t *trans_type;       /* index into utoff per transition */
	size_t typecnt;
	int32_t *utoff;            /* UT offset per local time type */
	bool has_footer;           /* the TZ string rules after the last transition */
	bool has_dst;
	int32_t std_off, dst_off;  /* east positive */
	struct tz_rule start, end; /* local-time changes to and from DST */
};

static int32_t utc_utoff[1] = { 0 };
static struct zone utc_zone = { .name = "UTC", .typecnt = 1, .utoff = utc_utoff };

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct zone *cache;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* --- POSIX TZ strings (the TZif footer) --- */

static const char *tz_name(const char *s)
{
	const char *q = s;
	if (*s == '<') {
		q = strchr(s, '>');
		return q && q - s >= 4 ? q + 1 : NULL;
	}
	while (isalpha((unsigned char)*q))
		q++;
	return q - s >= 3 ? q : NULL;
}

static const char *tz_num(const char *s, int lo, int hi, int *out)
{
	int v = 0, nd = 0;
	while (isdigit((unsigned char)*s) && nd < 4) {
		v = v * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0 || isdigit((unsigned char)*s) || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

/* [+-]hh[:mm[:ss]] with hh up to @max_hours. */
static const char *tz_hms(const char *s, int max_hours, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!(s = tz_num(s, 0, max_hours, &h)))
		return NULL;
	if (*s == ':') {
		if (!(s = tz_num(s + 1, 0, 59, &m)))
			return NULL;
		if (*s == ':' && !(s = tz_num(s + 1, 0, 59, &sec)))
			return NULL;
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *tz_rule(const char *s, struct tz_rule *r)
{
	r->secs = 2 * 3600;
	if (*s == 'J') {
		r->kind = 'J';
		s = tz_num(s + 1, 1, 365, &r->n);
	} else if (*s == 'M') {
		r->kind = 'M';
		if ((s = tz_num(s + 1, 1, 12, &r->m)) && *s == '.' &&
		    (s = tz_num(s + 1, 1, 5, &r->w)) && *s == '.')
			s = tz_num(s + 1, 0, 6, &r->d);
		else
			s = NULL;
	} else {
		r->kind = 'N';
		s = tz_num(s, 0, 365, &r->n);
	}
	if (s && *s == '/')
		s = tz_hms(s + 1, 167, &r->secs);  /* RFC 8536 allows -167..167 hours */
	return s;
}

static bool tz_parse_posix(const char *s, struct zone *z)
{
	int32_t off;
	if (!(s = tz_name(s)) || !(s = tz_hms(s, 24, &off)))
		return false;
	z->has_footer = true;
	z->std_off = -off;        /* POSIX offsets are positive west */
	if (*s == '\0')
		return true;
	if (!(s = tz_name(s)))
		return false;
	z->has_dst = true;
	z->dst_off = z->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if (!(s = tz_hms(s, 24, &off)))
			return false;
		z->dst_off = -off;
	}
	if (*s == '\0') {
		/* POSIX leaves the default rules to the implementation; tzcode
		 * uses the US rules. */
		z->start = (struct tz_rule){ .kind = 'M', .m = 3, .w = 2, .d = 0, .secs = 7200 };
		z->end = (struct tz_rule){ .kind = 'M', .m = 11, .w = 1, .d = 0, .secs = 7200 };
		return true;
	}
	if (*s != ',' || !(s = tz_rule(s + 1, &z->start)) || *s != ',' ||
	    !(s = tz_rule(s + 1, &z->end)))
		return false;
	return *s == '\0';
}

/* The local date (days since the epoch) a rule names in year @y. */
static int64_t tz_rule_day(const struct tz_rule *r, int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1);
	switch (r->kind) {
	case 'J':
		return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
	case 'N':
		return jan1 + r->n;
	default: {
		int64_t first = days_from_civil(y, r->m, 1);
		int64_t day = (r->d - weekday_sun0(first) + 7) % 7 + (int64_t)(r->w - 1) * 7;
		while (day >= days_in_month(y, r->m))
			day -= 7;
		return first + day;
	}
	}
}

static int32_t tz_footer_offset(const struct zone *z, int64_t t)
{
	if (!z->has_dst)
		return z->std_off;
	int64_t y, best = INT64_MIN;
	int m, d;
	bool dst = false;
	civil_from_days(floor_div(t + z->std_off, SECS_PER_DAY), &y, &m, &d);
	/* The latest change at or before t among the neighbouring years; at a
	 * tie (DST all year round, e.g. "J1/0,J365/25") DST wins. */
	for (int64_t yy = y - 1; yy <= y + 1; yy++) {
		int64_t to_std = tz_rule_day(&z->end, yy) * SECS_PER_DAY + z->end.secs - z->dst_off;
		int64_t to_dst = tz_rule_day(&z->start, yy) * SECS_PER_DAY + z->start.secs - z->std_off;
		if (to_std <= t && to_std > best) {
			best = to_std;
			dst = false;
		}
		if (to_dst <= t && to_dst >= best) {
			best = to_dst;
			dst = true;
		}
	}
	return dst ? z->dst_off : z->std_off;
}

/* The UT offset of @z at instant @t. */
static int32_t zone_offset_at(const struct zone *z, int64_t t)
{
	if (z->timecnt == 0)
		return z->has_footer ? tz_footer_offset(z, t) : z->utoff[0];
	if (t < z->trans[0])
		return z->utoff[0];   /* RFC 8536: type 0 before the first transition */
	if (t >= z->trans[z->timecnt - 1] && z->has_footer)
		return tz_footer_offset(z, t);
	size_t lo = 0, hi = z->timecnt;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->utoff[z->trans_type[lo]];
}

/* The UTC instant of wall time @local (seconds as if the wall clock were
 * UTC). The offsets a day before and after stand for the two sides of any
 * transition near @local (zones do not change twice within two days). */
static int64_t zone_resolve(const struct zone *z, int64_t local)
{
	int32_t before = zone_offset_at(z, local - SECS_PER_DAY);
	int32_t after = zone_offset_at(z, local + SECS_PER_DAY);
	int64_t u1 = local - before, u2 = local - after;
	bool ok1 = zone_offset_at(z, u1) == before, ok2 = zone_offset_at(z, u2) == after;
	if (ok1 && ok2)
		return u1 < u2 ? u1 : u2;     /* overlap: the first of the two */
	if (ok2)
		return u2;
	/* In a gap, keeping the offset from before it moves the wall time
	 * forward by the gap's length. */
	return u1;
}

static int64_t zone_local(const struct zone *z, int64_t utc)
{
	return utc + zone_offset_at(z, utc);
}

/* --- TZif files --- */

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static bool tzif_header(const unsigned char *p, size_t len, struct tzif_counts *c, char *version)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	*version = (char)p[4];
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	return true;
}

static uint64_t tzif_block_size(const struct tzif_counts *c, unsigned tsize)
{
	return (uint64_t)c->time * (tsize + 1) + (uint64_t)c->type * 6 + c->chars +
	       (uint64_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static void zone_free(struct zone *z)
{
	if (!z || z == &utc_zone)
		return;
	free(z->trans);
	free(z->trans_type);
	free(z->utoff);
	free(z);
}

/* Parse TZif data into @z (zeroed); false when malformed or unsupported
 * (leap seconds: the "right/" zones count them, we need POSIX time). */
static bool tzif_parse(const unsigned char *buf, size_t len, struct zone *z)
{
	struct tzif_counts c;
	char version;
	size_t off = 44;
	unsigned tsize = 4;
	if (!tzif_header(buf, len, &c, &version))
		return false;
	if (version >= '2') {
		uint64_t skip = tzif_block_size(&c, 4);
		if (skip > len - off)
			return false;
		off += (size_t)skip;
		if (!tzif_header(buf + off, len - off, &c, &version))
			return false;
		off += 44;
		tsize = 8;
	}
	uint64_t block = tzif_block_size(&c, tsize);
	if (block > len - off || c.type == 0 || c.type > 256 || c.leap != 0)
		return false;
	const unsigned char *p = buf + off;
	z->timecnt = c.time;
	z->typecnt = c.type;
	z->trans = xcalloc(c.time ? c.time : 1, sizeof(*z->trans));
	z->trans_type = xcalloc(c.time ? c.time : 1, 1);
	z->utoff = xcalloc(c.type, sizeof(*z->utoff));
	for (size_t i = 0; i < c.time; i++, p += tsize) {
		z->trans[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return false;
	}
	for (size_t i = 0; i < c.time; i++) {
		z->trans_type[i] = *p++;
		if (z->trans_type[i] >= c.type)
			return false;
	}
	for (size_t i = 0; i < c.type; i++, p += 6) {
		z->utoff[i] = (int32_t)be32(p);
		if (z->utoff[i] <= -UTOFF_LIMIT || z->utoff[i] >= UTOFF_LIMIT)
			return false;
	}
	if (tsize == 4)
		return true;   /* version 1: no footer */
	/* The footer: "\n" TZ-string "\n". */
	const char *f = (const char *)buf + off + block;
	size_t flen = len - off - (size_t)block;
	const char *nl = flen > 1 && f[0] == '\n' ? memchr(f + 1, '\n', flen - 1) : NULL;
	if (!nl)
		return false;
	size_t tzlen = (size_t)(nl - f - 1);
	if (tzlen == 0)
		return true;
	char tz[128];
	if (tzlen >= sizeof(tz))
		return false;
	memcpy(tz, f + 1, tzlen);
	tz[tzlen] = '\0';
	return tz_parse_posix(tz, z);
}

static int zone_unknown(const char *name, struct err *e)
{
	char q[QUOTE_MAX + 8];
	return err_set(e, TODO_EINVAL, "timezone", "unknown timezone \"%s\"",
		       quote(name, strlen(name), q, sizeof(q)));
}

/* Load zone @name from the database into a new *@out. */
static int zone_load(const char *name, struct zone **out, struct err *e)
{
	char path[sizeof(RECURRENCE_ZONEINFO_DIR) + RECURRENCE_TZ_MAX + 1];
	snprintf(path, sizeof(path), "%s/%s", RECURRENCE_ZONEINFO_DIR, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		struct stat st;
		if ((errno == ENOENT || errno == ENOTDIR) && stat(RECURRENCE_ZONEINFO_DIR, &st) == 0)
			return zone_unknown(name, e);
		return err_set(e, TODO_EINTERNAL, "timezone", "could not open time zone file \"%s\": %s",
			       path, strerror(errno));
	}
	int rc = 0;
	struct stat st;
	unsigned char *buf = NULL;
	struct zone *z = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TZIF_MAX_BYTES) {
		rc = zone_unknown(name, e);
		goto out_close;
	}
	size_t len = (size_t)st.st_size, got = 0;
	buf = xmalloc(len ? len : 1);
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = err_set(e, TODO_EINTERNAL, "timezone", "could not read time zone file \"%s\"",
				     path);
			goto out_free_buf;
		}
		got += (size_t)n;
	}
	z = xcalloc(1, sizeof(*z));
	if (!tzif_parse(buf, len, z)) {
		zone_free(z);
		rc = zone_unknown(name, e);
		goto out_free_buf;
	}
	snprintf(z->name, sizeof(z->name), "%s", name);
	*out = z;
out_free_buf:
	free(buf);
out_close:
	close(fd);
	return rc;
}

/* An IANA name: components of [A-Za-z0-9_+-.] not starting with '.', no
 * leading '/', and none of the files of the database that are not zones
 * or depend on the machine. */
static int zone_name_check(const char *name, struct err *e)
{
	char q[QUOTE_MAX + 8];
	size_t len = strlen(name);
	if (len == 0)
		return err_set(e, TODO_EINVAL, "timezone", "timezone must not be empty");
	if (len >= RECURRENCE_TZ_MAX)
		return err_set(e, TODO_EINVAL, "timezone",
			       "timezone is too long: %zu bytes, at most %d allowed", len,
			       RECURRENCE_TZ_MAX - 1);
	bool ok = strcmp(name, "localtime") != 0 && strcmp(name, "posixrules") != 0 &&
		  strncmp(name, "posix/", 6) != 0 && strncmp(name, "right/", 6) != 0;
	for (const char *p = name; ok && *p; p++) {
		bool comp_start = p == name || p[-1] == '/';
		if (*p == '/')
			ok = !comp_start && p[1] != '\0';
		else if (*p == '.')
			ok = !comp_start;
		else
			ok = isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '+';
	}
	if (!ok)
		return err_set(e, TODO_EINVAL, "timezone",
			       "timezone \"%s\" is not a valid IANA time zone name",
			       quote(name, len, q, sizeof(q)));
	return 0;
}

/* The cached zone @name, loading it on first use. The zone lives until
 * recurrence_cache_release. */
static int zone_get(const char *name, const struct zone **out, struct err *e)
{
	if (strcmp(name, "UTC") == 0) {
		*out = &utc_zone;
		return 0;
	}
	int rc = zone_name_check(name, e);
	if (rc)
		return rc;
	pthread_mutex_lock(&cache_lock);
	struct zone *z = cache;
	while (z && strcmp(z->name, name) != 0)
		z = z->next;
	if (!z && (rc = zone_load(name, &z, e)) == 0) {
		z->next = cache;
		cache = z;
	}
	pthread_mutex_unlock(&cache_lock);
	if (rc == 0)
		*out = z;
	return rc;
}

void recurrence_cache_release(void)
{
	pthread_mutex_lock(&cache_lock);
	while (cache) {
		struct zone *z = cache;
		cache = z->next;
		zone_free(z);
	}
	pthread_mutex_unlock(&cache_lock);
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

int recurrence_zone_resolve(const char *tz, const struct recurrence_civil *local, int64_t *utc,
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
/* 3. Parsing a recurrence                                            */
/* ------------------------------------------------------------------ */

static const char *const weekday_codes[7] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
static const char *const weekday_names[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};
static const char *const freq_names[] = { "", "DAILY", "WEEKLY", "MONTHLY", "YEARLY" };

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
	return zone_resolve(z, (days_from_civil(y, m, d) + 1) * SECS_PER_DAY) - 1;
}

static int end_date_parse(const char *s, const struct zone *z, int64_t *until, struct err *e)
{
	char q[QUOTE_MAX + 8];
	size_t len = strlen(s);
	int y = -1, m = -1, d = -1;
	if (len == 10 && s[4] == '-' && s[7] == '-') {
		y = digits(s, 4);
		m = digits(s + 5, 2);
		d = digits(s + 8, 2);
	}
	if (y < 0 || m < 0 || d < 0)
		return err_set(e, TODO_EINVAL, "recurrence_end_date",
			       "recurrence_end_date \"%s\" is not a date in the form YYYY-MM-DD",
			       quote(s, len, q, sizeof(q)));
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return err_set(e, TODO_EINVAL, "recurrence_end_date",
			       "recurrence_end_date \"%s\" is not a valid date", s);
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
	return err_set(rp->e, TODO_EINVAL, "rrule", "could not parse rrule \"%s\" at column %zu: %s",
		       quote(rp->src, strlen(rp->src), q, sizeof(q)), col, why);
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
			       quote(s, len, q, sizeof(q)));
	if (len > 2 && (ord == 0 || ord < -53 || ord > 53))
		return rr_fail(rp, col, "BYDAY value \"%s\" has an ordinal outside -53..-1 and 1..53",
			       quote(s, len, q, sizeof(q)));
	if (ord != 0 && (out->freq == RECURRENCE_FREQ_DAILY || out->freq == RECURRENCE_FREQ_WEEKLY))
		return rr_fail(rp, col, "BYDAY value \"%s\" has an ordinal, which needs FREQ=MONTHLY or FREQ=YEARLY",
			       quote(s, len, q, sizeof(q)));
	if (ord != 0 && (out->freq == RECURRENCE_FREQ_MONTHLY || rp->val[RR_BYMONTH]) &&
	    (ord < -5 || ord > 5))
		return rr_fail(rp, col,
			       "BYDAY value \"%s\" has an ordinal outside -5..-1 and 1..5, the most a month can hold",
			       quote(s, len, q, sizeof(q)));
	if (ord != 0 && rp->val[RR_BYMONTHDAY])
		return rr_fail(rp, col, "BYDAY value \"%s\" has an ordinal, which cannot be combined with BYMONTHDAY",
			       quote(s, len, q, sizeof(q)));
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
			       quote(s, len, q, sizeof(q)));
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
			       quote(s, len, q, sizeof(q)));
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
			       rr_part_names[p], quote(rp->val[p], rp->len[p], q, sizeof(q)), max);
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
	struct recurrence_civil c = { 0 };
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
			       quote(s, len, q, sizeof(q)));
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
				       quote(part, plen, q, sizeof(q)));
		size_t nlen = (size_t)(eq - part);
		int p = 0;
		while (p < RR_NPARTS && !(strlen(rr_part_names[p]) == nlen &&
					  strncasecmp(part, rr_part_names[p], nlen) == 0))
			p++;
		if (p == RR_NPARTS)
			return rr_fail(rp, pos + 1,
				       "rule part \"%s\" is not supported (use FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT or UNTIL)",
				       quote(part, nlen, q, sizeof(q)));
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
	PUT("FREQ=%s", freq_names[r->freq]);
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

static int rrule_parse(const char *src, const struct zone *z, struct recurrence *out,
		       struct err *e)
{
	struct rr_parse rp = { .src = src, .e = e };
	char q[QUOTE_MAX + 8];
	size_t len = strlen(src);
	if (len == 0)
		return err_set(e, TODO_EINVAL, "rrule", "rrule must not be empty");
	if (len > RECURRENCE_RRULE_MAX)
		return err_set(e, TODO_EINVAL, "rrule", "rrule is too long: %zu bytes, at most %d allowed",
			       len, RECURRENCE_RRULE_MAX);
	int rc = rr_split(&rp);
	if (rc)
		return rc;
	if (!rp.val[RR_FREQ])
		return rr_fail(&rp, 1, "FREQ is required");
	for (int f = RECURRENCE_FREQ_DAILY; f <= RECURRENCE_FREQ_YEARLY; f++)
		if (strlen(freq_names[f]) == rp.len[RR_FREQ] &&
		    strncasecmp(rp.val[RR_FREQ], freq_names[f], rp.len[RR_FREQ]) == 0)
			out->freq = (enum recurrence_freq)f;
	if (out->freq == RECURRENCE_FREQ_NONE)
		return rr_fail(&rp, rr_vcol(&rp, RR_FREQ), "FREQ \"%s\" is not one of DAILY, WEEKLY, MONTHLY, YEARLY",
			       quote(rp.val[RR_FREQ], rp.len[RR_FREQ], q, sizeof(q)));
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
				possible |= abs(out->bymonthday[i]) <= days_in_month(2000, m);
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
		       quote(s, strlen(s), q, sizeof(q)));
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
					       quote(w, strlen(w), q, sizeof(q)));
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
	const struct zone *z = &utc_zone;
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
			err_set(e, rc, "rrule", "rrule cannot be combined with recurrence_pattern \"%s\"",
				quote(in->pattern, strlen(in->pattern), q, sizeof(q)));
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
		if ((rc = rrule_parse(in->rrule, z, out, e)))
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
			struct recurrence_civil c;
			secs_to_civil(zone_local(z, in->dtstart_utc), &c);
			if (in->end_date)
				rc = err_set(e, TODO_EINVAL, "recurrence_end_date",
					     "recurrence_end_date \"%s\" is before the series start %04d-%02d-%02d",
					     in->end_date, c.year, c.month, c.day);
			else
				rc = err_set(e, TODO_EINVAL, "rrule",
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
		       fmt_utc(s->after, buf, sizeof(buf)));
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
	struct recurrence_civil a, t;
	secs_to_civil(start_local, &a);
	secs_to_civil(zone_local(s->z, s->after), &t);
	int64_t m0 = (int64_t)a.year * 12 + a.month - 1, mt = (int64_t)t.year * 12 + t.month - 1;
	int64_t k = mt > m0 ? (mt - m0) / step - 1 : 0;
	if (k < 0)
		k = 0;
	int64_t tod = start_local - floor_div(start_local, SECS_PER_DAY) * SECS_PER_DAY;
	for (;; k++) {
		int64_t mi = m0 + k * step, y = floor_div(mi, 12);
		int m = (int)(mi - y * 12) + 1;
		if (y > 9999)
			return ended(s);
		int d = a.day < days_in_month(y, m) ? a.day : days_in_month(y, m);
		int rc = candidate(s, days_from_civil(y, m, d) * SECS_PER_DAY + tod, next);
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
	int64_t start_day = floor_div(start_local, SECS_PER_DAY);
	int64_t tod = start_local - start_day * SECS_PER_DAY;
	int start_wd = (weekday_sun0(start_day) + 6) % 7;          /* 0 = Monday */
	int64_t monday0 = start_day - start_wd, step = 7 * (int64_t)r->interval;
	unsigned days = 0;
	for (int i = 0; i < r->n_byday; i++)
		days |= 1u << r->byday[i].weekday;
	if (!days)
		days = 1u << start_wd;
	/* Skip whole periods up to two days before the search point. */
	int64_t target = floor_div(zone_local(s->z, s->after), SECS_PER_DAY) - 2;
	int64_t monday = monday0 + (target > monday0 ? (target - monday0) / step * step : 0);
	for (int i = 0; i < RECURRENCE_SEARCH_MAX; i++, monday += step) {
		for (int wd = 0; wd < 7; wd++) {
			int64_t day = monday + wd, y;
			int m, d;
			if (!(days & (1u << wd)) || day < start_day)
				continue;
			civil_from_days(day, &y, &m, &d);
			if (y > 9999)
				return ended(s);
			if (r->bymonth && !(r->bymonth & (1u << (m - 1))))
				continue;
			int rc = candidate(s, day * SECS_PER_DAY + tod, next);
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
		int64_t period = (int64_t)r->interval * SECS_PER_DAY;
		int64_t target = zone_local(s->z, s->after) - 2 * SECS_PER_DAY;
		if (target > start_local)
			start_local += (target - start_local) / period * period;
	}
	struct recurrence_civil c;
	secs_to_civil(start_local, &c);
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
			       r->rrule ? r->rrule : freq_names[r->freq],
			       icalerror_strerror(icalerrno));
	int rc = 0;
	for (int i = 0; rc == 0; i++) {
		struct icaltimetype o = icalrecur_iterator_next(it);
		if (i == RECURRENCE_SEARCH_MAX || icaltime_is_null_time(o)) {
			rc = ended(s);
			break;
		}
		c = (struct recurrence_civil){ o.year, o.month, o.day, o.hour, o.minute, o.second };
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
