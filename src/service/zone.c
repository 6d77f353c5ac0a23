/*
 * zone.c - time zones from TZif data (RFC 8536, with the POSIX TZ footer
 * for instants past the last stored transition), the wall-time -> UTC
 * resolution with the gap and overlap rules of service/recurrence.h, and
 * the process-wide cache of loaded zones. The files themselves are read by
 * base/tzfile.c.
 */
#include "service/zone.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/civil.h"
#include "base/tzfile.h"
#include "service/recurrence_internal.h"

#define UTOFF_LIMIT (26 * 3600)

/* A POSIX TZ rule date: Jn (1..365, Feb 29 never counted), n (0..365) or
 * Mm.w.d, and the local time of day of the change in seconds. */
struct tz_rule {
	char kind;                 /* 'J', 'N' or 'M' */
	int n, m, w, d;
	int32_t secs;
};

struct zone {
	struct zone *next;         /* the cache list */
	char name[ZONE_NAME_MAX];
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
static struct zone utc_zone_data = { .name = "UTC", .typecnt = 1, .utoff = utc_utoff };

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
	int64_t jan1 = civil_days_from_date(y, 1, 1);
	switch (r->kind) {
	case 'J':
		return jan1 + r->n - 1 + (civil_is_leap(y) && r->n >= 60);
	case 'N':
		return jan1 + r->n;
	default: {
		int64_t first = civil_days_from_date(y, r->m, 1);
		int64_t day = (r->d - civil_weekday_sun0(first) + 7) % 7 + (int64_t)(r->w - 1) * 7;
		while (day >= civil_days_in_month(y, r->m))
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
	civil_date_from_days(civil_floor_div(t + z->std_off, CIVIL_SECS_PER_DAY), &y, &m, &d);
	/* The latest change at or before t among the neighbouring years; at a
	 * tie (DST all year round, e.g. "J1/0,J365/25") DST wins. */
	for (int64_t yy = y - 1; yy <= y + 1; yy++) {
		int64_t to_std = tz_rule_day(&z->end, yy) * CIVIL_SECS_PER_DAY + z->end.secs - z->dst_off;
		int64_t to_dst = tz_rule_day(&z->start, yy) * CIVIL_SECS_PER_DAY + z->start.secs - z->std_off;
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
int32_t zone_offset_at(const struct zone *z, int64_t t)
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
int64_t zone_resolve(const struct zone *z, int64_t local)
{
	int32_t before = zone_offset_at(z, local - CIVIL_SECS_PER_DAY);
	int32_t after = zone_offset_at(z, local + CIVIL_SECS_PER_DAY);
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

int64_t zone_local(const struct zone *z, int64_t utc)
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
	if (!z || z == &utc_zone_data)
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
		       recurrence__quote(name, strlen(name), q, sizeof(q)));
}

/* Load zone @name from the database into a new *@out. */
static int zone_load(const char *name, struct zone **out, struct err *e)
{
	unsigned char *buf;
	size_t len;
	int rc = tzfile_read(name, &buf, &len, e);
	if (rc == TODO_ENOTFOUND)
		return zone_unknown(name, e);
	if (rc)
		return rc;
	struct zone *z = xcalloc(1, sizeof(*z));
	if (!tzif_parse(buf, len, z)) {
		zone_free(z);
		rc = zone_unknown(name, e);
		goto out_free_buf;
	}
	snprintf(z->name, sizeof(z->name), "%s", name);
	*out = z;
out_free_buf:
	free(buf);
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
	if (len >= ZONE_NAME_MAX)
		return err_set(e, TODO_EINVAL, "timezone",
			       "timezone is too long: %zu bytes, at most %d allowed", len,
			       ZONE_NAME_MAX - 1);
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
			       recurrence__quote(name, len, q, sizeof(q)));
	return 0;
}

/* The cached zone @name, loading it on first use. The zone lives until
 * recurrence_cache_release. */
int zone_get(const char *name, const struct zone **out, struct err *e)
{
	if (strcmp(name, "UTC") == 0) {
		*out = &utc_zone_data;
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

void zone_cache_release(void)
{
	pthread_mutex_lock(&cache_lock);
	while (cache) {
		struct zone *z = cache;
		cache = z->next;
		zone_free(z);
	}
	pthread_mutex_unlock(&cache_lock);
}

const struct zone *zone_utc(void)
{
	return &utc_zone_data;
}
