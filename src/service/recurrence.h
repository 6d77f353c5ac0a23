/*
 * recurrence.h - the recurrence engine of recurring tasks: validate a
 * recurrence as a client sends it, then compute the next due time of a
 * series. Pure logic: the time zone database is read by base/tzfile.h and
 * parsed by service/zone.h; no database, no network.
 *
 * Invariants
 *
 *   - Instants are Unix seconds UTC (int64_t). Every occurrence is computed
 *     on the wall clock of the task's IANA time zone (default "UTC"), so a
 *     series at 09:00 stays at 09:00 local across DST changes.
 *   - A wall time that does not exist (spring-forward gap) moves forward by
 *     the length of the gap: 02:30 on the day New York springs forward is
 *     03:30 EDT (07:30Z). An ambiguous wall time (fall-back overlap) is the
 *     first of the two, i.e. the earlier UTC instant.
 *   - A series is anchored at its start (dtstart, the first due time). Every
 *     occurrence is derived from dtstart, never from the previous
 *     occurrence, so clamped months do not drift.
 *   - Monthly and yearly series without BY* parts (the "monthly" and
 *     "yearly" patterns, and FREQ=MONTHLY / FREQ=YEARLY RRULEs with no
 *     BYDAY, BYMONTHDAY or BYMONTH) CLAMP to the month's last day: a series
 *     anchored on Jan 31 falls on Feb 28 (29 in leap years), Mar 31, Apr 30,
 *     May 31, ...; one anchored on Feb 29 falls on Feb 28 in common years
 *     and Feb 29 in leap years. This deliberately differs from RFC 5545,
 *     which would skip such months. RRULEs with an explicit BYMONTHDAY,
 *     BYDAY or BYMONTH follow RFC 5545: BYMONTHDAY=31 skips months without
 *     a 31st (use BYMONTHDAY=-1 for "last day").
 *   - Time zones come from the system TZif database under TZFILE_DIR
 *     (Debian package tzdata, see base/tzfile.h), parsed by service/zone.c.
 *     Debian builds libical 3.0.16 without zone data of its own and it
 *     converts those same files wrongly for some zones (Australia/Lord_Howe
 *     after 2037, America/St_Johns, America/Santiago, ...), so libical
 *     never sees a zone: it expands DAILY rules and MONTHLY / YEARLY rules
 *     with BY* parts on floating wall times, and this module maps wall
 *     times to UTC. Weekly and clamped series are expanded here (libical
 *     3.0.16 drops occurrences of some WEEKLY;INTERVAL rules). The TZ
 *     environment variable and TZDIR are never consulted, so results do not
 *     depend on the process environment.
 *   - Thread safety: every function may be called from any thread. Loaded
 *     zones are cached for the life of the process (see
 *     recurrence_cache_release).
 */
#ifndef TODOD_SERVICE_RECURRENCE_H
#define TODOD_SERVICE_RECURRENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/civil.h"
#include "base/err.h"
#include "service/zone.h"

#define RECURRENCE_TZ_MAX ZONE_NAME_MAX  /* bytes of a zone name, with the NUL */
#define RECURRENCE_INTERVAL_MAX 1000  /* recurrence_interval and INTERVAL */
#define RECURRENCE_COUNT_MAX 10000    /* COUNT */
#define RECURRENCE_RRULE_MAX 512      /* bytes of an rrule string */
#define RECURRENCE_LIST_MAX 64        /* distinct values in a BYDAY list */
#define RECURRENCE_BYMONTHDAY_MAX 31  /* distinct BYMONTHDAY values (libical's limit) */
/* recurrence_next examines at most this many candidate occurrences (about
 * 270 years of a daily series) before it gives up with TODO_ENOTFOUND. */
#define RECURRENCE_SEARCH_MAX 100000
/* Instants accepted by recurrence_next: 1970-01-01 .. 9999-12-31 UTC. */
#define RECURRENCE_TIME_MIN INT64_C(0)
#define RECURRENCE_TIME_MAX INT64_C(253402300799)

