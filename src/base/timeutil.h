/*
 * timeutil.h - the one parser of timestamp text: RFC 3339 date-times (any
 * offset; 'T', 't' or a space between date and time; 'Z' or 'z'; 1 to 9
 * fraction digits, cut to microseconds) and plain dates
 * (YYYY-MM-DD), in years 1..9999. Client input (due_datetime, end dates,
 * filter values) and the text the store returns ("...T09:00:00.123456Z")
 * go through it.
 */
#ifndef TODOD_BASE_TIMEUTIL_H
#define TODOD_BASE_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a text is not a timestamp. */
enum time_parse_result {
	TIME_OK = 0,
	TIME_BAD_FORM,          /* neither form */
	TIME_BAD_YEAR,
	TIME_BAD_MONTH,
	TIME_BAD_DAY,
	TIME_BAD_HOUR,
	TIME_BAD_MINUTE,
	TIME_BAD_SECOND,        /* a leap second (:60) included */
	TIME_BAD_OFFSET,
	TIME_OUT_OF_RANGE,      /* before 0001-01-01T00:00:00Z or from 10000-01-01 UTC */
};

/* time_parse - @s[0..n) as microseconds since 1970-01-01T00:00:00Z into
 * *@usec; *@is_date tells whether it was a plain date (its midnight UTC). */
enum time_parse_result time_parse(const char *s, size_t n, int64_t *usec, bool *is_date);

/* time_parse_reason - "month out of range", ...; NULL for TIME_OK and
 * TIME_BAD_FORM (the caller says which forms it takes). */
const char *time_parse_reason(enum time_parse_result r);

/* time_utc_seconds - Unix seconds (fraction dropped) of an RFC 3339 text;
 * -1 if it is not one. */
int time_utc_seconds(const char *text, int64_t *out);

/* time_now_us - microseconds since 1970-01-01T00:00:00Z now (wall clock). */
int64_t time_now_us(void);

#endif
