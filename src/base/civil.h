/*
 * civil.h - civil (proleptic Gregorian) calendar arithmetic on int64 days
 * and seconds since 1970-01-01, exact over the whole range the service
 * uses. The one home of days_in_month and of date <-> day-number
 * conversion (H. Hinnant's algorithms). Pure; no time zones: a struct
 * civil_time is a wall-clock reading, and converting it to seconds treats
 * the wall clock as if it were UTC.
 */
#ifndef TODOD_BASE_CIVIL_H
#define TODOD_BASE_CIVIL_H

#include <stdbool.h>
#include <stdint.h>

#define CIVIL_SECS_PER_DAY INT64_C(86400)

/* A wall-clock date and time (no zone). */
struct civil_time {
	int year, month, day;           /* month 1..12, day 1..31 */
	int hour, minute, second;
};

/* civil_floor_div - @a / @b rounded towards negative infinity (@b != 0). */
int64_t civil_floor_div(int64_t a, int64_t b);

bool civil_is_leap(int64_t year);

/* civil_days_in_month - 28..31 for @month 1..12 of @year. */
int civil_days_in_month(int64_t year, int month);

/* civil_days_from_date - days since 1970-01-01 of a date (negative before). */
int64_t civil_days_from_date(int64_t year, int month, int day);

/* civil_date_from_days - the date of day number @days. */
void civil_date_from_days(int64_t days, int64_t *year, int *month, int *day);

/* civil_weekday_sun0 - 0 = Sunday .. 6 = Saturday of day number @days. */
int civil_weekday_sun0(int64_t days);

/* civil_to_secs / civil_from_secs - a wall-clock reading <-> seconds since
 * 1970-01-01T00:00:00 on that same clock. */
int64_t civil_to_secs(const struct civil_time *c);
void civil_from_secs(int64_t secs, struct civil_time *c);

/* civil_valid - a real date and time of years 1..9999 (no leap second). */
bool civil_valid(const struct civil_time *c);

#endif