enum recurrence_pattern {
	RECURRENCE_NONE = 0,
	RECURRENCE_DAILY,
	RECURRENCE_WEEKLY,
	RECURRENCE_MONTHLY,
	RECURRENCE_YEARLY,
	RECURRENCE_RRULE,     /* an explicit RFC 5545 RRULE */
};

/* Weekday bits of struct recurrence.weekdays (ISO order, Monday first). */
enum recurrence_weekday {
	RECURRENCE_MO = 1u << 0,
	RECURRENCE_TU = 1u << 1,
	RECURRENCE_WE = 1u << 2,
	RECURRENCE_TH = 1u << 3,
	RECURRENCE_FR = 1u << 4,
	RECURRENCE_SA = 1u << 5,
	RECURRENCE_SU = 1u << 6,
};

enum recurrence_freq {
	RECURRENCE_FREQ_NONE = 0,
	RECURRENCE_FREQ_DAILY,
	RECURRENCE_FREQ_WEEKLY,
	RECURRENCE_FREQ_MONTHLY,
	RECURRENCE_FREQ_YEARLY,
};

/*
 * A recurrence as a client sends it; every member is optional. The strings
 * are borrowed: recurrence_parse copies what it keeps.
 *
 * Either a simple pattern (pattern + interval + weekdays) or an rrule (with
 * pattern NULL or "custom"), not both. With neither (pattern NULL or "none",
 * rrule NULL) the task does not recur and interval, weekdays and end_date
 * must be absent.
 */
struct recurrence_spec {
	const char *pattern;            /* "none" | "daily" | "weekly" | "monthly" |
					   "yearly" | "custom" (= rrule given);
					   NULL = absent */
	bool has_interval;
	long long interval;             /* every N days/weeks/months/years, 1..MAX */
	bool has_weekdays;              /* "weekly" only; at least one day, as */
	const char *const *weekdays;    /* names: "MO".."SU", "mon".."sun" or
					   "monday".."sunday", any case; or, when
					   weekdays is NULL, as */
	size_t n_weekdays;
	unsigned weekdays_mask;         /* RECURRENCE_MO.. bits */
	const char *rrule;              /* RFC 5545 RECUR value, optionally with an
					   "RRULE:" prefix; NULL = absent */
	const char *rrule_field;        /* the field errors about @rrule name;
					   NULL = "rrule" */
	const char *timezone;           /* IANA name; NULL = "UTC" */
	const char *end_date;           /* "YYYY-MM-DD", inclusive in the task's
					   zone; NULL = no end date */
	bool has_dtstart;               /* when set, end_date and UNTIL must not */
	int64_t dtstart_utc;            /* fall before the series start */
};

/* One BYDAY value: ordinal 0 (every such weekday) or +-1..53, and the
 * weekday 0 = Monday .. 6 = Sunday. */
struct recurrence_byday {
	signed char ordinal;
	unsigned char weekday;
};

/*
 * A validated recurrence. Plain data apart from @rrule: it may be copied
 * only by recurrence_parse; release it with recurrence_release. Members are
 * read-only for callers.
 */
struct recurrence {
	enum recurrence_pattern pattern;
	int interval;                   /* >= 1 */
	unsigned weekdays;              /* RECURRENCE_MO.. bits ("weekly"); 0 =
					   the weekday of dtstart */
	char *rrule;                    /* canonical RRULE (upper case, sorted,
					   no duplicates), malloc'd; NULL unless
					   pattern == RECURRENCE_RRULE */
	char tz[RECURRENCE_TZ_MAX];     /* IANA zone name, "UTC" by default */
	int64_t until_utc;              /* last instant an occurrence may fall
					   on (inclusive); 0 = no end */
	int count;                      /* occurrences in the series; 0 = no limit */
	/* The rule the engine expands, filled for every pattern but NONE. */
	enum recurrence_freq freq;
	bool clamp;                     /* month-end clamping (see the top) */
	int n_byday;
	struct recurrence_byday byday[RECURRENCE_LIST_MAX];
	int n_bymonthday;
	signed char bymonthday[RECURRENCE_BYMONTHDAY_MAX];  /* +-1..31 */
	unsigned bymonth;               /* bit m-1 for month m; 0 = none */
};

