#include "base/civil.h"

int64_t civil_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool civil_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int civil_days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && civil_is_leap(y) ? 29 : dim[m - 1];
}

int64_t civil_days_from_date(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = civil_floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_date_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = civil_floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int civil_weekday_sun0(int64_t days)
{
	return (int)(((days % 7) + 11) % 7);
}

int64_t civil_to_secs(const struct civil_time *c)
{
	return civil_days_from_date(c->year, c->month, c->day) * CIVIL_SECS_PER_DAY +
	       c->hour * 3600 + c->minute * 60 + c->second;
}

void civil_from_secs(int64_t s, struct civil_time *c)
{
	int64_t days = civil_floor_div(s, CIVIL_SECS_PER_DAY), rem = s - days * CIVIL_SECS_PER_DAY, y;
	civil_date_from_days(days, &y, &c->month, &c->day);
	c->year = (int)y;
	c->hour = (int)(rem / 3600);
	c->minute = (int)(rem / 60 % 60);
	c->second = (int)(rem % 60);
}

bool civil_valid(const struct civil_time *c)
{
	return c->year >= 1 && c->year <= 9999 && c->month >= 1 && c->month <= 12 &&
	       c->day >= 1 && c->day <= civil_days_in_month(c->year, c->month) &&
	       c->hour >= 0 && c->hour <= 23 && c->minute >= 0 && c->minute <= 59 &&
	       c->second >= 0 && c->second <= 59;
}