/* --- Validation --- */

/*
 * recurrence_parse - validate @in and fill @out (overwritten; need not be
 * initialised). Returns 0, or TODO_EINVAL with @e naming the field
 * (recurrence_pattern, recurrence_interval, recurrence_weekdays, rrule or
 * @in->rrule_field, timezone or recurrence_end_date) and quoting the bad value; RRULE errors
 * give the 1-based column in @in->rrule. On error @out holds nothing to
 * release (releasing it is still safe). Supported RRULE parts: FREQ
 * (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY (ordinals with MONTHLY
 * and YEARLY only, not together with BYMONTHDAY), BYMONTHDAY (not with
 * WEEKLY), BYMONTH, COUNT, UNTIL (DATE, local DATE-TIME or UTC DATE-TIME
 * with Z); COUNT and UNTIL exclude each other and recurrence_end_date.
 * An UNTIL or end date is inclusive: a DATE runs to the end of that day in
 * the task's zone. May return TODO_EINTERNAL when the zone database cannot
 * be read.
 */
int recurrence_parse(const struct recurrence_spec *in, struct recurrence *out, struct err *e);

/* recurrence_release - free the contents of @r (not @r) and reset it to a
 * non-recurring UTC recurrence. Safe on a zeroed or released struct. */
void recurrence_release(struct recurrence *r);

/* --- The engine --- */

/*
 * recurrence_next - the first occurrence of the series @r anchored at
 * @dtstart_utc that falls strictly after both @current_due_utc and
 * @now_utc, so completing late skips the missed occurrences instead of
 * creating a pile of overdue ones.
 *
 * @occurrences_so_far is how many occurrences of the series exist already,
 * the current one included (1 for a series that has only its first task);
 * with a COUNT of N the series ends once N exist.
 *
 * Returns 0 and sets *@next_utc, or
 *   TODO_ENOTFOUND when there is no next occurrence: the pattern is NONE,
 *     the end date / UNTIL is passed, COUNT is reached, or nothing was found
 *     within RECURRENCE_SEARCH_MAX candidates;
 *   TODO_EINVAL when an instant is outside RECURRENCE_TIME_MIN..MAX or
 *     @occurrences_so_far is negative;
 *   TODO_EINTERNAL when the zone cannot be loaded any more or libical fails.
 * @e (may be NULL) gets the message.
 */
int recurrence_next(const struct recurrence *r, int64_t dtstart_utc, int64_t current_due_utc,
		    int64_t now_utc, int occurrences_so_far, int64_t *next_utc, struct err *e);

/* --- Time zones --- */

/*
 * recurrence_zone_offset - the UTC offset in seconds (east positive) of
 * zone @tz at instant @utc. Returns 0, TODO_EINVAL (field "timezone") for a
 * malformed or unknown zone name, or TODO_EINTERNAL.
 */
int recurrence_zone_offset(const char *tz, int64_t utc, int32_t *offset, struct err *e);

/*
 * recurrence_zone_resolve - the UTC instant of wall time @local in zone
 * @tz, with the gap and overlap rules above. Returns 0, TODO_EINVAL (field
 * "timezone" for the zone, none for a wall time outside years 1..9999 or
 * fields out of range), or TODO_EINTERNAL.
 */
int recurrence_zone_resolve(const char *tz, const struct civil_time *local, int64_t *utc,
			    struct err *e);

/*
 * recurrence_cache_release - free every cached zone. Only for process exit
 * and tests: no other thread may be inside this module, and zone data is
 * reloaded on next use.
 */
void recurrence_cache_release(void);

#endif
